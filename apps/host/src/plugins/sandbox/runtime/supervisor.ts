/**
 * The sandbox child process's main thread: receives batches of HostMessages over IPC, keeps the committed
 * plugin code, and runs a pool of worker threads with resourceLimits. It never runs plugin code itself.
 * A worker that runs out of memory, times out, or stops answering is replaced and re-loaded with every
 * committed plugin; the call it was running fails, calls queued behind it are re-dispatched.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  type ChildMessage,
  type FailureKind,
  type HostMessage,
  type ReplyMessage,
  RUNNING_ID,
  RUNNING_SINCE,
  type RuntimeLimits,
  type SandboxSelfCheck,
  type WorkerBatchReply,
  type WorkerMessage,
} from '../protocol.js';

/** Extra time the watchdog grants a worker that holds work but runs no item (starting up, or hung outside one). */
const WATCHDOG_SLACK_MS = 1000;
/** How often the watchdog looks at the workers: the precision of the time limit. */
const WATCHDOG_INTERVAL_MS = 10;
/** Items sent ahead to one worker (pipelining); the rest wait in the supervisor's queue. */
const PIPELINE_DEPTH = 64;
/** Largest batch (one postMessage) sent to a worker. */
const BATCH_MAX = 16;
/** A worker whose current job has run this long gets new jobs only when every other worker is as busy. */
const STALL_MS = 20;

/** How often a job may be re-queued because its worker died while it waited or ran unblamed. */
const MAX_ATTEMPTS = 3;

type Job = (
  | { kind: 'call'; id: number; pluginId: string; gen: number; method: string; args: string }
  | { kind: 'prepare'; id: number; pluginId: string; code: string; gen: number }
) & { attempts: number };

/** An item sent to a worker that it will answer. */
interface Pending {
  message: Exclude<WorkerMessage, { t: 'drop' }>;
  job?: Job;
  budgetMs: number;
}

class Outbox {
  private batch: ChildMessage[] = [];
  private scheduled = false;
  send(message: ChildMessage): void {
    this.batch.push(message);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        const batch = this.batch;
        this.batch = [];
        process.send?.(batch);
      });
    }
  }
}

