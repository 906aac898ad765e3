import type { MountedUi, SheetUiModule, SheetUiProps } from '@cm/ruleset-sdk';
import { mount, unmount } from 'svelte';
import DsaSheet from './DsaSheet.svelte';

/** The component's exported API (Svelte 5 `mount` returns a component's exports). */
interface SheetComponent {
  update(props: Partial<SheetUiProps>): void;
}

/** Mounts the DSA5 hero sheet; `update` replaces props, `destroy` unmounts. */
const ui: SheetUiModule = {
  mount(target: HTMLElement, props: SheetUiProps): MountedUi<SheetUiProps> {
    const component = mount(DsaSheet, { target, props: { initial: props } }) as unknown as SheetComponent;
    return {
      update: (next) => component.update(next),
      destroy: () => void unmount(component),
    };
  },
};

export default ui;
