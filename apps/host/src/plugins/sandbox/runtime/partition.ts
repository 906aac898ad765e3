/**
 * One loaded plugin version in the sandbox child: its own worker threads, its own bounded queue, its own
 * restarts. A plugin that loops, crashes or hoards memory only ever kills and delays its own workers, and every
 * failure is reported under its own id: no other plugin's call waits behind it or is blamed for it.
 */
import type { ChildMessage, FailureKind, ReplyMessage, RuntimeLimits } from '../protocol.js';
import { type Pending, type SlotOwner, WorkerSlot } from './worker-slot.js';

/** Items sent ahead to one worker (pipelining); the rest wait in the partition's queue. */
const PIPELINE_DEPTH = 64;
/** Largest batch (one postMessage) sent to a worker. */
const BATCH_MAX = 16;
/** A worker whose current job has run this long gets new jobs only when every other worker is as busy. */
const STALL_MS = 20;
/** How often a job may be re-queued because its worker died while it waited or ran unblamed. */
const MAX_ATTEMPTS = 3;
/** After a timeout, crash or memory kill, the plugin gets one worker (one core at most) for this long. */
const PROBATION_MS = 10_000;

export interface CallJob {
  id: number;
  method: string;
  args: string;
  attempts: number;
}

/** What a partition needs from the supervisor. */
export interface PartitionContext {
  limits: RuntimeLimits;
  runnerPath: string;
  nextInternalId: () => number;
  send(message: ChildMessage): void;
  /** The partition finished loading (`ok`) or could not load; either way the load request was answered. */
  loaded(partition: Partition, ok: boolean): void;
  /** The partition stopped for good (unloaded, retired and drained, or failed to load). */
  stopped(partition: Partition): void;
}

type State = 'loading' | 'serving' | 'retiring' | 'stopped';

export class Partition implements SlotOwner<CallJob> {
  private readonly slots: WorkerSlot<CallJob>[] = [];
  private readonly queue: CallJob[] = [];
  private readonly restarts = new Map<WorkerSlot<CallJob>, { crashes: number; at: number }>();
  private state: State;
  private nextSlot = 0;
  private probationUntil = 0;

  /** `loadRequestId`: the host's load request to answer with the description (absent for a restore). */
  constructor(
    readonly pluginId: string,
    readonly gen: number,
    private readonly code: string,
    private readonly context: PartitionContext,
    private readonly loadRequestId?: number,
  ) {
    this.state = loadRequestId === undefined ? 'serving' : 'loading';
    // A new version is checked in one worker first; the others start once it loaded.
    const first = loadRequestId === undefined ? Math.max(1, context.limits.workers) : 1;
    for (let i = 0; i < first; i++) this.addSlot();
  }

  get serving(): boolean {
    return this.state === 'serving';
  }

  /** Accepts a call, or fails it at once when the plugin already has as much work as it may queue. */
  submit(job: CallJob): void {
    if (this.state === 'stopped') return this.fail(job, 'not_loaded', 'the plugin is not loaded');
    let pending = this.queue.length;
    for (const slot of this.slots) pending += slot.jobs;
    if (pending >= this.context.limits.maxQueue)
      return this.fail(job, 'overloaded', `the plugin already has ${pending} calls waiting; try again shortly`);
    this.queue.push(job);
    this.dispatch();
  }

  /** Serves what it already accepted, then stops (a newer version took over). */
  retire(): void {
    if (this.state === 'stopped') return;
    this.state = 'retiring';
    this.stopIfDrained();
  }

