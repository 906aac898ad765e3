import { mount, unmount } from 'svelte';
import type { MountedUi, PanelUiModule, PanelUiProps } from '@cm/ruleset-sdk';
import Panel from './Panel.svelte';

const ui: PanelUiModule = {
  mount(target: HTMLElement, props: PanelUiProps): MountedUi<PanelUiProps> {
    const component = mount(Panel, { target, props: { initial: props } }) as unknown as {
      update(next: Partial<PanelUiProps>): void;
    };
    return {
      update: (next) => component.update(next),
      destroy: () => void unmount(component),
    };
  },
};
export default ui;
