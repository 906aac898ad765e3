import { createContext } from 'svelte';
import { CatalogState } from './catalog.svelte.js';
import { CharactersState } from './characters.svelte.js';
import { ConnectionState } from './connection.svelte.js';
import { GroupsState } from './groups.svelte.js';
import type { ClientServices } from './services.js';
import { SessionState } from './session.svelte.js';
import { ToastState } from './toasts.svelte.js';

/** The app-wide state both clients create once at their root and hand down through context. */
export class AppState {
  readonly session: SessionState;
  readonly toasts = new ToastState();
  readonly catalog: CatalogState;
  readonly groups: GroupsState;
  readonly characters: CharactersState;
  readonly connection: ConnectionState;

  constructor(readonly services: ClientServices) {
    this.session = new SessionState(services);
    this.catalog = new CatalogState(services);
    this.groups = new GroupsState(services);
    this.characters = new CharactersState(services);
    this.connection = new ConnectionState(services);
  }

  dispose(): void {
    this.session.dispose();
    this.catalog.dispose();
    this.connection.dispose();
    this.toasts.clear();
  }
}

const [getApp, setApp] = createContext<AppState>();

/** Makes the app state available to every component below (call once, in the root component). */
export function provideApp(app: AppState): AppState {
  return setApp(app);
}

/** The app state provided by the root component. */
export function useApp(): AppState {
  return getApp();
}
