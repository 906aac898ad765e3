import type { PluginReloadedPayload } from '@cm/contracts';
import type { MountedUi } from '@cm/ruleset-sdk';
import { reportError } from './readable.js';

/** The default export of a plugin UI bundle (`SheetUiModule` / `PanelUiModule` of `@cm/ruleset-sdk`). */
export interface UiModule<P> {
  mount(target: HTMLElement, props: P): MountedUi<P>;
}

/** Where a failure happened. */
export interface PluginUiFailure {
  phase: 'load' | 'mount' | 'update' | 'destroy';
  url: string;
  pluginId: string | undefined;
}

/** How to load bundles and what to do with a UI that fails. */
export interface PluginUiLoaderOptions {
  /** Resolves the catalog's relative URLs (`/v1/plugins/assets/…`); default: the page's location. */
  baseUrl?: string;
  /** Imports a module by absolute URL (default: dynamic `import()`). */
  importModule?: (url: string) => Promise<unknown>;
  /** Renders the error card of a failed UI into its target (default: a plain card; `false`: leave it empty). */
  renderError?: ((target: HTMLElement, error: Error, failure: PluginUiFailure) => void) | false;
  /** Told about every failure (logging, a toast). */
  onError?: (error: Error, failure: PluginUiFailure) => void;
}

/** Options of one mount. */
export interface MountOptions<P> {
  /** The plugin the bundle belongs to, for `reload` (default: read from the bundle's file name). */
  pluginId?: string;
  /** This mount failed (its target shows the error card). */
  onError?: (error: Error) => void;
  /** The props of a re-mount after a reload; default: the latest props, with the sheet the UI last reported. */
  currentProps?: () => P;
}

/** A mounted plugin UI; it never throws: a failure shows the error card and is reported. */
export interface MountedPluginUi<P> {
  update(props: Partial<P>): void;
  destroy(): void;
  /** The bundle URL shown now. */
  readonly url: string;
  /** Why the UI is not shown (it failed to load, mount or update), or null. */
  readonly error: Error | null;
  /** Re-mounts onto another bundle (a reloaded plugin), keeping the current props and unsaved sheet. */
  remount(url: string): Promise<void>;
}

const BUNDLE_NAME = /\/([a-z0-9][a-z0-9-]*?)-ui\.[0-9a-f]+\.js$/;

/**
 * Loads ruleset sheet UIs and feature panels from the catalog's content-hashed URLs on demand (one import per
 * URL), mounts them through the SDK's UI contract, contains a UI that throws (an error card in its element, the
 * page keeps working) and, on `plugin.reloaded`, re-mounts the new bundle with the user's unsaved edits.
 */
export class PluginUiLoader {
  private readonly modules = new Map<string, Promise<UiModule<unknown>>>();
  private readonly mounts = new Set<PluginMount<object>>();

  constructor(private readonly options: PluginUiLoaderOptions = {}) {}

  /** The module of a bundle, imported once per URL (a URL names one immutable build). */
  load<P>(url: string): Promise<UiModule<P>> {
    const absolute = this.resolve(url);
    let module = this.modules.get(absolute);
    if (!module) {
      module = this.importModule(absolute).then(toUiModule);
      // A failed import (network, 404) may be retried later.
      module.catch(() => this.modules.delete(absolute));
      this.modules.set(absolute, module);
    }
    return module;
  }

  /** Mounts a bundle into `target`; resolves once it is shown or its error card is. */
  async mount<P extends object>(
    target: HTMLElement,
    url: string,
    props: P,
    options: MountOptions<P> = {},
  ): Promise<MountedPluginUi<P>> {
    const pluginId = options.pluginId ?? BUNDLE_NAME.exec(url)?.[1];
    const mount = new PluginMount<P>(this, target, props, { ...options, pluginId });
    this.mounts.add(mount);
    await mount.show(url);
    return mount;
  }

  /** Re-mounts every UI of a reloaded plugin onto its new bundle (unchanged or missing URLs change nothing). */
  async reload(event: Pick<PluginReloadedPayload, 'pluginId' | 'uiUrl' | 'status'>): Promise<void> {
    const { uiUrl } = event;
    if (event.status !== 'loaded' || uiUrl === null) return;
    const affected = [...this.mounts].filter(
      (mount) => mount.pluginId === event.pluginId && this.resolve(mount.url) !== this.resolve(uiUrl),
    );
    await Promise.all(affected.map((mount) => mount.remount(uiUrl)));
  }

  /** @internal */
  forget(mount: PluginMount<object>): void {
    this.mounts.delete(mount);
  }

  /** @internal Renders the error card in place of the UI and reports the failure. */
  fail(target: HTMLElement, error: Error, failure: PluginUiFailure): void {
    const render = this.options.renderError ?? renderErrorCard;
    try {
      target.replaceChildren();
      if (render) render(target, error, failure);
    } catch (renderFailure) {
      reportError(renderFailure);
    }
    this.notify(error, failure);
  }

