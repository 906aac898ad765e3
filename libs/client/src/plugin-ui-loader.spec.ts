import { describe, expect, it } from '@jest/globals';
import type { MountedUi } from '@cm/ruleset-sdk';
import { PluginUiLoader, type PluginUiFailure, type UiModule } from './plugin-ui-loader.js';

/** Just enough of a DOM element for the loader (it only replaces children and builds a text-only card). */
class FakeElement {
  children: FakeElement[] = [];
  attributes: Record<string, string> = {};
  className = '';
  textContent = '';
  constructor(
    readonly tagName: string,
    readonly ownerDocument: FakeDocument,
  ) {}
  replaceChildren(...nodes: FakeElement[]): void {
    this.children = nodes;
  }
  append(...nodes: FakeElement[]): void {
    this.children.push(...nodes);
  }
  setAttribute(name: string, value: string): void {
    this.attributes[name] = value;
  }
  /** All text below this element. */
  get text(): string {
    return [this.textContent, ...this.children.map((child) => child.text)].join(' ').trim();
  }
}

class FakeDocument {
  createElement(tag: string): FakeElement {
    return new FakeElement(tag, this);
  }
}

interface SheetProps {
  sheet: { hp: number };
  editable: boolean;
  onChange: (sheet: { hp: number }) => void;
}

/** A UI module that renders `label: hp` and exposes the props it got, like a ruleset's sheet UI. */
function sheetUi(label: string, log: string[], fail: { mount?: boolean; update?: boolean } = {}): UiModule<SheetProps> {
  return {
    mount(target, props) {
      if (fail.mount) throw new Error(`${label} cannot mount`);
      let current = props;
      const render = (): void => {
        const element = target as unknown as FakeElement;
        const node = element.ownerDocument.createElement('span');
        node.textContent = `${label}: ${current.sheet.hp}`;
        element.replaceChildren(node);
      };
      render();
      log.push(`mount ${label} hp=${props.sheet.hp}`);
      (target as unknown as { edit: (hp: number) => void }).edit = (hp) => current.onChange({ hp });
      const ui: MountedUi<SheetProps> = {
        update(next) {
          if (fail.update) throw new Error(`${label} cannot update`);
          current = { ...current, ...next };
          render();
        },
        destroy() {
          log.push(`destroy ${label}`);
        },
      };
      return ui;
    },
  };
}

function setup(modules: Record<string, UiModule<SheetProps> | Error>) {
  const imports: string[] = [];
  const failures: Array<{ message: string } & PluginUiFailure> = [];
  const loader = new PluginUiLoader({
    baseUrl: 'http://host.test',
    importModule: async (url) => {
      imports.push(url);
      const module = modules[url.replace('http://host.test', '')];
      if (module instanceof Error) throw module;
      return module === undefined ? {} : { default: module };
    },
    onError: (error, failure) => failures.push({ message: error.message, ...failure }),
  });
  const target = new FakeDocument().createElement('div');
  return { loader, imports, failures, target, element: target as unknown as HTMLElement };
}

const V1 = '/v1/plugins/assets/dsa5e-ui.1111111111111111.js';
const V2 = '/v1/plugins/assets/dsa5e-ui.2222222222222222.js';

