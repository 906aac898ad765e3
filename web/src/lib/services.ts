// TEMPORARY bridge until @cm/client (libs/client: Session, RealtimeClient, PluginUiLoader) lands on this branch:
// the smallest implementations of the ports the state classes use, over the generated API client.
import createClient, { type Middleware } from 'openapi-fetch';
import type { AnyGroupEvent, ServerMessage } from '@cm/contracts';
import type {
  ClientServices,
  ConnectionStatus,
  DraftStore,
  MountedPlugin,
  PluginReload,
  PluginUiPort,
  RealtimePort,
  SessionPort,
  SessionStatus,
  User,
  WatchOptions,
} from '@cm/client/svelte';
import type { paths } from '../../../libs/client/src/generated/api.ts';

class CookieSession implements SessionPort {
  status: SessionStatus = 'restoring';
  user: User | null = null;
  token: string | null = null;
  #listeners = new Set<() => void>();
  #refreshing: Promise<boolean> | null = null;
  #channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('cm-session');

  constructor(private readonly base: string) {
    this.#channel?.addEventListener('message', (event: MessageEvent<{ token: string | null }>) => {
      this.token = event.data.token;
      if (!this.token) this.#set('anonymous', null);
    });
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async restore(): Promise<void> {
    if (!(await this.refresh())) return this.#set('anonymous', null);
    const me = await fetch(`${this.base}/v1/me`, { headers: { authorization: `Bearer ${this.token}` } });
    if (me.ok) this.#set('authenticated', (await me.json()) as User);
    else this.#set('anonymous', null);
  }

  async login(email: string, password: string): Promise<void> {
    const response = await fetch(`${this.base}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, transport: 'cookie' }),
      credentials: 'include',
    });
    const body = (await response.json().catch(() => ({}))) as { accessToken?: string; user?: User };
    if (!response.ok) {
      const { ApiError } = await import('@cm/client/svelte');
      throw ApiError.from(response.status, body);
    }
    this.token = body.accessToken ?? null;
    this.#set('authenticated', body.user ?? null);
  }

  async logout(): Promise<void> {
    await fetch(`${this.base}/v1/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      credentials: 'include',
    });
    this.token = null;
    this.#channel?.postMessage({ token: null });
    this.#set('anonymous', null);
  }

  setUser(user: User): void {
    this.user = user;
    this.#emit();
  }

  /** Single-flight in this tab and, through a Web Lock, across tabs (a used refresh token ends the login). */
  refresh(): Promise<boolean> {
    this.#refreshing ??= this.#refreshOnce().finally(() => (this.#refreshing = null));
    return this.#refreshing;
  }

  async #refreshOnce(): Promise<boolean> {
    const before = this.token;
    const run = async (): Promise<boolean> => {
      if (this.token && this.token !== before) return true; // another tab refreshed while we waited
      const response = await fetch(`${this.base}/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        credentials: 'include',
      });
      if (!response.ok) return false;
      this.token = ((await response.json()) as { accessToken: string }).accessToken;
      this.#channel?.postMessage({ token: this.token });
      return true;
    };
    return navigator.locks ? navigator.locks.request('cm-refresh', run) : run();
  }

  #set(status: SessionStatus, user: User | null): void {
    this.status = status;
    this.user = user;
    this.#emit();
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}

class Realtime implements RealtimePort {
  status: ConnectionStatus = 'connecting';
  #socket: WebSocket | null = null;
  #watched = new Map<string, { options: WatchOptions; lastSeq?: number }[]>();
  #listeners = new Set<(status: ConnectionStatus) => void>();
  #attempt = 0;

  constructor(private readonly session: CookieSession) {}

  subscribeStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  watch(groupId: string, options: WatchOptions): () => void {
    const entry = { options, lastSeq: options.lastSeq };
    const list = this.#watched.get(groupId) ?? [];
    list.push(entry);
    this.#watched.set(groupId, list);
    if (!this.#socket) this.#connect();
    else if (this.#socket.readyState === WebSocket.OPEN) this.#subscribe(groupId);
    return () => {
      const remaining = (this.#watched.get(groupId) ?? []).filter((item) => item !== entry);
      if (remaining.length) this.#watched.set(groupId, remaining);
      else {
        this.#watched.delete(groupId);
        if (this.#socket?.readyState === WebSocket.OPEN)
          this.#socket.send(JSON.stringify({ type: 'unsubscribe', groupIds: [groupId] }));
      }
    };
  }

  #setStatus(status: ConnectionStatus): void {
    this.status = status;
    for (const listener of this.#listeners) listener(status);
  }

  #connect(): void {
    const token = this.session.token;
    const url = new URL('/v1/ws', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', token ?? '');
    const socket = new WebSocket(url);
    this.#socket = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      this.#setStatus('open');
      for (const groupId of this.#watched.keys()) this.#subscribe(groupId);
    };
    socket.onmessage = (message) => this.#receive(JSON.parse(String(message.data)) as ServerMessage);
    socket.onclose = (event) => {
      this.#socket = null;
      if (this.#watched.size === 0) return this.#setStatus('connecting');
      this.#setStatus('reconnecting');
      const renew = event.code === 4401 || event.code === 4402 ? this.session.refresh() : Promise.resolve(true);
      const delay = Math.min(10_000, 250 * 2 ** this.#attempt++) * (0.5 + Math.random() / 2);
      void renew.then(() => setTimeout(() => this.#connect(), delay));
    };
  }

  #subscribe(groupId: string): void {
    const entries = this.#watched.get(groupId) ?? [];
    const seqs = entries.map((entry) => entry.lastSeq).filter((seq): seq is number => seq !== undefined);
    const lastSeq = seqs.length ? Math.min(...seqs) : undefined;
    this.#socket?.send(
      JSON.stringify({ type: 'subscribe', groups: [{ groupId, ...(lastSeq !== undefined ? { lastSeq } : {}) }] }),
    );
  }

  #receive(message: ServerMessage): void {
    if (message.type === 'event') return this.#deliver(message.event);
    if (message.type === 'resync_required') {
      for (const entry of this.#watched.get(message.groupId) ?? []) {
        entry.lastSeq = undefined;
        entry.options.onResync();
      }
    }
    if (message.type === 'unsubscribed')
      for (const entry of this.#watched.get(message.groupId) ?? []) entry.options.onUnsubscribed?.(message.reason);
  }

  #deliver(event: AnyGroupEvent): void {
    for (const entry of this.#watched.get(event.groupId) ?? []) {
      if (event.type !== 'presence.changed') {
        if (entry.lastSeq !== undefined && event.seq <= entry.lastSeq) continue;
        entry.lastSeq = event.seq;
      }
      entry.options.onEvent(event);
    }
  }
}

class PluginLoader implements PluginUiPort {
  async mount<P extends object>(target: HTMLElement, url: string, props: P): Promise<MountedPlugin<P>> {
    const module = (await import(/* @vite-ignore */ url)) as {
      default: { mount: (t: HTMLElement, p: P) => MountedPlugin<P> };
    };
    return module.default.mount(target, props);
  }
}

const localDrafts: DraftStore = {
  load: (key) => localStorage.getItem(key),
  save: (key, value) => localStorage.setItem(key, value),
  remove: (key) => localStorage.removeItem(key),
};

/** The services of the web app: same-origin API, the refresh token in the HttpOnly cookie. */
export function createServices(): ClientServices {
  const base = location.origin;
  const session = new CookieSession(base);
  const auth: Middleware = {
    onRequest: ({ request }) => {
      if (session.token) request.headers.set('authorization', `Bearer ${session.token}`);
      return request;
    },
  };
  const api = createClient<paths>({ baseUrl: base, credentials: 'include' });
  api.use(auth);
  const listeners = new Set<(event: PluginReload) => void>();
  const events = new EventSource('/v1/plugins/events');
  events.addEventListener('plugin.reloaded', (message) => {
    const data = JSON.parse((message as MessageEvent<string>).data) as PluginReload & { id?: string };
    for (const listener of listeners) listener({ ...data, pluginId: data.pluginId ?? data.id ?? '' });
  });
  return {
    api,
    session,
    realtime: new Realtime(session),
    plugins: new PluginLoader(),
    drafts: localDrafts,
    onPluginReloaded: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