  /** @internal Reports a failure that changed nothing on screen (a reload that did not load). */
  notify(error: Error, failure: PluginUiFailure): void {
    try {
      this.options.onError?.(error, failure);
    } catch (callbackFailure) {
      reportError(callbackFailure);
    }
  }

  private resolve(url: string): string {
    const base = this.options.baseUrl ?? (globalThis.location as Location | undefined)?.href;
    return base ? new URL(url, base).href : url;
  }

  private importModule(url: string): Promise<unknown> {
    return this.options.importModule ? this.options.importModule(url) : import(/* @vite-ignore */ url);
  }
}

type UiProps = { sheet?: unknown; onChange?: (value: unknown) => void };

class PluginMount<P extends object> implements MountedPluginUi<P> {
  url = '';
  error: Error | null = null;
  private ui: MountedUi<P> | null = null;
  private props: P;
  /** What the UI reported through onChange since the caller last set the sheet: the unsaved edits. */
  private edited: { sheet: unknown } | null = null;
  private destroyed = false;
  private generation = 0;
  private mountedOnce = false;

  constructor(
    private readonly loader: PluginUiLoader,
    private readonly target: HTMLElement,
    props: P,
    private readonly options: MountOptions<P> & { pluginId: string | undefined },
  ) {
    this.props = props;
  }

  get pluginId(): string | undefined {
    return this.options.pluginId;
  }

  /** Loads and mounts `url` in place of what is shown (the old UI stays until the new bundle has loaded). */
  async show(url: string): Promise<void> {
    const generation = ++this.generation;
    let module: UiModule<P>;
    try {
      module = await this.loader.load<P>(url);
    } catch (error) {
      if (generation !== this.generation || this.destroyed) return;
      if (this.ui) return this.report(toError(error), 'load', url, false); // keep the working UI
      this.url = url;
      return this.report(toError(error), 'load', url, true);
    }
    if (generation !== this.generation || this.destroyed) return;
    this.teardown();
    this.url = url;
    this.error = null;
    this.target.replaceChildren();
    try {
      const props = this.nextProps();
      this.mountedOnce = true;
      this.ui = module.mount(this.target, this.wrapped(props));
    } catch (error) {
      this.ui = null;
      this.report(toError(error), 'mount', url, true);
    }
  }

  update(props: Partial<P>): void {
    if (this.destroyed) return;
    this.props = { ...this.props, ...props };
    if ('sheet' in props) this.edited = null;
    if (!this.ui) return;
    try {
      this.ui.update(props);
    } catch (error) {
      this.teardown();
      this.report(toError(error), 'update', this.url, true);
    }
  }

  remount(url: string): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    return this.show(url);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.generation += 1;
    this.teardown();
    this.target.replaceChildren();
    this.loader.forget(this);
  }

  /** The props of the next mount: for a re-mount the caller's view, or the latest props with the unsaved sheet. */
  private nextProps(): P {
    if (this.mountedOnce && this.options.currentProps) return this.options.currentProps();
    return this.edited ? { ...this.props, sheet: this.edited.sheet } : this.props;
  }

  /** Records every sheet the UI reports before passing it on, so a re-mount can hand it back. */
  private wrapped(props: P): P {
    const onChange = (props as UiProps).onChange;
    if (typeof onChange !== 'function') return props;
    return {
      ...props,
      onChange: (sheet: unknown) => {
        this.edited = { sheet };
        onChange(sheet);
      },
    };
  }

  private teardown(): void {
    const ui = this.ui;
    this.ui = null;
    if (!ui) return;
    try {
      ui.destroy();
    } catch (error) {
      this.loader.fail(this.target, toError(error), { phase: 'destroy', url: this.url, pluginId: this.pluginId });
    }
  }

  private report(error: Error, phase: PluginUiFailure['phase'], url: string, shown: boolean): void {
    const failure = { phase, url, pluginId: this.pluginId };
    if (shown) {
      this.error = error;
      this.loader.fail(this.target, error, failure);
    } else {
      this.loader.notify(error, failure);
    }
    try {
      this.options.onError?.(error);
    } catch (callbackFailure) {
      reportError(callbackFailure);
    }
  }
}

/** A plain, framework-free error card (text only, never HTML from the error). */
function renderErrorCard(target: HTMLElement, error: Error, failure: PluginUiFailure): void {
  const document = target.ownerDocument;
  const card = document.createElement('div');
  card.setAttribute('role', 'alert');
  card.className = 'cm-plugin-error';
  const title = document.createElement('strong');
  const what = failure.pluginId ? `The ${failure.pluginId} plugin` : 'This plugin';
  title.textContent = failure.phase === 'load' ? `${what} could not be loaded.` : `${what} stopped working.`;
  const detail = document.createElement('p');
  detail.textContent = error.message.slice(0, 300);
  card.append(title, detail);
  target.append(card);
}

function toUiModule(namespace: unknown): UiModule<unknown> {
  const module = (namespace as { default?: unknown } | null)?.default;
  if (typeof module !== 'object' || module === null || typeof (module as UiModule<unknown>).mount !== 'function') {
    throw new Error('The bundle has no default export with a mount(target, props) function');
  }
  return module as UiModule<unknown>;
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
