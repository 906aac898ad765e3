import { describe, expect, it } from '@jest/globals';
import { cryptoRandom, randomFromUint32, type RandomSource } from './random.js';

/** Pearson's chi-square statistic of observed counts against a uniform expectation. */
function chiSquare(counts: readonly number[], draws: number): number {
  const expected = draws / counts.length;
  return counts.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
}

/** A uint32 generator that replays fixed values and counts how many were drawn. */
function replay(values: number[]): { next: () => number; drawn: () => number } {
  let index = 0;
  return {
    next: () => {
      if (index >= values.length) throw new Error('replay exhausted');
      return values[index++];
    },
    drawn: () => index,
  };
}

/** mulberry32: a small seeded uint32 generator, so the statistical tests below give the same counts every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function histogram(random: RandomSource, sides: number, draws: number): number[] {
  const counts = new Array<number>(sides).fill(0);
  for (let i = 0; i < draws; i++) counts[random.int(sides)]++;
  return counts;
}

describe('randomFromUint32 on a seeded uniform source (deterministic)', () => {
  it('is uniform on a d6 (chi-square, 60,000 rolls, below the p = 0.001 critical value 20.515 for df = 5)', () => {
    const counts = histogram(randomFromUint32(seeded(6)), 6, 60_000);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(60_000);
    expect(chiSquare(counts, 60_000)).toBeLessThan(20.515);
  });

  it('is uniform on a d20 (chi-square, 60,000 rolls, below the p = 0.001 critical value 43.820 for df = 19)', () => {
    const counts = histogram(randomFromUint32(seeded(20)), 20, 60_000);
    expect(counts.every((count) => count > 0)).toBe(true);
    expect(chiSquare(counts, 60_000)).toBeLessThan(43.82);
  });
});

describe('cryptoRandom', () => {
  // Not seedable: the bound is the p = 1e-9 critical value, so a uniform generator fails about once in a
  // billion runs, while a biased mapping (modulo bias, an off-by-one face) exceeds it by orders of magnitude.
  it('is uniform on a d6 and a d20 (chi-square, 60,000 rolls each, p = 1e-9 bounds 50.69 and 81.56)', () => {
    expect(chiSquare(histogram(cryptoRandom, 6, 60_000), 60_000)).toBeLessThan(50.69);
    expect(chiSquare(histogram(cryptoRandom, 20, 60_000), 60_000)).toBeLessThan(81.56);
  });

  it('stays in range for every die size up to d1000 and for 2^32', () => {
    for (const sides of [1, 2, 3, 7, 100, 1000, 2 ** 32]) {
      for (let i = 0; i < 200; i++) {
        const value = cryptoRandom.int(sides);
        expect(Number.isInteger(value) && value >= 0 && value < sides).toBe(true);
      }
    }
  });

  it('refuses ranges it cannot draw from', () => {
    for (const bad of [0, -1, 1.5, NaN, 2 ** 32 + 1]) expect(() => cryptoRandom.int(bad)).toThrow(RangeError);
  });
});

describe('randomFromUint32 (rejection sampling)', () => {
  it('rejects the biased tail for n = 3 (limit 4294967295) and reduces the accepted value', () => {
    const source = replay([0xffffffff, 0xffffffff, 0xfffffffe]);
    expect(randomFromUint32(source.next).int(3)).toBe(0xfffffffe % 3);
    expect(source.drawn()).toBe(3);
  });

  it('rejects exactly the values at or above floor(2^32 / 6) * 6 for n = 6', () => {
    const limit = Math.floor(2 ** 32 / 6) * 6; // 4294967292
    const source = replay([limit, limit + 1, limit + 2, limit + 3, limit - 1]);
    expect(randomFromUint32(source.next).int(6)).toBe((limit - 1) % 6);
    expect(source.drawn()).toBe(5);
  });

  it('accepts every value when n divides 2^32', () => {
    const source = replay([0xffffffff, 0]);
    expect(randomFromUint32(source.next).int(4)).toBe(3);
    expect(randomFromUint32(source.next).int(2 ** 32)).toBe(0);
    expect(source.drawn()).toBe(2);
  });

  it('gives up on a generator that is always rejected, and refuses out-of-range draws', () => {
    expect(() => randomFromUint32(() => 0xffffffff).int(3)).toThrow('rejected 1000 times');
    expect(() => randomFromUint32(() => 2 ** 32).int(3)).toThrow(RangeError);
    expect(() => randomFromUint32(() => -1).int(3)).toThrow(RangeError);
  });
});
