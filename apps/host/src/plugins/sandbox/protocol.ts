/**
 * Messages between the host (PluginSandbox), the sandbox child process (runtime/supervisor.ts) and its
 * worker threads (runtime/worker.ts). Only primitives and plain arrays/objects of them cross; plugin
 * arguments and results travel as JSON strings so that nothing but strings ever enters a plugin context.
 */

/** Why a plugin call failed (mirrors PluginCallFailure in plugin-sandbox.ts). */
export type FailureKind =
  'threw' | 'timeout' | 'out_of_memory' | 'crashed' | 'not_loaded' | 'bad_result' | 'overloaded' | 'interrupted';

/** Limits the child process applies to its workers and plugin contexts. */
export interface RuntimeLimits {
  timeoutMs: number;
  loadTimeoutMs: number;
  memoryMb: number;
  /** ArrayBuffer memory a worker may keep between calls; a call may peak at twice this. */
  arrayBufferMb: number;
  /** Worker threads of each plugin. */
  workers: number;
  /** Calls one plugin may have queued or running; more fail at once with `overloaded`. */
  maxQueue: number;
  /** Results larger than this (characters of JSON) fail with `bad_result`. */
  maxResultChars: number;
}

/** Host → child. */
export type HostMessage =
  | { t: 'call'; id: number; pluginId: string; method: string; args: string }
  | { t: 'load'; id: number; pluginId: string; code: string; restore: boolean }
  | { t: 'unload'; id: number; pluginId: string }
  | { t: 'check'; id: number };

/** One reply of the child to a host message. `value` is JSON text (`undefined` when the method returned undefined). */
export type ReplyMessage =
  | { t: 'ok'; id: number; value?: string; logs?: string[] }
  | { t: 'fail'; id: number; failure: FailureKind; message: string; logs?: string[] };

/** Child → host. */
export type ChildMessage = ReplyMessage | { t: 'ready' } | { t: 'log'; level: 'warn' | 'error'; message: string };

/** One item of work for a worker; each is answered by a ReplyMessage with its id (`drop` is not answered). */
export type WorkerMessage =
  | { t: 'call'; id: number; pluginId: string; gen: number; method: string; args: string }
  | { t: 'install'; id: number; pluginId: string; gen: number; code: string }
  | { t: 'drop'; pluginId: string };

/**
 * Worker → child main thread, once per batch of WorkerMessages. `recycle` asks the supervisor to replace the
 * worker (after a timeout); items of the batch without a reply were then not run and are re-queued.
 */
export interface WorkerBatchReply {
  replies: ReplyMessage[];
  recycle: boolean;
}

/**
 * Layout of the SharedArrayBuffer (BigInt64Array) each worker shares with the supervisor: the id of the item it
 * is running (0n when idle) and when it started (Date.now()). It lets the supervisor's watchdog time each item
 * and blame exactly that item when the worker dies. Plugin contexts never see it.
 */
export const RUNNING_ID = 0;
export const RUNNING_SINCE = 1;

/** What the child reports about its own confinement (see PluginSandbox.selfCheck). */
export interface SandboxSelfCheck {
  permissionModel: boolean;
  fsReadDenied: boolean;
  fsWriteDenied: boolean;
  childProcessDenied: boolean;
  envKeys: number;
  fetchAvailable: boolean;
}
