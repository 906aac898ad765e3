import { describe, expect, it } from '@jest/globals';
import { cryptoRandom, randomFromUint32 } from './random.js';

/** Pearson's chi-square statistic of observed counts against a uniform expectation. */
function chiSquare(counts: readonly number[], draws: number): number {
  const expected = draws / counts.length;
  return counts.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
}

function histogram(sides: number, draws: number): number[] {
  const counts = new Array<number>(sides).fill(0);
  for (let i = 0; i < draws; i++) counts[cryptoRandom.int(sides)]++;
  return counts;
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

describe('cryptoRandom', () => {
  it('is uniform on a d6 (chi-square, 60,000 rolls, p = 0.001 critical value 20.515 for df = 5)', () => {
    const counts = histogram(6, 60_000);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(60_000);
    expect(chiSquare(counts, 60_000)).toBeLessThan(20.515);
  });

  it('is uniform on a d20 (chi-square, 60,000 rolls, p = 0.001 critical value 43.820 for df = 19)', () => {
    const counts = histogram(20, 60_000);
    expect(counts.every((count) => count > 0)).toBe(true);
    expect(chiSquare(counts, 60_000)).toBeLessThan(43.82);
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
