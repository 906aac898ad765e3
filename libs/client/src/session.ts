import createClient from 'openapi-fetch';
import type { components, paths } from './generated/api.js';
import { ApiProblem, problemOf } from './problem.js';
import { WritableValue, type Readable } from './readable.js';
import { defaultRefreshLock, type RefreshLock } from './refresh-lock.js';
import { cookieTransport, type RefreshTokenStore } from './refresh-token-store.js';

/** The account as the API shows it. */
export type User = components['schemas']['UserDto'];

/** `restoring`: boot, before the first refresh answered; `anonymous`: logged out; `authenticated`: `user` is set. */
export type SessionStatus = 'restoring' | 'anonymous' | 'authenticated';

/** What the UI shows of a session. The access token is not part of it (ask `getAccessToken`). */
export type SessionState =
  { status: 'restoring'; user: null } | { status: 'anonymous'; user: null } | { status: 'authenticated'; user: User };

/** How to reach the host and where the refresh token lives. */
export interface SessionOptions {
  /** The host's origin, e.g. `https://cm.example.com` (paths start with `/v1`). */
  baseUrl: string;
  /** Refresh-token transport: `cookieTransport` (default, the web app) or a body store (the Symbiote). */
  store?: RefreshTokenStore;
  fetch?: typeof fetch;
  /** The cross-tab refresh lock (default: Web Locks, or an in-process lock where they are missing). */
  lock?: RefreshLock;
  /** BroadcastChannel name that hands new tokens to the other tabs; `null` turns it off. */
  channel?: string | null;
  /** The clock (tests). */
  now?: () => number;
}

interface AccessToken {
  value: string;
  expiresAt: number;
  /** When this tab (or the tab that sent it) obtained it: the newer of two tokens wins. */
  obtainedAt: number;
}

type TabMessage =
  | { type: 'session'; token: AccessToken; user: User }
  | { type: 'signed-out'; at: number }
  | { type: 'probe'; nonce: string };

/** How long a tab waits for its own probe to come back through the channel before going ahead. */
const PROBE_TIMEOUT_MS = 250;

const REFRESH_PATH = '/v1/auth/refresh';

/**
 * The login of this tab. The access token lives in memory only; the refresh token in the host's HttpOnly cookie
 * or the given body store. Refreshes are single-flight in the tab and across tabs: one tab at a time spends the
 * refresh token (under the refresh lock) and hands the new access token to the others over a BroadcastChannel,
 * because the host treats two refreshes with one token as reuse and ends the login.
 */
export class Session implements Readable<SessionState> {
  private readonly value = new WritableValue<SessionState>({ status: 'restoring', user: null });
  private readonly client: ReturnType<typeof createClient<paths>>;
  private readonly store: RefreshTokenStore;
  private readonly lock: RefreshLock;
  private readonly now: () => number;
  private readonly channel: BroadcastChannel | null;
  private readonly channelName: string | null;
  private readonly probes = new Map<string, () => void>();
  private token: AccessToken | null = null;
  private inflight: Promise<string | null> | undefined;
  private restoring: Promise<SessionState> | undefined;
  private refreshes = 0;

  constructor(options: SessionOptions) {
    this.store = options.store ?? cookieTransport;
    this.now = options.now ?? Date.now;
    const name = `cm-session:${options.baseUrl}`;
    this.lock = options.lock ?? defaultRefreshLock(name);
    this.client = createClient<paths>({
      baseUrl: options.baseUrl,
      fetch: options.fetch,
      credentials: this.store.transport === 'cookie' ? 'include' : 'same-origin',
    });
    this.channelName = options.channel === undefined ? name : options.channel;
    this.channel = openChannel(this.channelName, (message) => this.onTabMessage(message));
  }

  /** The current state. */
  get(): SessionState {
    return this.value.get();
  }

  subscribe(listener: (state: SessionState) => void): () => void {
    return this.value.subscribe(listener);
  }

  /** `restoring`, `anonymous` or `authenticated` (`get().status`). */
  get status(): SessionStatus {
    return this.value.get().status;
  }

  /** The logged-in user, or null. */
  get user(): User | null {
    return this.value.get().user;
  }

