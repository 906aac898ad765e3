import { DomainError } from '../common/domain-error.js';

/** When a plugin is quarantined and for how long. */
export interface BreakerOptions {
  /** Failures (timeout, out of memory, crash) within `windowMs` that quarantine a plugin. */
  failures: number;
  windowMs: number;
  /** First quarantine; each further one in a row doubles it, up to `maxQuarantineMs`. */
  quarantineMs: number;
  maxQuarantineMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = {
  failures: 3,
  windowMs: 60_000,
  quarantineMs: 30_000,
  maxQuarantineMs: 600_000,
};

/** Failures that cost the host (a worker killed and restarted); a plugin that merely throws is not quarantined. */
const COSTLY = new Set(['timeout', 'out_of_memory', 'crashed']);

/** The circuit breaker's view of one served plugin version (see PluginRuntime). */
export interface PluginHealth {
  /** Whether calls are refused. */
  readonly quarantined: boolean;
  /** Throws `plugin_quarantined` (503, Retry-After) while the plugin is quarantined. */
  admit(): void;
  /** Records how a call failed (a PluginCallFailure kind). */
  failed(failure: string, message: string): void;
}

/**
 * Counts a plugin's costly failures in a sliding window; at the threshold it opens (quarantine) and calls
 * `trip` with why. It stays open until the registry replaces the plugin's runtime: after the back-off it
 * re-loads the plugin (fixtures included), or sooner when its files change.
 */
export class CircuitBreaker implements PluginHealth {
  private recent: number[] = [];
  private openUntil: number | undefined;
  private reason = '';

  constructor(
    private readonly pluginId: string,
    private readonly options: BreakerOptions,
    /** The quarantine in a row this would be (1 = first); sets the back-off. */
    private readonly trips: number,
    private readonly trip: (reason: string, backoffMs: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get quarantined(): boolean {
    return this.openUntil !== undefined;
  }

  /** The back-off this breaker's trip uses. */
  get backoffMs(): number {
    return Math.min(this.options.maxQuarantineMs, this.options.quarantineMs * 2 ** Math.max(0, this.trips - 1));
  }

  admit(): void {
    if (this.openUntil === undefined) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((this.openUntil - this.now()) / 1000));
    throw new DomainError('plugin_quarantined', `Plugin "${this.pluginId}" is quarantined: ${this.reason}`, {
      pluginId: this.pluginId,
      failure: 'quarantined',
      reason: this.reason,
      retryAfterSeconds,
    });
  }

  failed(failure: string, message: string): void {
    if (this.openUntil !== undefined || !COSTLY.has(failure)) return;
    const now = this.now();
    this.recent = this.recent.filter((at) => now - at < this.options.windowMs);
    this.recent.push(now);
    if (this.recent.length < this.options.failures) return;
    this.reason = `${this.recent.length} calls failed within ${Math.round(this.options.windowMs / 1000)} s (last: ${message})`;
    this.openUntil = now + this.backoffMs;
    this.trip(this.reason, this.backoffMs);
  }
}
