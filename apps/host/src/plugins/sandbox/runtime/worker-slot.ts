/**
 * One worker thread of a plugin's partition, as the supervisor sees it: what it was sent and has not answered,
 * what it runs now (shared memory written by the worker), and its replacement when it dies, overruns or holds
 * too much memory. A slot never decides about other plugins: it reports to its partition.
 */
import { Worker } from 'node:worker_threads';
import {
  type FailureKind,
  type ReplyMessage,
  RUNNING_ID,
  RUNNING_SINCE,
  type RuntimeLimits,
  type WorkerBatchReply,
  type WorkerMessage,
} from '../protocol.js';

/** Extra time the watchdog grants a worker that holds work but runs no item (starting up, or hung outside one). */
const WATCHDOG_SLACK_MS = 1000;
/** How often (in watchdog ticks) the supervisor asks a busy worker how much ArrayBuffer memory it holds. */
const MEMORY_PROBE_TICKS = 5;

/** An item sent to a worker that it will answer; `job` is absent for the slot's own install. */
export interface Pending<J> {
  message: Exclude<WorkerMessage, { t: 'drop' }>;
  job?: J;
  budgetMs: number;
}

/** What a slot reports to its partition. */
export interface SlotOwner<J> {
  /** A reply to one of the partition's jobs. */
  answered(job: J, reply: ReplyMessage): void;
  /** The reply to the slot's own install of the plugin (its description on success). */
  installed(slot: WorkerSlot<J>, reply: ReplyMessage): void;
  /** The worker was replaced: the running job failed with `reason`; the others go back to the queue. */
  lost(slot: WorkerSlot<J>, blamed: J | undefined, reason: FailureKind, message: string, others: J[]): void;
  /** The worker can take more work. */
  idle(): void;
}

export class WorkerSlot<J> {
  worker: Worker | undefined;
  /** Items sent to the worker and not yet answered, in the order it runs them. */
  readonly inFlight = new Map<number, Pending<J>>();
  private running = new BigInt64Array(new SharedArrayBuffer(16));
  private lastActivity = Date.now();
  private exitReason: FailureKind = 'crashed';
  private ticks = 0;
  private probing = false;
  /** The install of the plugin sent to the current worker and not answered yet (it is no job). */
  private installId: number | undefined;

  constructor(
    private readonly owner: SlotOwner<J>,
    private readonly limits: RuntimeLimits,
    private readonly runnerPath: string,
    private readonly nextInternalId: () => number,
  ) {}

  /** Starts a worker and installs the plugin's code in it (answered through `owner.installed`). */
  start(pluginId: string, gen: number, code: string): void {
    this.running = new BigInt64Array(new SharedArrayBuffer(16));
    const memoryMb = this.limits.memoryMb;
    const worker = new Worker(this.runnerPath, {
      workerData: { limits: this.limits, running: this.running },
      env: {},
      resourceLimits: {
        maxOldGenerationSizeMb: memoryMb,
        maxYoungGenerationSizeMb: Math.max(4, Math.min(16, Math.floor(memoryMb / 4))),
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
    const id = this.nextInternalId();
    this.installId = id;
    this.post([{ message: { t: 'install', id, pluginId, gen, code }, budgetMs: this.limits.loadTimeoutMs }]);
  }

  run(items: Pending<J>[]): void {
    this.post(items);
  }

  /** Jobs (calls) sent to the worker and not answered. */
  get jobs(): number {
    return this.inFlight.size - (this.installId !== undefined && this.inFlight.has(this.installId) ? 1 : 0);
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

  /** Ends the worker without replacing it; unanswered jobs are returned. */
  stop(): J[] {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    const jobs = [...this.inFlight.values()].flatMap((item) => (item.job ? [item.job] : []));
    this.inFlight.clear();
    return jobs;
  }

  private post(items: Pending<J>[]): void {
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
      if (item.job) this.owner.answered(item.job, result);
      else this.owner.installed(this, result);
    }
    if (recycle) this.replace('crashed', 'its worker was recycled', false);
    else this.owner.idle();
  }

  /**
   * Watchdog: the running item must finish within its budget, a worker holding work must answer, and a busy
   * worker must not hold more ArrayBuffer memory than allowed (V8's heap limit does not count it).
   */
  check(now: number): void {
    if (!this.worker || this.inFlight.size === 0) return;
    const runningId = Number(Atomics.load(this.running, RUNNING_ID));
    const item = runningId === 0 ? undefined : this.inFlight.get(runningId);
    if (item && now - Number(Atomics.load(this.running, RUNNING_SINCE)) > item.budgetMs) {
      this.replace('timeout', `did not finish within ${item.budgetMs} ms; its worker was restarted`);
    } else if (!item && now - this.lastActivity > this.limits.loadTimeoutMs + WATCHDOG_SLACK_MS) {
      this.replace('crashed', 'the sandbox worker stopped answering and was restarted');
    } else if (item && ++this.ticks % MEMORY_PROBE_TICKS === 0) this.probeMemory(runningId);
  }

  /** Asks the busy worker's isolate (an interrupt, answered mid-call) how much external memory it holds. */
  private probeMemory(runningId: number): void {
    const worker = this.worker;
    if (!worker || this.probing) return;
    this.probing = true;
    const peakBytes = 2 * this.limits.arrayBufferMb * 1024 * 1024;
    worker
      .getHeapStatistics()
      .then((stats) => {
        const stillRunning = Number(Atomics.load(this.running, RUNNING_ID)) === runningId;
        if (this.worker === worker && stillRunning && stats.external_memory > peakBytes)
          this.replace('out_of_memory', `held more than ${2 * this.limits.arrayBufferMb} MB of ArrayBuffers`);
      })
      .catch(() => undefined)
      .finally(() => (this.probing = false));
  }

  /**
   * Replaces the worker: the item it was running (if `blameRunning`) fails with `reason`; every other job it held
   * goes back to the partition (plugin calls are pure, so re-running one that had finished is harmless).
   */
  replace(reason: FailureKind, message: string, blameRunning = true): void {
    const runningId = Number(Atomics.load(this.running, RUNNING_ID));
    const items = [...this.inFlight.values()];
    this.stop();
    let blamed: J | undefined;
    const others: J[] = [];
    for (const item of items) {
      if (!item.job) continue;
      if (blameRunning && item.message.id === runningId) blamed = item.job;
      else others.push(item.job);
    }
    const installing = items.find((item) => !item.job && item.message.id === runningId);
    if (installing && blameRunning) this.owner.installed(this, { t: 'fail', id: 0, failure: reason, message });
    this.owner.lost(this, blamed, reason, message, others);
  }
}
