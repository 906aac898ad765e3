import type { AnyGroupEvent } from '@cm/contracts';
import createClient from 'openapi-fetch';
import type { paths } from '../src/generated/api.js';
import type { ClientServices, PluginReload, SessionStatus, User, WatchOptions } from '../src/svelte/services.js';

type Handler = (
  body: unknown,
  url: URL,
) => { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>;

/**
 * In-memory stand-ins for the unit tests of the state classes: the real generated openapi-fetch client over a
 * fake transport (routes answered by handlers, every request recorded), a realtime port the test drives, and
 * an in-memory draft store.
 */
export class FakeServices {
  readonly requests: Array<{ method: string; path: string; body: unknown }> = [];
  readonly drafts = new Map<string, string>();
  readonly watchers = new Map<string, WatchOptions[]>();
  readonly user: User = {
    id: '00000000-0000-4000-8000-000000000001',
    email: 'me@example.com',
    displayName: 'Me',
    emailVerified: true,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  #routes = new Map<string, Handler>();
  #reloadListeners = new Set<(event: PluginReload) => void>();

  /** Answers `METHOD /path` (exact path) with a handler. */
  on(method: string, path: string, handler: Handler): this {
    this.#routes.set(`${method} ${path}`, handler);
    return this;
  }

  /** Pushes a realtime event to every watcher of its group. */
  emit(event: AnyGroupEvent): void {
    for (const watcher of this.watchers.get(event.groupId) ?? []) watcher.onEvent(event);
  }

  reloadPlugin(event: PluginReload): void {
    for (const listener of this.#reloadListeners) listener(event);
  }

  services(): ClientServices {
    const fetch = async (request: Request): Promise<Response> => {
      const url = new URL(request.url);
      const text = await request.text();
      const body: unknown = text ? JSON.parse(text) : undefined;
      this.requests.push({ method: request.method, path: url.pathname, body });
      const handler = this.#routes.get(`${request.method} ${url.pathname}`);
      const answer = handler ? await handler(body, url) : { status: 404, body: problem(404, 'not_found', 'No route') };
      const json = answer.body === undefined ? null : JSON.stringify(answer.body);
      const type = answer.status >= 400 ? 'application/problem+json' : 'application/json';
      return new Response(json, { status: answer.status, headers: json ? { 'content-type': type } : {} });
    };
    const status: SessionStatus = 'authenticated';
    return {
      api: createClient<paths>({ baseUrl: 'http://cm.test', fetch }),
      session: {
        status,
        user: this.user,
        subscribe: () => () => undefined,
        restore: async () => ({ status: 'authenticated' as const, user: this.user }),
        login: async () => this.user,
        logout: async () => undefined,
        setUser: () => undefined,
      },
      realtime: {
        status: 'open',
        subscribeStatus: () => () => undefined,
        watch: (groupId, options) => {
          this.watchers.set(groupId, [...(this.watchers.get(groupId) ?? []), options]);
          return () =>
            this.watchers.set(
              groupId,
              (this.watchers.get(groupId) ?? []).filter((w) => w !== options),
            );
        },
      },
      plugins: {
        mount: async (_target, url) => ({
          url,
          error: null,
          update: () => undefined,
          destroy: () => undefined,
          remount: async () => undefined,
        }),
      },
      drafts: {
        load: (key) => this.drafts.get(key) ?? null,
        save: (key, value) => void this.drafts.set(key, value),
        remove: (key) => void this.drafts.delete(key),
      },
      onPluginReloaded: (listener) => {
        this.#reloadListeners.add(listener);
        return () => this.#reloadListeners.delete(listener);
      },
    };
  }
}

export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}) {
  return { type: `/problems/${code}`, title: 'Error', status, code, detail, ...extra };
}

/** Resolves after pending promise callbacks and timers of 0 ms have run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
