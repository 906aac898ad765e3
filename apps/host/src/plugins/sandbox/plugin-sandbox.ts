import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import type { ChildMessage, FailureKind, HostMessage, RuntimeLimits, SandboxSelfCheck } from './protocol.js';
import { writeRunnerFile } from './runner-file.js';

export type { SandboxSelfCheck } from './protocol.js';

/** Limits of the sandbox: per-call time, per-worker memory, worker threads per plugin, the process ceiling. */
export interface SandboxLimits {
  /** Wall-clock limit of one plugin call (default 250 ms). */
  timeoutMs: number;
  /** JS heap limit of each worker thread; every worker runs one plugin (default 64 MB). */
  memoryMb: number;
  /** Worker threads of each plugin (default 2). */
  workers: number;
  /** ArrayBuffer memory a worker may keep after a call; a call may peak at twice this (default 64 MB). */
  arrayBufferMb?: number;
  /** Calls one plugin may have queued or running; more fail at once with `overloaded` (default 256). */
  maxQueue?: number;
  /** Ceiling of the whole sandbox process's data memory (RLIMIT_DATA via prlimit, when available; default 2048 MB). */
  processMemoryMb?: number;
  /** Time limit for evaluating a plugin bundle at load (default 2000 ms). */
  loadTimeoutMs?: number;
  /** Largest accepted result, in characters of JSON (default 8 MiB). */
  maxResultChars?: number;
}

/**
 * Why a plugin call failed. `overloaded`: the plugin's queue was full (the call never ran); `interrupted`: the
 * whole sandbox process restarted during the call, which is not attributed to any one plugin.
 */
export type PluginCallFailure = FailureKind;

/** A plugin call (or load) that failed; `failure` says how. The message never contains host data. */
export class PluginCallError extends Error {
  constructor(
    readonly pluginId: string,
    readonly method: string,
    readonly failure: PluginCallFailure,
    message: string,
  ) {
    super(message);
    this.name = 'PluginCallError';
  }
}

/** Static shape of a plugin's default export, read once at load. */
export interface PluginDescription {
  /** Function names on the definition, e.g. `['defaultSheet', 'validate', ...]`. */
  methods: string[];
  /** Ruleset migration steps in order (call them as `migrations.<index>.migrate`). */
  migrations: { from: string; to: string }[];
  /** Importers in order (`importers.<index>.accepts` / `.import`). */
  importers: { id: string; label: string }[];
  /** Feature plugin action names (`actions.<name>`). */
  actions: string[];
  hasGroupEventHandler: boolean;
}

const DEFAULT_LIMITS: Required<SandboxLimits> = {
  timeoutMs: 250,
  memoryMb: 64,
  workers: 2,
  arrayBufferMb: 64,
  maxQueue: 256,
  processMemoryMb: 2048,
  loadTimeoutMs: 2000,
  maxResultChars: 8 * 1024 * 1024,
};
const METHOD_PATH = /^[A-Za-z_$][\w$]*(\.[\w$]+)*$/;
const START_TIMEOUT_MS = 15_000;
const PLUGIN_LOG_LINES_PER_MINUTE = 60;
/** util-linux's prlimit sets the sandbox process's RLIMIT_DATA (Node cannot set rlimits itself). */
const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((file) => existsSync(file));

interface PendingRequest {
  pluginId: string;
  method: string;
  sent: boolean;
  resolve(value: string | undefined): void;
  reject(error: PluginCallError): void;
}

/**
 * Runs untrusted plugin server code outside the host's event loop: in a child process with an empty
 * environment and Node's permission model, inside worker threads with heap limits, each plugin in its own vm
 * context without Node APIs and with a time limit per call. See README.md in this folder.
 */
export class PluginSandbox {
  private readonly limits: Required<SandboxLimits>;
  private readonly logger = new Logger(PluginSandbox.name);
  private readonly plugins = new Map<string, string>();
  private readonly pending = new Map<number, PendingRequest>();
  private readonly pluginLogs = new Map<
    string,
    { windowStart: number; lines: number; dropped: number; logger: Logger }
  >();
  private outbox: HostMessage[] = [];
  private flushScheduled = false;
  private nextId = 1;
  private child: ChildProcess | undefined;
  private ready = false;
  private stopped = false;
  private starting: Promise<void> | undefined;
  private runner: { file: string; dispose(): Promise<void> } | undefined;
  private lastProgress = Date.now();
  private crashes = 0;
  private lastCrashAt = 0;
  private liveness: NodeJS.Timeout | undefined;
  private readyWaiters: { resolve(): void; reject(error: Error): void }[] = [];
  private warnedNoCeiling = false;

  constructor(limits: Partial<SandboxLimits> = {}) {
    const defined = Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
    this.limits = { ...DEFAULT_LIMITS, ...defined };
  }

  /** Starts the sandbox process and its workers; resolves when it accepts calls. */
  start(): Promise<void> {
    this.stopped = false;
    this.starting ??= (async () => {
      this.runner = await writeRunnerFile();
      this.liveness = setInterval(() => this.checkLiveness(), 1000);
      this.liveness.unref();
      await this.spawn();
    })();
    return this.starting;
  }

