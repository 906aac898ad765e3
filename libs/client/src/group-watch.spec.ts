import type { AnyGroupEvent } from '@cm/contracts';
import { describe, expect, it } from '@jest/globals';
import { Backoff } from './backoff.js';
import { GroupWatch, type WatchOptions } from './group-watch.js';

const G = '0b7e6a52-3c4d-4e5f-8a9b-1c2d3e4f5a6b';

function roll(seq: number): AnyGroupEvent {
  return {
    groupId: G,
    seq,
    type: 'member.left',
    payload: { userId: `u${seq}` },
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

/** Presence carries no seq (not in the log). */
function presence(): AnyGroupEvent {
  return {
    groupId: G,
    type: 'presence.changed',
    payload: { userId: 'u', online: true },
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

function setup(options: Partial<WatchOptions> = {}) {
  const seen: Array<number | undefined> = [];
  const resubscribes: Array<number | undefined> = [];
  const watch = new GroupWatch(
    G,
    { onEvent: (event) => seen.push(event.seq), ...options },
    { resubscribe: (w) => resubscribes.push(w.lastSeq) },
  );
  return { watch, seen, resubscribes };
}

describe(GroupWatch.name, () => {
  it('delivers events after lastSeq once each, in order', () => {
    const { watch, seen } = setup({ lastSeq: 3 });
    watch.subscribed(5);
    for (const seq of [2, 3, 4, 4, 5, 5, 6]) watch.event(roll(seq));
    expect(seen).toEqual([4, 5, 6]);
    expect(watch.lastSeq).toBe(6);
  });

  it('starts a fresh watch at the seq the server confirms', () => {
    const { watch, seen } = setup();
    watch.subscribed(10);
    watch.event(roll(10));
    watch.event(roll(11));
    expect(seen).toEqual([11]);
  });

  it('answers a gap by resubscribing from the last seq once, ignoring what arrives until the server confirms', () => {
    const { watch, seen, resubscribes } = setup({ lastSeq: 1 });
    watch.subscribed(1);
    watch.event(roll(2));
    watch.event(roll(4));
    watch.event(roll(5));
    expect(resubscribes).toEqual([2]);
    watch.subscribed(5);
    for (const seq of [3, 4, 5]) watch.event(roll(seq));
    expect(seen).toEqual([2, 3, 4, 5]);
  });

  it('delivers presence without counting it', () => {
    const { watch, seen } = setup({ lastSeq: 7 });
    watch.subscribed(7);
    watch.event(presence());
    watch.event(presence());
    watch.event(roll(8));
    expect(seen).toEqual([undefined, undefined, 8]);
    expect(watch.lastSeq).toBe(8);
  });

  it('holds events during a resync and resumes after the seq the refetch returned', async () => {
    let finish: (seq: number) => void = () => undefined;
    const reasons: string[] = [];
    const { watch, seen } = setup({
      lastSeq: 2,
      onResync: (reason) => {
        reasons.push(reason);
        return new Promise<number>((resolve) => (finish = resolve));
      },
    });
    watch.resyncRequired('too_far_behind');
    watch.subscribed(40);
    for (const seq of [41, 42, 43]) watch.event(roll(seq));
    expect(seen).toEqual([]);
    finish(42);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(reasons).toEqual(['too_far_behind']);
    expect(seen).toEqual([43]);
    watch.event(roll(44));
    expect(seen).toEqual([43, 44]);
  });

  it('resumes from the confirmed seq when the resync handler returns nothing, and survives a throwing handler', async () => {
    const { watch, seen } = setup({
      lastSeq: 99,
      onEvent: () => {
        throw new Error('a broken view');
      },
      onResync: () => undefined,
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (error: unknown) => errors.push(error);
    try {
      watch.resyncRequired('seq_ahead');
      watch.subscribed(5);
      await new Promise((resolve) => setTimeout(resolve, 0));
      watch.event(roll(6));
      expect(watch.lastSeq).toBe(6);
      expect(seen).toEqual([]);
      expect(errors).toHaveLength(1);
    } finally {
      console.error = original;
    }
  });
});

describe(Backoff.name, () => {
  it('doubles up to the maximum, jittered within the upper half, and starts over after a reset', () => {
    const low = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    expect([low.next(), low.next(), low.next(), low.next(), low.next(), low.next()]).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
    const high = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0.999 });
    expect(high.next()).toBe(100);
    low.reset();
    expect(low.attempt).toBe(0);
    expect(low.next(300)).toBe(300);
  });
});
