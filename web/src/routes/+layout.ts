import { AppState } from '@cm/client/svelte';
import { createServices } from '#lib/services.ts';

// A single-page app: nothing is rendered on a server or prerendered; the host serves the shell for every route.
export const ssr = false;
export const prerender = false;

/**
 * Boots the app once (the root load has no dependencies, so it never re-runs): the state every component gets
 * through context, and the silent refresh through the cookie, started here so it runs while the page's own
 * code loads. Protected pages render once it answered (no login flash).
 */
export function load(): { app: AppState; restored: Promise<void> } {
  const app: AppState = new AppState(createServices((message) => app.toasts.show('error', message)));
  const restored = app.session.restore().catch(() => undefined);
  void app.catalog.load().catch(() => undefined);
  return { app, restored };
}
