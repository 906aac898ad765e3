/** How reconnects back off: delays double from `initialMs` up to `maxMs`, each with random jitter. */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** A number in [0, 1) (tests pass a fixed one). */
  random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": the n-th delay lies in [cap/2, cap) where cap = min(max, initial·2ⁿ),
 * so clients that lost the same server spread out and never retry in a tight loop.
 */
export class Backoff {
  private attempts = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.random = options.random ?? Math.random;
  }

  /** The failed attempts since the last reset. */
  get attempt(): number {
    return this.attempts;
  }

  /** The delay before the next attempt (and counts it), at least `floorMs`. */
  next(floorMs = 0): number {
    const cap = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempts, 30));
    this.attempts += 1;
    return Math.max(floorMs, Math.round(cap / 2 + this.random() * (cap / 2)));
  }

  /** A connection proved healthy: start again from the shortest delay. */
  reset(): void {
    this.attempts = 0;
  }
}
