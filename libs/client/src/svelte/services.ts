/**
 * What the Svelte state classes need from the framework-free client (`@cm/client`): the generated API client,
 * the session, the realtime connection and the plugin UI loader. Both clients build one `ClientServices` at
 * start and hand it to the state classes; tests hand them real or in-memory implementations.
 */
import type { AnyGroupEvent, FieldError } from '@cm/contracts';
import type { Client } from 'openapi-fetch';
import type { components, paths } from '../generated/api.js';

/** The typed API client generated from the host's OpenAPI document. */
export type Api = Client<paths>;
/** The API's schemas by name (response and request DTOs). */
export type Schemas = components['schemas'];

export type User = Schemas['UserDto'];
export type SessionStatus = 'restoring' | 'anonymous' | 'authenticated';

/** The login session (access token in memory, refresh single-flight across tabs). */
export interface SessionPort {
  readonly status: SessionStatus;
  readonly user: User | null;
  /** Calls `listener` whenever status or user change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  restore(): Promise<void>;
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** Replaces the cached user after a profile change. */
  setUser?(user: User): void;
}

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'offline';

/** Options of one watched group: the last seq seen, every event after it, and a resync request. */
export interface WatchOptions {
  lastSeq?: number;
  onEvent: (event: AnyGroupEvent) => void;
  /** The log cannot be replayed from `lastSeq`: refetch over HTTP and call `watch` again. */
  onResync: () => void;
  /** The server ended the subscription (removed, left, group deleted). */
  onUnsubscribed?: (reason: string) => void;
}

/** The one WebSocket of the app: groups on screen are watched, reconnects resume without gaps. */
export interface RealtimePort {
  readonly status: ConnectionStatus;
  subscribeStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** Watches a group; returns the function that stops watching it. */
  watch(groupId: string, options: WatchOptions): () => void;
}

/** A mounted plugin UI (sheet or panel). */
export interface MountedPlugin<P> {
  update(props: Partial<P>): void;
  destroy(): void;
}

/** Loads plugin UI bundles on demand and mounts them, containing failures and re-mounting on reload. */
export interface PluginUiPort {
  mount<P extends object>(
    target: HTMLElement,
    url: string,
    props: P,
    options?: MountOptions<P>,
  ): Promise<MountedPlugin<P>>;
}

export interface MountOptions<P> {
  /** The UI threw on mount or update: it was replaced by an error card. */
  onError?: (error: Error) => void;
  /** Props for a re-mount after a reload (e.g. the latest unsaved sheet). */
  currentProps?: () => P;
}

/** Everything the state classes use. */
export interface ClientServices {
  api: Api;
  session: SessionPort;
  realtime: RealtimePort;
  plugins: PluginUiPort;
  /** Where drafts are kept (the web app: localStorage; the Symbiote: TaleSpire's storage). */
  drafts: DraftStore;
  /** Subscribes to plugin reloads (`plugin.reloaded` on the SSE stream or the socket); returns the unsubscribe. */
  onPluginReloaded(listener: (event: PluginReload) => void): () => void;
}

/** One plugin reload as announced by the host. */
export interface PluginReload {
  pluginId: string;
  version: string;
  status: string;
  uiUrl: string | null;
}

/** Local storage for unsaved sheet edits, so no edit is lost to a closed tab or a refused save. */
export interface DraftStore {
  load(key: string): string | null;
  save(key: string, value: string): void;
  remove(key: string): void;
}

/** An error answer of the API (RFC 9457 problem) as the UI shows it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** From a response status and its (problem) body. */
  static from(status: number, body: unknown): ApiError {
    const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const code = typeof record.code === 'string' ? record.code : status === 0 ? 'network_error' : 'error';
    const errors = Array.isArray(record.errors) ? (record.errors as FieldError[]) : [];
    return new ApiError(status, code, plainMessage(status, record, errors), errors, record);
  }
}

function plainMessage(status: number, body: Record<string, unknown>, errors: FieldError[]): string {
  if (status === 0) return 'The server could not be reached. Check your connection and try again.';
  if (status === 429) return 'Too many attempts. Please wait a minute and try again.';
  if (status >= 500) return 'The server had a problem. Please try again in a moment.';
  if (typeof body.detail === 'string' && body.detail !== '') return body.detail;
  if (errors.length > 0) return errors.map((error) => error.message).join('; ');
  return typeof body.title === 'string' ? body.title : `Request failed (${status})`;
}

/** Awaits an openapi-fetch call and returns its data, or throws an ApiError (network failures: status 0). */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw ApiError.from(0, { detail: (error as Error).message });
  }
  if (!result.response.ok) throw ApiError.from(result.response.status, result.error);
  return result.data as T;
}

/** The field errors of a failure under a path prefix (`sheet.hp.current` → `hp.current`), for a form. */
export function fieldErrors(error: unknown, prefix = ''): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const entry of error.errors) {
    const path = prefix && entry.path.startsWith(`${prefix}.`) ? entry.path.slice(prefix.length + 1) : entry.path;
    out[path] ??= entry.message;
  }
  return out;
}