  /** Loads (or atomically replaces) a plugin from a self-contained CommonJS bundle; resolves with its description. */
  async load(pluginId: string, code: string): Promise<PluginDescription> {
    const value = await this.request(pluginId, '(load)', (id) => ({ t: 'load', id, pluginId, code, restore: false }));
    this.plugins.set(pluginId, code);
    return JSON.parse(value!) as PluginDescription;
  }

  /** Removes a plugin; calls still queued for it fail with `not_loaded`. */
  async unload(pluginId: string): Promise<void> {
    if (!this.plugins.delete(pluginId)) return;
    await this.request(pluginId, '(unload)', (id) => ({ t: 'unload', id, pluginId })).catch(() => undefined);
  }

  /** Calls a method by dotted path on the plugin's definition (`validate`, `migrations.0.migrate`, `actions.start`). */
  async call<T = unknown>(pluginId: string, method: string, args: unknown[]): Promise<T> {
    if (!this.plugins.has(pluginId))
      throw new PluginCallError(pluginId, method, 'not_loaded', `Plugin "${pluginId}" is not loaded`);
    if (!METHOD_PATH.test(method))
      throw new PluginCallError(pluginId, method, 'threw', `Plugin "${pluginId}": "${method}" is not a method path`);
    const json = JSON.stringify(args);
    if (json === undefined) throw new TypeError('PluginSandbox.call: args must be a JSON array');
    const value = await this.request(pluginId, method, (id) => ({ t: 'call', id, pluginId, method, args: json }));
    return (value === undefined ? undefined : JSON.parse(value)) as T;
  }

  /** What the sandbox process reports about its own confinement (permission model, environment). */
  async selfCheck(): Promise<SandboxSelfCheck> {
    const value = await this.request('(sandbox)', '(check)', (id) => ({ t: 'check', id }));
    return JSON.parse(value!) as SandboxSelfCheck;
  }

  /** The sandbox process id (for diagnostics and tests), while it runs. */
  get processId(): number | undefined {
    return this.child?.pid;
  }

  /** Stops the sandbox process; pending calls fail with `crashed`. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.liveness);
    this.failPending(() => true, 'the plugin sandbox stopped');
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(new Error('the plugin sandbox stopped'));
    const child = this.child;
    this.child = undefined;
    this.ready = false;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    }
    await this.runner?.dispose();
    this.runner = undefined;
    this.starting = undefined;
  }

  private request(pluginId: string, method: string, build: (id: number) => HostMessage): Promise<string | undefined> {
    if (this.stopped || !this.starting)
      return Promise.reject(new PluginCallError(pluginId, method, 'crashed', 'the plugin sandbox is not running'));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      if (!this.hasSentPending()) this.lastProgress = Date.now();
      this.pending.set(id, { pluginId, method, sent: false, resolve, reject });
      this.outbox.push(build(id));
      this.scheduleFlush();
    });
  }

  private hasSentPending(): boolean {
    for (const request of this.pending.values()) if (request.sent) return true;
    return false;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || !this.ready) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (!this.ready || !this.child || this.outbox.length === 0) return;
      const batch = this.outbox;
      this.outbox = [];
      for (const message of batch) {
        const request = this.pending.get(message.id);
        if (request) request.sent = true;
      }
      this.child.send(batch);
    });
  }

  private spawn(): Promise<void> {
    const runner = this.runner!;
    const runtimeLimits: RuntimeLimits = {
      timeoutMs: this.limits.timeoutMs,
      loadTimeoutMs: this.limits.loadTimeoutMs,
      memoryMb: this.limits.memoryMb,
      arrayBufferMb: this.limits.arrayBufferMb,
      workers: this.limits.workers,
      maxQueue: this.limits.maxQueue,
      maxResultChars: this.limits.maxResultChars,
    };
    const permissionFlag = process.allowedNodeEnvironmentFlags.has('--permission')
      ? '--permission'
      : '--experimental-permission';
    const nodeFlags = [
      permissionFlag,
      `--allow-fs-read=${runner.file}`,
      '--allow-worker',
      '--no-addons',
      '--no-experimental-fetch',
      '--disallow-code-generation-from-strings',
      '--no-warnings',
      '--max-old-space-size=256',
    ];
    // The process ceiling: ArrayBuffers beyond it fail to allocate (a RangeError inside the plugin) instead of
    // growing the process. Without prlimit the per-worker checks still apply, and the host logs the gap once.
    const ceiling = PRLIMIT ? [`--data=${this.limits.processMemoryMb * 1024 * 1024}`, process.execPath] : [];
    if (!PRLIMIT && !this.warnedNoCeiling) {
      this.warnedNoCeiling = true;
      this.logger.warn('prlimit not found: the plugin sandbox process runs without an OS memory ceiling');
    }
    const child = fork(runner.file, [JSON.stringify(runtimeLimits)], {
      execPath: PRLIMIT ?? process.execPath,
      execArgv: [...ceiling, ...nodeFlags],
      env: {},
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      // Its own process group: a Ctrl-C in the terminal reaches only the host, which stops the sandbox in order.
      detached: true,
    });
    this.child = child;
    this.ready = false;
    child.stdout?.setEncoding('utf8').on('data', (text: string) => this.logChildOutput(text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => this.logChildOutput(text));
    child.on('message', (batch: ChildMessage[]) => {
      if (this.child === child) this.onChildMessages(batch);
    });
    child.on('error', (error) => this.logger.error(`plugin sandbox process error: ${error.message}`));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.onChildExit(code, signal);
    });
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the plugin sandbox did not start within ${START_TIMEOUT_MS} ms`));
        child.kill('SIGKILL');
      }, START_TIMEOUT_MS);
      this.readyWaiters.push({
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
    });
  }

  private onChildMessages(batch: ChildMessage[]): void {
    this.lastProgress = Date.now();
    for (const message of batch) {
      switch (message.t) {
        case 'ready':
          this.onReady();
          break;
        case 'log':
          this.logger[message.level](message.message);
          break;
        case 'ok':
        case 'fail': {
          const request = this.pending.get(message.id);
          if (!request) break;
          this.pending.delete(message.id);
          if (message.logs) this.logPlugin(request.pluginId, message.logs);
          if (message.t === 'ok') request.resolve(message.value);
          else request.reject(this.callError(request, message.failure, message.message));
          break;
        }
      }
    }
  }

  private onReady(): void {
    this.ready = true;
    // Plugins first, so that every call queued during a restart finds them.
    const restores: HostMessage[] = [...this.plugins].map(([pluginId, code]) => ({
      t: 'load',
      id: 0,
      pluginId,
      code,
      restore: true,
    }));
    this.outbox.unshift(...restores);
    this.scheduleFlush();
    for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
  }

  private onChildExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.ready = false;
    this.child = undefined;
    if (this.stopped) return;
    const how = signal ?? `code ${code}`;
    this.logger.error(`the plugin sandbox process exited (${how}); restarting it`);
    this.failPending(
      (request) => request.sent,
      `the plugin sandbox process exited (${how}) during the call`,
      'interrupted',
    );
    const now = Date.now();
    this.crashes = now - this.lastCrashAt < 30_000 ? this.crashes + 1 : 0;
    this.lastCrashAt = now;
    const delay = this.crashes === 0 ? 0 : Math.min(5000, 100 * 2 ** this.crashes);
    setTimeout(() => {
      if (this.stopped) return;
      this.spawn().catch((error: Error) => this.logger.error(`restarting the plugin sandbox failed: ${error.message}`));
    }, delay).unref();
  }

  /** A child that has work but has said nothing for far longer than any budget is hung: kill it (it restarts). */
  private checkLiveness(): void {
    const hangMs = Math.max(10_000, 4 * (this.limits.loadTimeoutMs + this.limits.timeoutMs));
    if (this.child && this.ready && this.hasSentPending() && Date.now() - this.lastProgress > hangMs) {
      this.logger.error(`the plugin sandbox process did not answer for ${hangMs} ms; killing it`);
      this.child.kill('SIGKILL');
    }
  }

