/**
 * What the Svelte state classes need from the framework-free client (`@cm/client`): the generated API client,
 * the session, the realtime connection and the plugin UI loader. Both clients build one `ClientServices` at
 * start and hand it to the state classes; tests hand them real or in-memory implementations.
 */
import type { FieldError, PluginReloadedPayload } from '@cm/contracts';
import { unwrap, type Api, type Schemas } from '../api.js';
import { ApiProblem } from '../problem.js';
import type { PluginUiLoader } from '../plugin-ui-loader.js';
import type { RealtimeClient } from '../realtime.js';
import type { Session, SessionStatus, User } from '../session.js';

export type { Api, Schemas, SessionStatus, User };
export type { ConnectionState as ConnectionStatus } from '../realtime.js';
export type { WatchOptions } from '../group-watch.js';
export type { MountedPluginUi as MountedPlugin, MountOptions } from '../plugin-ui-loader.js';

/** The parts of `Session` the state classes use (the login: status, user, login/logout). */
export type SessionPort = Pick<Session, 'status' | 'user' | 'subscribe' | 'restore' | 'login' | 'logout' | 'setUser'>;
/** The parts of `RealtimeClient` the state classes use (connection state, one watch per group on screen). */
export type RealtimePort = Pick<RealtimeClient, 'status' | 'subscribeStatus' | 'watch'>;
/** The parts of `PluginUiLoader` the state classes and components use. */
export type PluginUiPort = Pick<PluginUiLoader, 'mount'>;
/** One plugin reload as the host announces it (the same shape on the SSE stream and the socket). */
export type PluginReload = PluginReloadedPayload;

/** Everything the state classes use. */
export interface ClientServices {
  api: Api;
  /** The same API without the session, for public reads (the catalog) that need not wait for a login. */
  publicApi?: Api;
  session: SessionPort;
  realtime: RealtimePort;
  plugins: PluginUiPort;
  /** Where drafts are kept (the web app: localStorage; the Symbiote: TaleSpire's storage). */
  drafts: DraftStore;
  /** Subscribes to plugin reloads (`plugin.reloaded`); returns the unsubscribe function. */
  onPluginReloaded(listener: (event: PluginReload) => void): () => void;
}

/** Local storage for unsaved sheet edits, so no edit is lost to a closed tab or a refused save. */
export interface DraftStore {
  load(key: string): string | null;
  save(key: string, value: string): void;
  remove(key: string): void;
}

/**
 * An API failure as the UI shows it: the problem's status, code and field errors with a message in plain words
 * (network failures: status 0). Made from `@cm/client`'s ApiProblem by `call`.
 */
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

/** Awaits an API call (`unwrap`) and returns its data, or throws an ApiError (network failures: status 0). */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  try {
    return await unwrap(request);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof ApiProblem) throw ApiError.from(error.status, error.problem);
    throw ApiError.from(0, { detail: (error as Error).message });
  }
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