export function runSupervisor(): void {
  const limits = JSON.parse(process.argv[2] ?? '{}') as RuntimeLimits;
  const runnerPath = fileURLToPath(import.meta.url);
  const outbox = new Outbox();
  const committed = new Map<string, { gen: number; code: string }>();
  const queue: Job[] = [];
  let nextGen = 1;
  let nextInternalId = -1;

  const reply = (job: Job, result: ReplyMessage): void => {
    if (job.kind === 'prepare' && result.t === 'ok') {
      const current = committed.get(job.pluginId);
      if (!current || current.gen < job.gen) {
        committed.set(job.pluginId, { gen: job.gen, code: job.code });
        for (const slot of slots) slot.install(job.pluginId, job.gen, job.code);
      }
    }
    outbox.send(result);
  };

  class Slot {
    worker: Worker | undefined;
    /** Items sent to the worker and not yet answered, in the order it runs them. */
    inFlight = new Map<number, Pending>();
    private running = new BigInt64Array(new SharedArrayBuffer(16));
    private lastActivity = Date.now();
    private exitReason: FailureKind = 'crashed';
    private crashes = 0;
    private lastCrashAt = 0;

    start(): void {
      this.running = new BigInt64Array(new SharedArrayBuffer(16));
      const worker = new Worker(runnerPath, {
        workerData: { limits, running: this.running },
        env: {},
        resourceLimits: {
          maxOldGenerationSizeMb: limits.memoryMb,
          maxYoungGenerationSizeMb: Math.max(4, Math.min(16, Math.floor(limits.memoryMb / 4))),
          stackSizeMb: 4,
        },
      });
      this.worker = worker;
      this.exitReason = 'crashed';
      this.lastActivity = Date.now();
      worker.on('online', () => {
        if (this.worker === worker) this.lastActivity = Date.now();
      });
      worker.on('message', (result: WorkerBatchReply) => {
        if (this.worker === worker) this.onReplies(result);
      });
      worker.on('error', (error: Error & { code?: string }) => {
        if (this.worker === worker && error.code === 'ERR_WORKER_OUT_OF_MEMORY') this.exitReason = 'out_of_memory';
      });
      worker.on('exit', () => {
        if (this.worker === worker) this.replace(this.exitReason, 'the sandbox worker exited');
      });
      this.post([...committed].map(([pluginId, { gen, code }]) => this.installItem(pluginId, gen, code)));
      dispatch();
    }

    install(pluginId: string, gen: number, code: string): void {
      this.post([this.installItem(pluginId, gen, code)]);
    }

    drop(pluginId: string): void {
      this.worker?.postMessage([{ t: 'drop', pluginId }] satisfies WorkerMessage[]);
    }

    run(jobs: Job[]): void {
      this.post(
        jobs.map((job) => ({
          message:
            job.kind === 'call'
              ? { t: 'call', id: job.id, pluginId: job.pluginId, gen: job.gen, method: job.method, args: job.args }
              : { t: 'prepare', id: job.id, pluginId: job.pluginId, code: job.code },
          job,
          budgetMs: job.kind === 'call' ? limits.timeoutMs : limits.loadTimeoutMs,
        })),
      );
    }

    get load(): number {
      return this.worker ? this.inFlight.size : Number.POSITIVE_INFINITY;
    }

    /** Whether the item the worker runs now has been running longer than `ms`. */
    busyFor(now: number, ms: number): boolean {
      return (
        Atomics.load(this.running, RUNNING_ID) !== 0n && now - Number(Atomics.load(this.running, RUNNING_SINCE)) > ms
      );
    }

    private installItem(pluginId: string, gen: number, code: string): Pending {
      return { message: { t: 'install', id: nextInternalId--, pluginId, gen, code }, budgetMs: limits.loadTimeoutMs };
    }

    private post(items: Pending[]): void {
      if (!this.worker || items.length === 0) return;
      if (this.inFlight.size === 0) this.lastActivity = Date.now();
      for (const item of items) this.inFlight.set(item.message.id, item);
      this.worker.postMessage(items.map((item) => item.message));
    }

    private onReplies({ replies, recycle }: WorkerBatchReply): void {
      this.lastActivity = Date.now();
      for (const result of replies) {
        const item = this.inFlight.get(result.id);
        if (!item) continue;
        this.inFlight.delete(result.id);
        if (item.job) reply(item.job, result);
        else if (result.t === 'fail') {
          const pluginId = item.message.t === 'install' ? item.message.pluginId : '?';
          outbox.send({
            t: 'log',
            level: 'error',
            message: `installing plugin "${pluginId}" in a sandbox worker failed: ${result.message}`,
          });
        }
      }
      if (recycle) this.replace('crashed', 'recycled', false);
      else dispatch();
    }

    /** Watchdog: the running item must finish within its budget, and a worker holding work must answer. */
    check(now: number): void {
      if (!this.worker || this.inFlight.size === 0) return;
      const runningId = Number(Atomics.load(this.running, RUNNING_ID));
      const item = runningId === 0 ? undefined : this.inFlight.get(runningId);
      if (item && now - Number(Atomics.load(this.running, RUNNING_SINCE)) > item.budgetMs) {
        this.replace('timeout', `did not finish within ${item.budgetMs} ms; its worker was restarted`);
      } else if (!item && now - this.lastActivity > limits.loadTimeoutMs + WATCHDOG_SLACK_MS) {
        this.replace('crashed', 'the sandbox worker stopped answering and was restarted');
      }
    }

    /**
     * Replaces the worker: the item it was running (if `blameRunning`) fails with `reason`; every other job it
     * held is re-queued (plugin calls are pure, so re-running one that had finished is harmless).
     */
    replace(reason: FailureKind, message: string, blameRunning = true): void {
      const worker = this.worker;
      this.worker = undefined;
      void worker?.terminate();
      const runningId = Number(Atomics.load(this.running, RUNNING_ID));
      const items = [...this.inFlight.values()];
      this.inFlight.clear();
      const requeue: Job[] = [];
      for (const item of items) {
        const job = item.job;
        if (!job) continue;
        const blamed = blameRunning && item.message.id === runningId;
        if (blamed || ++job.attempts >= MAX_ATTEMPTS) {
          const text = reason === 'out_of_memory' ? `exceeded the memory limit of ${limits.memoryMb} MB` : message;
          reply(job, {
            t: 'fail',
            id: job.id,
            failure: blamed ? reason : 'crashed',
            message: blamed ? text : `${text} (${job.attempts} times)`,
          });
        } else requeue.push(job);
      }
      queue.unshift(...requeue);
      const now = Date.now();
      this.crashes = now - this.lastCrashAt < 10_000 ? this.crashes + 1 : 0;
      this.lastCrashAt = now;
      const delay = this.crashes === 0 ? 0 : Math.min(2000, 50 * 2 ** this.crashes);
      setTimeout(() => this.start(), delay);
      dispatch();
    }
  }

  const slots = Array.from({ length: Math.max(1, limits.workers) }, () => new Slot());

  let nextSlot = 0;
  /**
   * Sends queued jobs in batches (one message per worker) to the least loaded workers, round-robin on ties,
   * avoiding a worker stuck on a slow item while another can take the work.
   */
  function dispatch(): void {
    const now = Date.now();
    while (queue.length > 0) {
      let best: Slot | undefined;
      let bestScore = Number.POSITIVE_INFINITY;
      for (let k = 0; k < slots.length; k++) {
        const slot = slots[(nextSlot + k) % slots.length];
        if (slot.load >= PIPELINE_DEPTH) continue;
        const score = slot.load + (slot.busyFor(now, STALL_MS) ? PIPELINE_DEPTH : 0);
        if (score < bestScore) {
          best = slot;
          bestScore = score;
        }
      }
      if (!best) return;
      nextSlot = (slots.indexOf(best) + 1) % slots.length;
      const share = Math.max(1, Math.ceil(queue.length / slots.length));
      best.run(queue.splice(0, Math.min(share, BATCH_MAX, PIPELINE_DEPTH - best.load)));
    }
  }

  const selfCheck = (): SandboxSelfCheck => {
    const permission = (process as { permission?: { has(scope: string, reference?: string): boolean } }).permission;
    return {
      permissionModel: typeof permission?.has === 'function',
      fsReadDenied: permission ? !permission.has('fs.read', '/etc/passwd') : false,
      fsWriteDenied: permission ? !permission.has('fs.write', os.tmpdir()) : false,
      childProcessDenied: permission ? !permission.has('child') : false,
      envKeys: Object.keys(process.env).length,
      fetchAvailable: typeof (globalThis as { fetch?: unknown }).fetch !== 'undefined',
    };
  };

  const onHostMessage = (message: HostMessage): void => {
    switch (message.t) {
      case 'call': {
        const plugin = committed.get(message.pluginId);
        if (!plugin) {
          outbox.send({ t: 'fail', id: message.id, failure: 'not_loaded', message: 'the plugin is not loaded' });
          return;
        }
        queue.push({
          kind: 'call',
          id: message.id,
          pluginId: message.pluginId,
          gen: plugin.gen,
          method: message.method,
          args: message.args,
          attempts: 0,
        });
        return;
      }
      case 'load': {
        const gen = nextGen++;
        if (message.restore) {
          committed.set(message.pluginId, { gen, code: message.code });
          for (const slot of slots) slot.install(message.pluginId, gen, message.code);
          outbox.send({ t: 'ok', id: message.id });
        } else {
          queue.push({
            kind: 'prepare',
            id: message.id,
            pluginId: message.pluginId,
            code: message.code,
            gen,
            attempts: 0,
          });
        }
        return;
      }
      case 'unload':
        committed.delete(message.pluginId);
        for (const slot of slots) slot.drop(message.pluginId);
        outbox.send({ t: 'ok', id: message.id });
        return;
      case 'check':
        outbox.send({ t: 'ok', id: message.id, value: JSON.stringify(selfCheck()) });
        return;
    }
  };

  process.on('message', (batch: HostMessage[]) => {
    for (const message of batch) onHostMessage(message);
    dispatch();
  });
  // The host went away: nothing left to serve.
  process.on('disconnect', () => process.exit(0));
  setInterval(() => {
    const now = Date.now();
    for (const slot of slots) slot.check(now);
  }, WATCHDOG_INTERVAL_MS);

  for (const slot of slots) slot.start();
  outbox.send({ t: 'ready' });
}
