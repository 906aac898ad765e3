import type { MountedUi, SheetUiModule, SheetUiProps } from '@cm/ruleset-sdk';
import { mount, unmount } from 'svelte';
import GenericSheet from './GenericSheet.svelte';

/** The component's exported API (Svelte 5 `mount` returns a component's exports). */
interface SheetComponent {
  update(props: Partial<SheetUiProps>): void;
}

/** Mounts the generic sheet; `update` replaces props, `destroy` unmounts. */
const ui: SheetUiModule = {
  mount(target: HTMLElement, props: SheetUiProps): MountedUi<SheetUiProps> {
    const component = mount(GenericSheet, { target, props: { initial: props } }) as unknown as SheetComponent;
    return {
      update: (next) => component.update(next),
      destroy: () => void unmount(component),
    };
  },
};

export default ui;
