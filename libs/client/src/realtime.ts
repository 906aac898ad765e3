import {
  REALTIME_CLOSE_CODES,
  REALTIME_LIMITS,
  type ClientMessage,
  type GroupSubscription,
  type ServerMessage,
} from '@cm/contracts';
import { Backoff, type BackoffOptions } from './backoff.js';
import { GroupWatch, type WatchEndReason, type WatchLink, type WatchOptions } from './group-watch.js';
import { WritableValue, type Readable } from './readable.js';

/** `connecting`: the first attempt; `open`; `reconnecting`: lost, retrying; `offline`: not trying (nothing watched, logged out, closed). */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'offline';

/** What the realtime client needs from a session. */
export interface RealtimeSession {
  getAccessToken(options?: { minValidityMs?: number }): Promise<string | null>;
  refresh(replacing?: string | null): Promise<string | null>;
  subscribe(listener: (state: { status: string }) => void): () => void;
}

/** Where to connect and how to behave. */
export interface RealtimeOptions {
  /** The host's origin (`https://…` becomes `wss://…/v1/ws`). */
  baseUrl: string;
  session: RealtimeSession;
  /** A WebSocket constructor (default: the global one). */
  WebSocket?: typeof WebSocket;
  backoff?: BackoffOptions;
  /**
   * Reconnect with a fresh token this long before the socket's token expires (at most a third of its life;
   * default 60 s). 0 turns it off: the server's 4402 at expiry then triggers the reconnect.
   */
  renewBeforeMs?: number;
  /** Send a ping after this long without a message; a socket silent for twice as long is replaced. */
  pingIntervalMs?: number;
}

interface Socket {
  ws: WebSocket;
  token: string;
  retired: boolean;
  timers: Array<ReturnType<typeof setTimeout>>;
  lastMessageAt: number;
}

const STABLE_AFTER_MS = 10_000;
const RATE_LIMITED_FLOOR_MS = 5_000;

/**
 * One WebSocket to `/v1/ws` for every group on screen. Subscribes each watched group with the last seq it saw,
 * reconnects with exponential backoff and jitter, resumes without gaps or duplicates, renews its token before
 * it expires (a new socket takes over before the old one closes), and exposes the connection state.
 */
export class RealtimeClient implements WatchLink {
  /** The connection state, for a "reconnecting…" indicator. */
  readonly state: Readable<ConnectionState>;
  private readonly value = new WritableValue<ConnectionState>('offline');
  /** The watchers of each group on screen (several views may watch one group). */
  private readonly watches = new Map<string, Set<GroupWatch>>();
  private readonly backoff: Backoff;
  private readonly WebSocketImpl: typeof WebSocket;
  private readonly url: string;
  private readonly renewBeforeMs: number;
  private readonly pingIntervalMs: number;
  private socket: Socket | undefined;
  private pending: Socket | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private connecting = false;
  private closed = false;
  private authenticated = true;
  private readonly stopSession: () => void;
  private readonly stopOnline: () => void;

  constructor(private readonly options: RealtimeOptions) {
    this.state = this.value;
    this.backoff = new Backoff(options.backoff);
    this.WebSocketImpl = options.WebSocket ?? globalThis.WebSocket;
    this.url = `${options.baseUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/v1/ws`;
    this.renewBeforeMs = options.renewBeforeMs ?? 60_000;
    this.pingIntervalMs = options.pingIntervalMs ?? 25_000;
    this.stopSession = options.session.subscribe(({ status }) => this.onSessionStatus(status));
    this.stopOnline = listenOnline(() => this.reconnectNow());
  }

  /** The connection state now (`state.get()`). */
  get status(): ConnectionState {
    return this.value.get();
  }

  /** Calls `listener` with the connection state now and on every change; returns the unsubscriber. */
  subscribeStatus(listener: (state: ConnectionState) => void): () => void {
    return this.value.subscribe(listener);
  }

  /**
   * Watches a group until the returned function is called (or the server ends it: `onUnsubscribed`). Each watcher
   * keeps its own last seq; the group is subscribed once, from the oldest of them.
   */
  watch(groupId: string, options: WatchOptions): () => void {
    const id = groupId.toLowerCase();
    const watch = new GroupWatch(id, options, this);
    const watchers = this.watches.get(id) ?? new Set<GroupWatch>();
    watchers.add(watch);
    this.watches.set(id, watchers);
    if (this.socket && this.isOpen(this.socket)) this.subscribe(this.socket, [id]);
    else this.ensureConnected();
    return () => this.unwatch(watch);
  }

  /** The oldest last seq the watchers of a group were given or delivered. */
  lastSeq(groupId: string): number | undefined {
    return oldestSeq(this.watches.get(groupId.toLowerCase()));
  }

  /** Closes the connection for good. */
  close(): void {
    this.closed = true;
    this.stopSession();
    this.stopOnline();
    this.watches.clear();
    this.disconnect();
  }

  /** WatchLink: replay a group from its watchers' last seq on the current socket. */
  resubscribe(watch: GroupWatch): void {
    if (this.socket && this.isOpen(this.socket)) this.subscribe(this.socket, [watch.groupId]);
  }

