import type { LoggerService } from '@nestjs/common';

/**
 * Work that must not run on the request path (its duration would tell the caller something), run after
 * the answer: in order of arrival, a few at a time, failures logged. In-process and not durable: a task
 * still queued when the process dies is lost (as a mail would be with an unreachable SMTP server).
 */
export class TaskQueue {
  private readonly waiting: Array<{ name: string; run: () => Promise<void> }> = [];
  private active = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly logger: Pick<LoggerService, 'error' | 'warn'>,
    private readonly concurrency = 4,
    private readonly capacity = 10_000,
  ) {}

  /** Queues a task; it starts no earlier than the next turn of the event loop (after the reply is written). */
  push(name: string, run: () => Promise<void>): void {
    if (this.waiting.length >= this.capacity) {
      this.logger.error(`Task queue full (${this.capacity}): dropped "${name}"`);
      return;
    }
    this.waiting.push({ name, run });
    setImmediate(() => this.next());
  }

  /** Resolves once nothing is queued or running. */
  idle(): Promise<void> {
    if (this.active === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Tasks queued or running. */
  get size(): number {
    return this.active + this.waiting.length;
  }

  private next(): void {
    while (this.active < this.concurrency && this.waiting.length > 0) {
      const task = this.waiting.shift()!;
      this.active += 1;
      task
        .run()
        .catch((error: unknown) => {
          this.logger.error(`Task "${task.name}" failed: ${error instanceof Error ? error.message : String(error)}`);
        })
        .finally(() => {
          this.active -= 1;
          this.next();
          if (this.active === 0 && this.waiting.length === 0) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            for (const resolve of waiters) resolve();
          }
        });
    }
  }
}
