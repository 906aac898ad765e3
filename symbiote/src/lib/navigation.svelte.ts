/** The one view on screen. TaleSpire re-injects its API and loses state on a page load, so there is no router. */
export type View =
  | { name: 'starting' }
  | { name: 'login' }
  | { name: 'groups' }
  | { name: 'group'; groupId: string }
  | { name: 'character'; groupId: string; characterId: string; panel: 'sheet' | 'history' };

export class Navigation {
  currentView = $state.raw<View>({ name: 'starting' });

  go(view: View): void {
    this.currentView = view;
  }
}
