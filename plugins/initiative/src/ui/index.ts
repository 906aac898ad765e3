import type { MountedUi, PanelUiModule, PanelUiProps } from '@cm/ruleset-sdk';
import { mount, unmount } from 'svelte';
import InitiativePanel from './InitiativePanel.svelte';

/** The component's exported API (Svelte 5 `mount` returns a component's exports). */
interface PanelComponent {
  update(props: Partial<PanelUiProps>): void;
}

/** Mounts the initiative panel; `update` replaces props (new state pushed by the host), `destroy` unmounts. */
const ui: PanelUiModule = {
  mount(target: HTMLElement, props: PanelUiProps): MountedUi<PanelUiProps> {
    const component = mount(InitiativePanel, { target, props: { initial: props } }) as unknown as PanelComponent;
    return {
      update: (next) => component.update(next),
      destroy: () => void unmount(component),
    };
  },
};

export default ui;
