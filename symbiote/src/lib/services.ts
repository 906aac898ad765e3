import { createApi, PluginUiLoader, RealtimeClient, Session, type RefreshTokenStore } from '@cm/client';
import type { ClientServices, DraftStore, PluginReload } from '@cm/client/svelte';
import type { TaleSpire } from '../talespire/adapter.js';

/** The refresh token in TaleSpire's global blob (the Session's body transport): it survives reloads and restarts. */
export function taleSpireTokenStore(ts: TaleSpire): RefreshTokenStore {
  return {
    transport: 'body',
    load: async () => {
      const token = (await ts.readGlobal()).refreshToken;
      return typeof token === 'string' ? token : null;
    },
    save: (token) => ts.updateGlobal({ refreshToken: token }),
  };
}

/**
 * Drafts of unsaved sheet edits: kept in memory (the state classes read them synchronously) and written through
 * to the global blob, from which `load()` fills the memory at boot.
 */
export class TaleSpireDrafts implements DraftStore {
  #drafts: Record<string, string> = {};
  #writing: Promise<void> = Promise.resolve();

  constructor(private readonly ts: TaleSpire) {}

  async restore(): Promise<void> {
    const stored = (await this.ts.readGlobal()).drafts;
    if (typeof stored === 'object' && stored !== null) this.#drafts = stored as Record<string, string>;
  }

  load(key: string): string | null {
    return this.#drafts[key] ?? null;
  }

  save(key: string, value: string): void {
    this.#drafts = { ...this.#drafts, [key]: value };
    this.#persist();
  }

  remove(key: string): void {
    if (!(key in this.#drafts)) return;
    const { [key]: _removed, ...rest } = this.#drafts;
    this.#drafts = rest;
    this.#persist();
  }

  #persist(): void {
    const drafts = this.#drafts;
    // A full blob (dataTooLarge) loses only the draft; the edit is still on screen and saved to the server.
    this.#writing = this.#writing.then(() => this.ts.updateGlobal({ drafts }).catch(() => undefined));
  }
}

/** The services of one server: the API with the token in TaleSpire storage, realtime, plugin UIs. */
export function createServices(
  baseUrl: string,
  ts: TaleSpire,
  drafts: DraftStore,
  plugins: PluginUiLoader = new PluginUiLoader({ baseUrl }),
): ClientServices {
  const session = new Session({ baseUrl, store: taleSpireTokenStore(ts), channel: null });
  const api = createApi({ baseUrl, session });
  const realtime = new RealtimeClient({ baseUrl, session });
  const listeners = new Set<(event: PluginReload) => void>();
  return {
    api,
    publicApi: createApi({ baseUrl }),
    session,
    realtime,
    plugins,
    drafts,
    onPluginReloaded: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Served by a host at /symbiote/ (the hosted install), rather than from a local Symbiotes folder. */
export function isHosted(): boolean {
  return /^https?:$/.test(location.protocol) && location.pathname.startsWith('/symbiote/');
}

/** The server this build talks to: the one chosen at login, else the host that served it (hosted install). */
export function defaultServerUrl(stored: unknown): string {
  if (typeof stored === 'string' && stored !== '') return stored;
  return isHosted() ? location.origin : '';
}