describe(PluginUiLoader.name, () => {
  it('imports a bundle once per URL and mounts it with the given props', async () => {
    const log: string[] = [];
    const { loader, imports, target, element } = setup({ [V1]: sheetUi('v1', log) });
    const props = { sheet: { hp: 10 }, editable: true, onChange: () => undefined };
    const first = await loader.mount(element, V1, props);
    await loader.mount(element, V1, props);
    expect(imports).toEqual([`http://host.test${V1}`]);
    expect(target.text).toBe('v1: 10');
    expect(first.error).toBeNull();
    first.update({ sheet: { hp: 4 } });
    expect(target.text).toBe('v1: 4');
  });

  it('shows an error card instead of a UI that throws on mount, and reports it', async () => {
    const { loader, failures, target, element } = setup({ [V1]: sheetUi('v1', [], { mount: true }) });
    const errors: string[] = [];
    const mounted = await loader.mount(
      element,
      V1,
      { sheet: { hp: 1 }, editable: true, onChange: () => undefined },
      { onError: (error) => errors.push(error.message) },
    );
    expect(target.children[0].attributes.role).toBe('alert');
    expect(target.text).toBe('The dsa5e plugin stopped working. v1 cannot mount');
    expect(mounted.error?.message).toBe('v1 cannot mount');
    expect(errors).toEqual(['v1 cannot mount']);
    expect(failures).toEqual([{ message: 'v1 cannot mount', phase: 'mount', url: V1, pluginId: 'dsa5e' }]);
    expect(() => mounted.update({ sheet: { hp: 2 } })).not.toThrow();
  });

  it('contains a UI that throws on update and one whose bundle does not load', async () => {
    const log: string[] = [];
    const { loader, failures, target, element } = setup({
      [V1]: sheetUi('v1', log, { update: true }),
      [V2]: new Error('404 Not Found'),
    });
    const mounted = await loader.mount(element, V1, { sheet: { hp: 1 }, editable: true, onChange: () => undefined });
    mounted.update({ editable: false });
    expect(target.text).toMatch(/stopped working\. v1 cannot update/);
    expect(log).toEqual(['mount v1 hp=1', 'destroy v1']);
    const other = new FakeDocument().createElement('div');
    const missing = await loader.mount(other as unknown as HTMLElement, V2, {
      sheet: { hp: 1 },
      editable: true,
      onChange: () => undefined,
    });
    expect(other.text).toBe('The dsa5e plugin could not be loaded. 404 Not Found');
    expect(missing.error?.message).toBe('404 Not Found');
    expect(failures.map((failure) => failure.phase)).toEqual(['update', 'load']);
  });

  it('refuses a bundle without a mount function', async () => {
    const { loader, target, element } = setup({});
    await loader.mount(element, V1, { sheet: { hp: 1 }, editable: true, onChange: () => undefined });
    expect(target.text).toMatch(/no default export with a mount/);
  });

  it('re-mounts the reloaded bundle with the unsaved sheet the UI reported', async () => {
    const log: string[] = [];
    const { loader, target, element } = setup({ [V1]: sheetUi('v1', log), [V2]: sheetUi('v2', log) });
    const saved: number[] = [];
    const mounted = await loader.mount(element, V1, {
      sheet: { hp: 10 },
      editable: true,
      onChange: (sheet: { hp: number }) => saved.push(sheet.hp),
    });
    (target as unknown as { edit: (hp: number) => void }).edit(7);
    expect(saved).toEqual([7]);
    await loader.reload({ pluginId: 'other', uiUrl: V2, status: 'loaded' });
    await loader.reload({ pluginId: 'dsa5e', uiUrl: V1, status: 'loaded' });
    await loader.reload({ pluginId: 'dsa5e', uiUrl: V2, status: 'failed' });
    expect(log).toEqual(['mount v1 hp=10']);
    await loader.reload({ pluginId: 'dsa5e', uiUrl: V2, status: 'loaded' });
    expect(log).toEqual(['mount v1 hp=10', 'destroy v1', 'mount v2 hp=7']);
    expect(target.text).toBe('v2: 7');
    expect(mounted.url).toBe(V2);
    (target as unknown as { edit: (hp: number) => void }).edit(6);
    expect(saved).toEqual([7, 6]);
  });

  it('keeps the working UI when the reloaded bundle fails to load, and forgets destroyed mounts', async () => {
    const log: string[] = [];
    const { loader, failures, target, element } = setup({ [V1]: sheetUi('v1', log), [V2]: new Error('offline') });
    const mounted = await loader.mount(element, V1, { sheet: { hp: 3 }, editable: true, onChange: () => undefined });
    await loader.reload({ pluginId: 'dsa5e', uiUrl: V2, status: 'loaded' });
    expect(target.text).toBe('v1: 3');
    expect(mounted.error).toBeNull();
    expect(failures).toEqual([{ message: 'offline', phase: 'load', url: V2, pluginId: 'dsa5e' }]);
    mounted.destroy();
    expect(target.children).toEqual([]);
    expect(log).toEqual(['mount v1 hp=3', 'destroy v1']);
    await loader.reload({ pluginId: 'dsa5e', uiUrl: V2, status: 'loaded' });
    expect(failures).toHaveLength(1);
  });

  it('takes the props of a re-mount from currentProps when the caller keeps them', async () => {
    const log: string[] = [];
    const { loader, element } = setup({ [V1]: sheetUi('v1', log), [V2]: sheetUi('v2', log) });
    const mounted = await loader.mount(
      element,
      V1,
      { sheet: { hp: 10 }, editable: true, onChange: () => undefined },
      { currentProps: () => ({ sheet: { hp: 42 }, editable: true, onChange: () => undefined }) },
    );
    await mounted.remount(V2);
    expect(log).toEqual(['mount v1 hp=10', 'destroy v1', 'mount v2 hp=42']);
  });
});
