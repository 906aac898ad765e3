import { createApi, PluginUiLoader, RealtimeClient, Session } from '@cm/client';
import type { ClientServices, DraftStore, PluginReload } from '@cm/client/svelte';

/** Drafts of unsaved edits live in this browser's localStorage (a full or blocked storage loses only the draft). */
const localDrafts: DraftStore = {
  load: (key) => {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  save: (key, value) => {
    try {
      localStorage.setItem(key, value);
    } catch {
      // Private mode or a full quota: the edit is still on screen and saved to the server when it can be.
    }
  },
  remove: (key) => {
    try {
      localStorage.removeItem(key);
    } catch {
      // As above.
    }
  },
};

/**
 * The web app's services: the same-origin API with the refresh token in the HttpOnly cookie (the session's
 * default transport), one realtime connection, the plugin UI loader, and the host's plugin reload stream
 * (`/v1/plugins/events`), which re-mounts reloaded UIs and refreshes the catalog.
 */
export function createServices(onPluginError: (message: string) => void): ClientServices {
  const baseUrl = location.origin;
  const session = new Session({ baseUrl });
  const api = createApi({ baseUrl, session });
  const realtime = new RealtimeClient({ baseUrl, session });
  const plugins = new PluginUiLoader({
    onError: (error, failure) => onPluginError(`A plugin's ${failure.phase} failed: ${error.message}`),
  });
  const listeners = new Set<(event: PluginReload) => void>();
  const events = new EventSource('/v1/plugins/events');
  events.addEventListener('plugin.reloaded', (message) => {
    const event = JSON.parse((message as MessageEvent<string>).data) as PluginReload;
    void plugins.reload(event);
    for (const listener of listeners) listener(event);
  });
  return {
    api,
    publicApi: createApi({ baseUrl }),
    session,
    realtime,
    plugins,
    drafts: localDrafts,
    onPluginReloaded: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