  /** Stops at once; everything it holds fails with `not_loaded`. */
  stop(message = 'the plugin was unloaded'): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    const jobs = this.queue.splice(0);
    for (const slot of this.slots) jobs.push(...slot.stop());
    for (const job of jobs) this.fail(job, 'not_loaded', message);
    this.context.stopped(this);
  }

  check(now: number): void {
    for (const slot of this.slots) slot.check(now);
  }

  answered(job: CallJob, reply: ReplyMessage): void {
    this.context.send(reply);
    this.stopIfDrained();
  }

  installed(_slot: WorkerSlot<CallJob>, reply: ReplyMessage): void {
    if (this.state === 'loading' && this.loadRequestId !== undefined) {
      this.context.send({ ...reply, id: this.loadRequestId });
      if (reply.t === 'ok') {
        this.state = 'serving';
        this.context.loaded(this, true);
        while (this.slots.length < Math.max(1, this.context.limits.workers)) this.addSlot();
        this.dispatch();
      } else {
        this.context.loaded(this, false);
        this.stop('the plugin failed to load');
      }
      return;
    }
    if (reply.t === 'fail') {
      this.context.send({
        t: 'log',
        level: 'error',
        message: `installing plugin "${this.pluginId}" in a sandbox worker failed: ${reply.message}`,
      });
    }
  }

  lost(
    slot: WorkerSlot<CallJob>,
    blamed: CallJob | undefined,
    reason: FailureKind,
    message: string,
    others: CallJob[],
  ): void {
    const text =
      reason === 'out_of_memory' && message === 'the sandbox worker exited'
        ? `exceeded the memory limit of ${this.context.limits.memoryMb} MB`
        : message;
    if (blamed) this.fail(blamed, reason, text);
    if (blamed && reason !== 'threw') this.probationUntil = Date.now() + PROBATION_MS;
    const requeue: CallJob[] = [];
    for (const job of others) {
      if (++job.attempts >= MAX_ATTEMPTS) this.fail(job, 'crashed', `${text} (${job.attempts} times)`);
      else requeue.push(job);
    }
    this.queue.unshift(...requeue);
    if (this.state === 'loading') {
      // The checking worker died before it answered the install: the load fails with why.
      this.installed(slot, { t: 'fail', id: 0, failure: reason, message: text });
      return;
    }
    if (this.state === 'stopped') return;
    const now = Date.now();
    const previous = this.restarts.get(slot) ?? { crashes: 0, at: 0 };
    const crashes = now - previous.at < 10_000 ? previous.crashes + 1 : 0;
    this.restarts.set(slot, { crashes, at: now });
    const delay = crashes === 0 ? 0 : Math.min(2000, 50 * 2 ** crashes);
    setTimeout(() => {
      if (this.state !== 'stopped') {
        slot.start(this.pluginId, this.gen, this.code);
        this.dispatch();
      }
    }, delay);
    this.dispatch();
  }

  idle(): void {
    this.dispatch();
  }

  private addSlot(): void {
    const slot = new WorkerSlot<CallJob>(
      this,
      this.context.limits,
      this.context.runnerPath,
      this.context.nextInternalId,
    );
    this.slots.push(slot);
    slot.start(this.pluginId, this.gen, this.code);
  }

  private fail(job: CallJob, failure: FailureKind, message: string): void {
    this.context.send({ t: 'fail', id: job.id, failure, message });
  }

  private stopIfDrained(): void {
    if (this.state !== 'retiring' || this.queue.length > 0) return;
    if (this.slots.some((slot) => [...slot.inFlight.values()].some((item) => item.job))) return;
    this.stop();
  }

  /**
   * Sends queued jobs in batches to the least loaded workers, round-robin on ties, avoiding a worker stuck on a
   * slow item while another can take the work. Nothing is sent while the version is still being checked.
   */
  private dispatch(): void {
    if (this.state === 'loading' || this.state === 'stopped') return;
    const now = Date.now();
    // On probation a misbehaving plugin runs on its first worker only, so it can take at most one core.
    const slots = now < this.probationUntil ? this.slots.slice(0, 1) : this.slots;
    while (this.queue.length > 0) {
      let best: WorkerSlot<CallJob> | undefined;
      let bestScore = Number.POSITIVE_INFINITY;
      for (let k = 0; k < slots.length; k++) {
        const slot = slots[(this.nextSlot + k) % slots.length];
        if (slot.load >= PIPELINE_DEPTH) continue;
        const score = slot.load + (slot.busyFor(now, STALL_MS) ? PIPELINE_DEPTH : 0);
        if (score < bestScore) {
          best = slot;
          bestScore = score;
        }
      }
      if (!best) return;
      this.nextSlot = (slots.indexOf(best) + 1) % slots.length;
      const share = Math.max(1, Math.ceil(this.queue.length / slots.length));
      const jobs = this.queue.splice(0, Math.min(share, BATCH_MAX, PIPELINE_DEPTH - best.load));
      best.run(jobs.map((job) => this.item(job)));
    }
  }

  private item(job: CallJob): Pending<CallJob> {
    return {
      message: { t: 'call', id: job.id, pluginId: this.pluginId, gen: this.gen, method: job.method, args: job.args },
      job,
      budgetMs: this.context.limits.timeoutMs,
    };
  }
}