  private unwatch(watch: GroupWatch): void {
    const watchers = this.watches.get(watch.groupId);
    if (!watchers?.delete(watch) || watchers.size > 0) return;
    this.watches.delete(watch.groupId);
    if (this.socket && this.isOpen(this.socket))
      this.send(this.socket, { type: 'unsubscribe', groupIds: [watch.groupId] });
    if (this.watches.size === 0) this.disconnect();
  }

  private onSessionStatus(status: string): void {
    this.authenticated = status !== 'anonymous';
    if (!this.authenticated) this.disconnect();
    else this.ensureConnected();
  }

  private ensureConnected(): void {
    if (this.closed || !this.authenticated || this.watches.size === 0) return;
    if (this.socket || this.connecting || this.retry) return;
    void this.connect();
  }

  private reconnectNow(): void {
    if (this.retry) {
      clearTimeout(this.retry);
      this.retry = undefined;
      this.ensureConnected();
    }
  }

  private disconnect(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    for (const socket of [this.socket, this.pending]) if (socket) this.retire(socket, 1000, 'client closed');
    this.socket = undefined;
    this.pending = undefined;
    this.value.set('offline');
  }

  /** Opens a socket with a token valid for a while; `renewing` keeps the current socket until the new one opens. */
  private async connect(renewing?: string): Promise<void> {
    this.connecting = true;
    if (!renewing) this.value.set(this.backoff.attempt === 0 && !this.socket ? 'connecting' : 'reconnecting');
    let token: string | null;
    try {
      token = renewing
        ? await this.options.session.refresh(renewing)
        : await this.options.session.getAccessToken({ minValidityMs: 5_000 });
    } catch {
      token = null;
      if (!renewing) return this.scheduleRetry();
    } finally {
      this.connecting = false;
    }
    if (!token || this.closed || this.watches.size === 0) {
      if (!renewing && !token) this.value.set('offline');
      return;
    }
    this.open(token, renewing !== undefined);
  }

  private open(token: string, renewing: boolean): void {
    const ws = new this.WebSocketImpl(`${this.url}?token=${encodeURIComponent(token)}`);
    const socket: Socket = { ws, token, retired: false, timers: [], lastMessageAt: Date.now() };
    if (renewing) this.pending = socket;
    else this.socket = socket;
    ws.onopen = () => this.onOpen(socket);
    ws.onmessage = (event: MessageEvent) => this.onMessage(socket, event.data);
    ws.onclose = (event: CloseEvent) => this.onClose(socket, event.code);
    // Browsers follow an error with a close; Node's WebSocket reports a refused connection with an error only.
    ws.onerror = () => this.onError(socket);
  }

  private onOpen(socket: Socket): void {
    if (socket.retired) return;
    if (this.pending === socket) {
      // Make before break: the new socket subscribes from the last seqs, then the old one goes.
      const old = this.socket;
      this.socket = socket;
      this.pending = undefined;
      if (old) this.retire(old, 1000, 'token renewed');
    }
    this.value.set('open');
    this.subscribe(socket, [...this.watches.keys()]);
    this.startTimers(socket);
  }

  private startTimers(socket: Socket): void {
    socket.timers.push(setTimeout(() => this.backoff.reset(), STABLE_AFTER_MS));
    const renewIn = renewalDelay(socket.token, this.renewBeforeMs);
    if (renewIn !== undefined) socket.timers.push(setTimeout(() => void this.renew(socket), renewIn));
    const ping = setInterval(() => this.checkLiveness(socket), this.pingIntervalMs);
    socket.timers.push(ping);
  }

  private checkLiveness(socket: Socket): void {
    const silentFor = Date.now() - socket.lastMessageAt;
    if (silentFor >= this.pingIntervalMs * 2) {
      // The network may be gone without a close: give up on this socket and open another.
      this.retire(socket, 4000, 'no answer to ping');
      this.lost(socket, 1006);
    } else if (silentFor >= this.pingIntervalMs) {
      this.send(socket, { type: 'ping' });
    }
  }

  private async renew(socket: Socket): Promise<void> {
    if (socket.retired || this.socket !== socket || this.pending || this.closed) return;
    await this.connect(socket.token);
  }

  private subscribe(socket: Socket, groupIds: string[]): void {
    for (let i = 0; i < groupIds.length; i += REALTIME_LIMITS.maxGroupsPerMessage) {
      const groups = groupIds.slice(i, i + REALTIME_LIMITS.maxGroupsPerMessage).map((groupId): GroupSubscription => {
        const watchers = this.watches.get(groupId);
        for (const watch of watchers ?? []) watch.subscribing();
        const lastSeq = oldestSeq(watchers);
        return lastSeq === undefined ? { groupId } : { groupId, lastSeq };
      });
      this.send(socket, { type: 'subscribe', groups });
    }
  }

  private onMessage(socket: Socket, data: unknown): void {
    if (socket.retired || typeof data !== 'string') return;
    socket.lastMessageAt = Date.now();
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    this.dispatch(message);
  }

