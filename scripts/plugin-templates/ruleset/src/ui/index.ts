import { mount, unmount } from 'svelte';
import type { MountedUi, SheetUiModule, SheetUiProps } from '@cm/ruleset-sdk';
import Sheet from './Sheet.svelte';

/** Mounts the sheet; the host calls `update` with new props and `destroy` before unmounting or hot reloading. */
const ui: SheetUiModule = {
  mount(target: HTMLElement, props: SheetUiProps): MountedUi<SheetUiProps> {
    const component = mount(Sheet, { target, props: { initial: props } }) as unknown as {
      update(next: Partial<SheetUiProps>): void;
    };
    return {
      update: (next) => component.update(next),
      destroy: () => void unmount(component),
    };
  },
};
export default ui;