  private failPending(
    which: (request: PendingRequest) => boolean,
    message: string,
    failure: PluginCallFailure = 'crashed',
  ): void {
    for (const [id, request] of this.pending) {
      if (!which(request)) continue;
      this.pending.delete(id);
      request.reject(this.callError(request, failure, message));
    }
    if (this.stopped) this.outbox = [];
    else this.outbox = this.outbox.filter((message) => message.id === 0 || this.pending.has(message.id));
  }

  private callError(request: PendingRequest, failure: PluginCallFailure, detail: string): PluginCallError {
    return new PluginCallError(
      request.pluginId,
      request.method,
      failure,
      `Plugin "${request.pluginId}" ${request.method} failed (${failure}): ${detail}`,
    );
  }

  private logPlugin(pluginId: string, lines: string[]): void {
    let state = this.pluginLogs.get(pluginId);
    const now = Date.now();
    if (!state)
      this.pluginLogs.set(
        pluginId,
        (state = { windowStart: now, lines: 0, dropped: 0, logger: new Logger(`plugin:${pluginId}`) }),
      );
    if (now - state.windowStart > 60_000) {
      if (state.dropped > 0)
        state.logger.warn(`${state.dropped} log lines suppressed (limit ${PLUGIN_LOG_LINES_PER_MINUTE}/min)`);
      state.windowStart = now;
      state.lines = 0;
      state.dropped = 0;
    }
    for (const line of lines) {
      if (state.lines >= PLUGIN_LOG_LINES_PER_MINUTE) {
        state.dropped++;
        continue;
      }
      state.lines++;
      const space = line.indexOf(' ');
      const level = line.slice(0, space);
      const text = line.slice(space + 1);
      if (level === 'error') state.logger.error(text);
      else if (level === 'warn') state.logger.warn(text);
      else if (level === 'debug') state.logger.debug(text);
      else state.logger.log(text);
    }
  }

  private logChildOutput(text: string): void {
    const trimmed = text.trim();
    if (trimmed) this.logger.warn(`plugin sandbox process: ${trimmed.slice(0, 2000)}`);
  }
}
