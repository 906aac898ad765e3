/**
 * @cm/client: the framework-free client both apps share. The API client generated from the host's OpenAPI
 * document, sessions with single-flight refresh across tabs, the realtime client with gap-free resume, and the
 * plugin UI loader. Svelte state classes live in the `svelte` entry and build on these.
 */

/** The typed API client (openapi-fetch over the generated types), its options and helpers. */
export {
  createApi,
  unwrap,
  type AccessTokenSource,
  type Api,
  type ApiOptions,
  type components,
  type operations,
  type paths,
  type Schemas,
} from './api.js';
/** Problem responses as errors: status, stable code, title, detail and field errors. */
export { ApiProblem, isApiProblem, problemOf } from './problem.js';
/** A value that changes over time (the Svelte store contract). */
export { type Readable } from './readable.js';
/** Refresh-token transports: the HttpOnly cookie (web) or a body store (Symbiote). */
export { cookieTransport, memoryTokenStore, type RefreshTokenStore } from './refresh-token-store.js';
/** The cross-tab refresh lock: Web Locks, or an in-process lock where the runtime has none. */
export { defaultRefreshLock, memoryLock, webLock, type RefreshLock } from './refresh-lock.js';
/** The login of a tab: restore, login, register, logout, single-flight refresh, observable state. */
export { Session, type SessionOptions, type SessionState, type SessionStatus, type User } from './session.js';
/** The realtime client: one WebSocket, watches per group with gap-free resume, connection state. */
export { RealtimeClient, type ConnectionState, type RealtimeOptions, type RealtimeSession } from './realtime.js';
export { type WatchEndReason, type WatchOptions } from './group-watch.js';
/** Exponential backoff with jitter (the realtime client's reconnects). */
export { Backoff, type BackoffOptions } from './backoff.js';
/** Plugin UIs: on-demand import by content-hashed URL, mount through the SDK contract, error cards, reload with edits kept. */
export {
  PluginUiLoader,
  type MountedPluginUi,
  type MountOptions,
  type PluginUiFailure,
  type PluginUiLoaderOptions,
  type UiModule,
} from './plugin-ui-loader.js';