  /** When the access token in memory expires (ms since the epoch), or null without one. */
  get accessTokenExpiresAt(): number | null {
    return this.token?.expiresAt ?? null;
  }

  /** How many refresh requests this tab sent to the host (diagnostics and tests). */
  get refreshCount(): number {
    return this.refreshes;
  }

  /**
   * Boot: gets an access token through the refresh cookie or the stored refresh token, then the user. Resolves
   * with `authenticated` or `anonymous` (also when the host is unreachable: the refresh token is kept, so a
   * later `restore()` can try again). Concurrent calls share one attempt.
   */
  restore(): Promise<SessionState> {
    this.restoring ??= this.refresh()
      .catch(() => null)
      .then(() => {
        if (this.get().status === 'restoring') this.value.set({ status: 'anonymous', user: null });
        return this.get();
      })
      .finally(() => (this.restoring = undefined));
    return this.restoring;
  }

  /** Logs in; resolves with the user or rejects with an ApiProblem (`unauthenticated` for wrong credentials). */
  async login(email: string, password: string): Promise<User> {
    const { data, error, response } = await this.client.POST('/v1/auth/login', {
      body: { email, password, transport: this.store.transport },
    });
    if (!data) throw new ApiProblem(problemOf(response.status, response.statusText, error));
    if (data.refreshToken) await this.store.save(data.refreshToken);
    this.adopt(this.tokenFrom(data), data.user, true);
    return data.user;
  }

  /** Creates an account (it must verify its email before creating or joining groups); rejects with an ApiProblem. */
  async register(input: { email: string; password: string; displayName: string }): Promise<void> {
    const { error, response } = await this.client.POST('/v1/auth/register', { body: input });
    if (!response.ok) throw new ApiProblem(problemOf(response.status, response.statusText, error));
  }

  /** Ends the login on the host (best effort) and in every tab. */
  async logout(): Promise<void> {
    await this.lock.run(async () => {
      const refreshToken = await this.store.load();
      const body = this.store.transport === 'body' && refreshToken ? { refreshToken } : {};
      await this.client.POST('/v1/auth/logout', { body }).catch(() => undefined);
      await this.store.save(null);
    });
    this.signOut(true);
  }

  /** Replaces the user shown (after `PATCH /v1/me`, for instance). */
  setUser(user: User): void {
    if (this.get().status === 'authenticated') this.value.set({ status: 'authenticated', user });
  }

  /**
   * An access token valid for at least `minValidityMs`, refreshing first when the one in memory is older;
   * null when logged out.
   */
  async getAccessToken(options: { minValidityMs?: number } = {}): Promise<string | null> {
    if (this.get().status === 'restoring') await this.restore();
    const token = this.token;
    if (token && this.isFresh(token, options.minValidityMs ?? 0)) return token.value;
    if (this.get().status === 'anonymous') return null;
    return this.refresh(token?.value ?? null);
  }

