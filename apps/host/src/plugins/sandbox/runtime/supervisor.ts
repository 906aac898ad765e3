/**
 * The sandbox child process's main thread: receives batches of HostMessages over IPC, keeps the committed
 * plugin code, and runs a pool of worker threads with resourceLimits. It never runs plugin code itself.
 * A worker that runs out of memory, times out, or stops answering is replaced and re-loaded with every
 * committed plugin; the call it was running fails, calls queued behind it are re-dispatched.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ChildMessage, FailureKind, HostMessage, RuntimeLimits, SandboxSelfCheck, WorkerMessage, WorkerReply } from '../protocol.js';

/** Extra time the watchdog grants beyond the vm timeout before it declares a worker hung. */
const WATCHDOG_SLACK_MS = 1000;
/** Calls sent ahead to one worker (pipelining); the rest wait in the supervisor's queue. */
const PIPELINE_DEPTH = 32;
/** A worker whose current job has run this long gets new jobs only when every other worker is as busy. */
const STALL_MS = 20;

type Job =
  | { kind: 'call'; id: number; pluginId: string; gen: number; method: string; args: string }
  | { kind: 'prepare'; id: number; pluginId: string; code: string; gen: number };

/** Something sent to a worker that it will answer, in order. */
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

  const reply = (job: Job, result: WorkerReply): void => {
    if (job.kind === 'prepare' && result.t === 'ok') {
      const current = committed.get(job.pluginId);
      if (!current || current.gen < job.gen) {
        committed.set(job.pluginId, { gen: job.gen, code: job.code });
        for (const slot of slots) slot.install(job.pluginId, job.gen, job.code);
      }
    }
    const { recycle: _recycle, ...message } = result;
    outbox.send(message);
  };

  class Slot {
    worker: Worker | undefined;
    inFlight: Pending[] = [];
    headSince = 0;
    private exitReason: FailureKind = 'crashed';
    private crashes = 0;
    private lastCrashAt = 0;

    start(): void {
      const worker = new Worker(runnerPath, {
        workerData: { limits },
        env: {},
        resourceLimits: {
          maxOldGenerationSizeMb: limits.memoryMb,
          maxYoungGenerationSizeMb: Math.max(4, Math.min(16, Math.floor(limits.memoryMb / 4))),
          stackSizeMb: 4,
        },
      });
      this.worker = worker;
      this.exitReason = 'crashed';
      this.headSince = Date.now();
      worker.on('online', () => {
        if (this.worker === worker) this.headSince = Date.now();
      });
      worker.on('message', (result: WorkerReply) => {
        if (this.worker === worker) this.onReply(result);
      });
      worker.on('error', (error: Error & { code?: string }) => {
        if (this.worker === worker && error.code === 'ERR_WORKER_OUT_OF_MEMORY') this.exitReason = 'out_of_memory';
      });
      worker.on('exit', () => {
        if (this.worker === worker) this.replace(this.exitReason, 'the sandbox worker exited');
      });
      for (const [pluginId, { gen, code }] of committed) this.install(pluginId, gen, code);
      dispatch();
    }

    install(pluginId: string, gen: number, code: string): void {
      this.post({ message: { t: 'install', id: nextInternalId--, pluginId, gen, code }, budgetMs: limits.loadTimeoutMs });
    }

    drop(pluginId: string): void {
      this.worker?.postMessage({ t: 'drop', pluginId } satisfies WorkerMessage);
    }

    run(job: Job): void {
      const message: Pending['message'] =
        job.kind === 'call'
          ? { t: 'call', id: job.id, pluginId: job.pluginId, gen: job.gen, method: job.method, args: job.args }
          : { t: 'prepare', id: job.id, pluginId: job.pluginId, code: job.code };
      this.post({ message, job, budgetMs: job.kind === 'call' ? limits.timeoutMs : limits.loadTimeoutMs });
    }

    get load(): number {
      return this.worker ? this.inFlight.length : Number.POSITIVE_INFINITY;
    }

    private post(pending: Pending): void {
      if (!this.worker) return;
      if (this.inFlight.length === 0) this.headSince = Date.now();
      this.inFlight.push(pending);
      this.worker.postMessage(pending.message);
    }

    private onReply(result: WorkerReply): void {
      const head = this.inFlight.shift();
      this.headSince = Date.now();
      if (!head || head.message.id !== result.id) {
        this.replace('crashed', 'the sandbox worker answered out of order');
        return;
      }
      if (head.job) reply(head.job, result);
      else if (result.t === 'fail') outbox.send({ t: 'log', level: 'error', message: `installing plugin "${head.message.t === 'install' ? head.message.pluginId : '?'}" in a worker failed: ${result.message}` });
      if (result.recycle) this.replace('crashed', 'recycled', false);
      else dispatch();
    }

    /** Watchdog: the head of the pipeline must finish within its budget plus slack. */
    check(now: number): void {
      const head = this.inFlight[0];
      if (this.worker && head && now - this.headSince > head.budgetMs + WATCHDOG_SLACK_MS) {
        this.replace('timeout', `did not answer within ${head.budgetMs + WATCHDOG_SLACK_MS} ms; the worker was restarted`);
      }
    }

    /** Fails the running job, re-queues the rest, and starts a fresh worker (with backoff on repeated crashes). */
    replace(reason: FailureKind, message: string, failHead = true): void {
      const worker = this.worker;
      this.worker = undefined;
      void worker?.terminate();
      const rest = this.inFlight;
      this.inFlight = [];
      const head = failHead ? rest.shift() : undefined;
      if (head?.job) {
        reply(head.job, { t: 'fail', id: head.job.id, failure: reason, message: reason === 'out_of_memory' ? `exceeded the memory limit of ${limits.memoryMb} MB` : message });
      }
      const requeue = rest.flatMap((pending) => (pending.job ? [pending.job] : []));
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
  /** Sends queued jobs to the least loaded workers (round-robin on ties), avoiding one stuck on a slow call. */
  function dispatch(): void {
    const now = Date.now();
    while (queue.length > 0) {
      let best: Slot | undefined;
      let bestScore = Number.POSITIVE_INFINITY;
      for (let k = 0; k < slots.length; k++) {
        const slot = slots[(nextSlot + k) % slots.length]!;
        if (slot.load >= PIPELINE_DEPTH) continue;
        const stalled = slot.inFlight.length > 0 && now - slot.headSince > STALL_MS;
        const score = slot.load + (stalled ? PIPELINE_DEPTH : 0);
        if (score < bestScore) {
          best = slot;
          bestScore = score;
        }
      }
      if (!best) return;
      nextSlot = (slots.indexOf(best) + 1) % slots.length;
      best.run(queue.shift()!);
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
        queue.push({ kind: 'call', id: message.id, pluginId: message.pluginId, gen: plugin.gen, method: message.method, args: message.args });
        return;
      }
      case 'load': {
        const gen = nextGen++;
        if (message.restore) {
          committed.set(message.pluginId, { gen, code: message.code });
          for (const slot of slots) slot.install(message.pluginId, gen, message.code);
          outbox.send({ t: 'ok', id: message.id });
        } else {
          queue.push({ kind: 'prepare', id: message.id, pluginId: message.pluginId, code: message.code, gen });
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
  }, 50);

  for (const slot of slots) slot.start();
  outbox.send({ t: 'ready' });
}