  private dispatch(message: ServerMessage): void {
    switch (message.type) {
      case 'event':
        return this.each(message.event.groupId, (watch) => watch.event(message.event));
      case 'subscribed':
        this.backoff.reset();
        return this.each(message.groupId, (watch) => watch.subscribed(message.seq));
      case 'resync_required':
        return this.each(message.groupId, (watch) => watch.resyncRequired(message.reason));
      case 'unsubscribed':
        return this.end(message.groupId, message.reason);
      case 'error':
        if (message.code === 'not_found' && message.groupId) this.end(message.groupId, 'not_found');
        return;
      default:
        return;
    }
  }

  private each(groupId: string, action: (watch: GroupWatch) => void): void {
    for (const watch of [...(this.watches.get(groupId) ?? [])]) action(watch);
  }

  private end(groupId: string, reason: WatchEndReason): void {
    const watchers = this.watches.get(groupId);
    if (!watchers) return;
    this.watches.delete(groupId);
    for (const watch of watchers) watch.ended(reason);
    if (this.watches.size === 0) this.disconnect();
  }

  private onError(socket: Socket): void {
    if (socket.retired) return;
    this.onClose(socket, 1006);
    try {
      socket.ws.close();
    } catch {
      // already closing
    }
  }

  private onClose(socket: Socket, code: number): void {
    const wasRetired = socket.retired;
    this.retire(socket);
    if (this.pending === socket) {
      // A renewal that failed: the current socket keeps serving until it closes itself.
      this.pending = undefined;
      return;
    }
    if (!wasRetired) this.lost(socket, code);
  }

  /** The current socket is gone: reconnect, at once for a stale token, after a backoff otherwise. */
  private lost(socket: Socket, code: number): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    if (this.closed || this.watches.size === 0 || !this.authenticated) {
      this.value.set('offline');
      return;
    }
    this.value.set('reconnecting');
    const { tokenExpired, unauthenticated, rateLimited } = REALTIME_CLOSE_CODES;
    if ((code === tokenExpired || code === unauthenticated) && this.backoff.attempt === 0) {
      this.backoff.next();
      void this.reconnectWithFreshToken(socket.token);
      return;
    }
    this.scheduleRetry(code === rateLimited ? RATE_LIMITED_FLOOR_MS : 0);
  }

  private async reconnectWithFreshToken(stale: string): Promise<void> {
    const token = await this.options.session.refresh(stale).catch(() => undefined);
    if (token === null) return this.value.set('offline'); // the login is over; the session tells us when it is back
    if (token === undefined) return this.scheduleRetry();
    if (!this.closed && !this.socket && this.watches.size > 0) this.open(token, false);
  }

  private scheduleRetry(floorMs = 0): void {
    if (this.closed || this.retry) return;
    this.value.set('reconnecting');
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.ensureConnected();
    }, this.backoff.next(floorMs));
  }

  private retire(socket: Socket, code?: number, reason?: string): void {
    socket.retired = true;
    for (const timer of socket.timers) clearTimeout(timer);
    socket.timers = [];
    if (code !== undefined && socket.ws.readyState <= 1) socket.ws.close(code, reason);
  }

  private isOpen(socket: Socket): boolean {
    return !socket.retired && socket.ws.readyState === 1;
  }

  private send(socket: Socket, message: ClientMessage): void {
    if (this.isOpen(socket)) socket.ws.send(JSON.stringify(message));
  }
}

/** The oldest last seq among a group's watchers (undefined when none has one yet). */
function oldestSeq(watchers: Set<GroupWatch> | undefined): number | undefined {
  const seqs = [...(watchers ?? [])].map((watch) => watch.lastSeq).filter((seq): seq is number => seq !== undefined);
  return seqs.length > 0 ? Math.min(...seqs) : undefined;
}

/** When to renew a socket opened with this JWT: `renewBeforeMs` (at most a third of its lifetime) before expiry. */
function renewalDelay(token: string, renewBeforeMs: number): number | undefined {
  const claims = decodeJwtTimes(token);
  if (!claims || renewBeforeMs <= 0) return undefined;
  const lifetimeMs = (claims.exp - claims.iat) * 1000;
  const margin = Math.min(renewBeforeMs, lifetimeMs / 3);
  return Math.max(0, claims.exp * 1000 - margin - Date.now());
}

function decodeJwtTimes(token: string): { exp: number; iat: number } | undefined {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(payload)) as { exp?: unknown; iat?: unknown };
    if (typeof claims.exp !== 'number') return undefined;
    return { exp: claims.exp, iat: typeof claims.iat === 'number' ? claims.iat : claims.exp - 900 };
  } catch {
    return undefined;
  }
}

/** Calls `onOnline` when the browser regains the network (nothing outside browsers). */
function listenOnline(onOnline: () => void): () => void {
  const target = globalThis as {
    addEventListener?: typeof addEventListener;
    removeEventListener?: typeof removeEventListener;
  };
  if (typeof target.addEventListener !== 'function' || typeof target.removeEventListener !== 'function')
    return () => undefined;
  target.addEventListener('online', onOnline);
  return () => target.removeEventListener!('online', onOnline);
}