  /**
   * Spends the refresh token for a new access token; resolves null when the login is over (then the state is
   * `anonymous`), rejects with an ApiProblem when the host cannot answer (429, 503: the login stays). Single-flight:
   * concurrent callers share one request. With `replacing`, resolves at once with the current token when it has
   * already replaced that one (a request that failed with an old token does not refresh twice).
   */
  refresh(replacing?: string | null): Promise<string | null> {
    if (replacing !== undefined && this.token && this.token.value !== replacing && this.isFresh(this.token, 0)) {
      return Promise.resolve(this.token.value);
    }
    const stale = this.token?.value ?? null;
    this.inflight ??= this.lock.run(() => this.refreshHolding(stale)).finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** Closes the channel to the other tabs (the session keeps working in this tab). */
  close(): void {
    this.channel?.close();
  }

  private async refreshHolding(stale: string | null): Promise<string | null> {
    // Another tab may have refreshed while this one waited for the lock: its token comes over the channel.
    const replaced = (): boolean => this.token !== null && this.token.value !== stale && this.isFresh(this.token, 0);
    if (!replaced()) await this.settleChannel();
    if (replaced()) return this.token!.value;
    const refreshToken = await this.store.load();
    if (this.store.transport === 'body' && !refreshToken) {
      this.signOut(false);
      return null;
    }
    this.refreshes += 1;
    const { data, error, response } = await this.client.POST(REFRESH_PATH, {
      body: this.store.transport === 'body' ? { refreshToken: refreshToken! } : {},
    });
    if (!data) {
      if (response.status !== 401) throw new ApiProblem(problemOf(response.status, response.statusText, error));
      await this.store.save(null);
      this.signOut(this.get().status === 'authenticated');
      return null;
    }
    if (data.refreshToken) await this.store.save(data.refreshToken);
    const token = this.tokenFrom(data);
    const user = this.user ?? (await this.fetchUser(token.value));
    if (!user) {
      this.signOut(false);
      return null;
    }
    this.adopt(token, user, true);
    return token.value;
  }

  private async fetchUser(accessToken: string): Promise<User | null> {
    const { data, response } = await this.client.GET('/v1/me', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    if (data) return data;
    if (response.status === 401 || response.status === 404) return null;
    throw new ApiProblem(problemOf(response.status, response.statusText, undefined));
  }

  private tokenFrom(data: { accessToken: string; expiresIn: number }): AccessToken {
    const now = this.now();
    return { value: data.accessToken, expiresAt: now + data.expiresIn * 1000, obtainedAt: now };
  }

  private isFresh(token: AccessToken | null, minValidityMs: number): boolean {
    return token !== null && token.expiresAt - this.now() > minValidityMs;
  }

  private adopt(token: AccessToken, user: User, tell: boolean): void {
    this.token = token;
    this.value.set({ status: 'authenticated', user });
    if (tell) this.post({ type: 'session', token, user });
  }

  private signOut(tell: boolean): void {
    this.token = null;
    this.value.set({ status: 'anonymous', user: null });
    if (tell) this.post({ type: 'signed-out', at: this.now() });
  }

  /**
   * Lets the messages other tabs posted before this tab got the lock arrive: a probe sent now through a second
   * channel object comes back after them (a channel delivers in the order messages were posted).
   */
  private async settleChannel(): Promise<void> {
    if (!this.channel || this.channelName === null) return;
    const nonce = Math.random().toString(36).slice(2);
    const probe = new BroadcastChannel(this.channelName);
    try {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, PROBE_TIMEOUT_MS);
        (timer as { unref?: () => void }).unref?.();
        this.probes.set(nonce, () => {
          clearTimeout(timer);
          resolve();
        });
        probe.postMessage({ type: 'probe', nonce } satisfies TabMessage);
      });
    } finally {
      this.probes.delete(nonce);
      probe.close();
    }
  }

  private onTabMessage(message: TabMessage): void {
    if (message.type === 'probe') {
      this.probes.get(message.nonce)?.();
    } else if (message.type === 'session') {
      if (!this.token || message.token.obtainedAt > this.token.obtainedAt)
        this.adopt(message.token, message.user, false);
    } else if (!this.token || this.token.obtainedAt < message.at) {
      // A login obtained after that logout (in this tab) survives it.
      if (this.get().status !== 'anonymous') this.signOut(false);
    }
  }

  private post(message: TabMessage): void {
    try {
      this.channel?.postMessage(message);
    } catch {
      // a closed channel: this tab alone
    }
  }
}

function openChannel(name: string | null, onMessage: (message: TabMessage) => void): BroadcastChannel | null {
  if (name === null || typeof BroadcastChannel === 'undefined') return null;
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event: MessageEvent<unknown>) => {
    if (isTabMessage(event.data)) onMessage(event.data);
  };
  // Node keeps a process alive while a channel is open; a session should not.
  (channel as { unref?: () => void }).unref?.();
  return channel;
}

function isTabMessage(value: unknown): value is TabMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Partial<TabMessage> & Record<string, unknown>;
  if (message.type === 'signed-out') return typeof message.at === 'number';
  if (message.type === 'probe') return typeof message.nonce === 'string';
  if (message.type !== 'session') return false;
  const token = message.token as Partial<AccessToken> | undefined;
  return (
    typeof token?.value === 'string' &&
    typeof token.expiresAt === 'number' &&
    typeof token.obtainedAt === 'number' &&
    typeof message.user === 'object' &&
    message.user !== null
  );
}
