import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { CircuitBreaker, DEFAULT_BREAKER } from './circuit-breaker.js';

describe(CircuitBreaker.name, () => {
  const setup = (trips = 1) => {
    let now = 1_000_000;
    const tripped: Array<{ reason: string; backoffMs: number }> = [];
    const breaker = new CircuitBreaker(
      'loopy',
      DEFAULT_BREAKER,
      trips,
      (reason, backoffMs) => tripped.push({ reason, backoffMs }),
      () => now,
    );
    return { breaker, tripped, advance: (ms: number) => (now += ms) };
  };

  it('quarantines after three costly failures within a minute, with the last one as the reason', () => {
    const { breaker, tripped, advance } = setup();
    breaker.failed('timeout', 'validate: did not finish within 250 ms');
    advance(10_000);
    breaker.failed('out_of_memory', 'validate: exceeded the memory limit');
    expect(breaker.quarantined).toBe(false);
    breaker.failed('crashed', 'validate: the worker exited');
    expect(breaker.quarantined).toBe(true);
    expect(tripped).toEqual([
      { reason: '3 calls failed within 60 s (last: validate: the worker exited)', backoffMs: 30_000 },
    ]);
  });

  it('refuses calls while quarantined with plugin_quarantined and the seconds left', () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 3; i++) breaker.failed('timeout', 'slow');
    advance(12_500);
    let error: unknown;
    try {
      breaker.admit();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'plugin_quarantined', status: 503 });
    expect((error as DomainError).extras).toMatchObject({ pluginId: 'loopy', retryAfterSeconds: 18 });
  });

  it('ignores failures that cost nothing (threw, bad results, a full queue, a sandbox restart)', () => {
    const { breaker, tripped } = setup();
    for (const failure of ['threw', 'bad_result', 'overloaded', 'interrupted', 'not_loaded'])
      for (let i = 0; i < 5; i++) breaker.failed(failure, 'x');
    expect(breaker.quarantined).toBe(false);
    expect(tripped).toEqual([]);
    expect(() => breaker.admit()).not.toThrow();
  });

  it('forgets failures older than the window', () => {
    const { breaker, advance } = setup();
    breaker.failed('timeout', 'slow');
    breaker.failed('timeout', 'slow');
    advance(60_001);
    breaker.failed('timeout', 'slow');
    expect(breaker.quarantined).toBe(false);
  });

  it('doubles the back-off for each quarantine in a row, up to ten minutes', () => {
    expect(setup(1).breaker.backoffMs).toBe(30_000);
    expect(setup(3).breaker.backoffMs).toBe(120_000);
    expect(setup(20).breaker.backoffMs).toBe(600_000);
  });
});
