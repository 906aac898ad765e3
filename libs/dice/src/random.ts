/** A source of uniform random integers; `int(n)` returns an integer in [0, n). */
export interface RandomSource {
  int(maxExclusive: number): number;
}

const TWO_POW_32 = 2 ** 32;
const MAX_ATTEMPTS = 1000;

/**
 * Builds a RandomSource from a generator of uniform uint32 values, using rejection sampling:
 * values at or above floor(2^32 / n) * n are drawn again, so every result is equally likely (no modulo bias).
 */
export function randomFromUint32(nextUint32: () => number): RandomSource {
  return {
    int(maxExclusive: number): number {
      if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_POW_32) {
        throw new RangeError(`maxExclusive must be an integer between 1 and 2^32, got ${maxExclusive}`);
      }
      const limit = Math.floor(TWO_POW_32 / maxExclusive) * maxExclusive;
      // Each draw is rejected with probability < 1/2, so MAX_ATTEMPTS failures mean a broken generator.
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const value = nextUint32();
        if (!Number.isInteger(value) || value < 0 || value >= TWO_POW_32) {
          throw new RangeError(`the uint32 generator returned ${value}`);
        }
        if (value < limit) return value % maxExclusive;
      }
      throw new Error(`the uint32 generator was rejected ${MAX_ATTEMPTS} times in a row`);
    },
  };
}

/** Draws uint32 values from Web Crypto (`globalThis.crypto.getRandomValues`), buffered. */
function cryptoUint32(): () => number {
  const buffer = new Uint32Array(64);
  let next = buffer.length;
  return () => {
    if (next === buffer.length) {
      const crypto = globalThis.crypto;
      if (!crypto?.getRandomValues) throw new Error('Web Crypto (globalThis.crypto.getRandomValues) is not available');
      crypto.getRandomValues(buffer);
      next = 0;
    }
    return buffer[next++];
  };
}

/** The default RandomSource: cryptographically secure (Web Crypto) and unbiased. Works in Node 20+ and browsers. */
export const cryptoRandom: RandomSource = randomFromUint32(cryptoUint32());
