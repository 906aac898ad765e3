import { describe, expect, it } from '@jest/globals';
import { DiceNotationError } from './errors.js';
import { parseNotation } from './notation.js';
import { type RandomSource } from './random.js';
import { droppedIndices, rollNotation } from './roll.js';

/** A fake RandomSource that answers with the given faces (1-based) in order, checking the range asked for. */
function faces(...values: number[]): RandomSource & { asked: number[] } {
  const asked: number[] = [];
  let index = 0;
  return {
    asked,
    int(maxExclusive: number) {
      asked.push(maxExclusive);
      const face = values[index++];
      if (face === undefined || face < 1 || face > maxExclusive)
        throw new Error(`bad fake face ${face} for d${maxExclusive}`);
      return face - 1;
    },
  };
}

/** A small seeded generator (mulberry32) for repeatable rolls. */
function seeded(seed: number): RandomSource {
  let state = seed >>> 0;
  return {
    int(maxExclusive: number) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) % maxExclusive;
    },
  };
}

describe('rollNotation', () => {
  it('rolls every group with the given source and sums group totals', () => {
    const rng = faces(3, 5, 6, 2, 1, 1, 4, 2, 17);
    const result = rollNotation('Attack:d8+5d6+2d4+2/d20+7', rng);
    expect(rng.asked).toEqual([8, 6, 6, 6, 6, 6, 4, 4, 20]);
    expect(result.notation).toBe('Attack:1d8+5d6+2d4+2/1d20+7');
    expect(result.source).toBe('rng');
    expect(result.groups[0]).toEqual({
      name: 'Attack',
      terms: [
        { kind: 'dice', sign: '+', count: 1, sides: 8, faces: [3], dropped: [], sum: 3 },
        { kind: 'dice', sign: '+', count: 5, sides: 6, faces: [5, 6, 2, 1, 1], dropped: [], sum: 15 },
        { kind: 'dice', sign: '+', count: 2, sides: 4, faces: [4, 2], dropped: [], sum: 6 },
        { kind: 'modifier', sign: '+', value: 2, sum: 2 },
      ],
      total: 3 + 15 + 6 + 2,
    });
    expect(result.groups[1]).toMatchObject({ total: 24 });
    expect(result.groups[1]).not.toHaveProperty('name');
    expect(result.total).toBe(26 + 24);
  });

  it('subtracts negative terms', () => {
    const result = rollNotation('4d6-1d4-2', faces(6, 5, 4, 3, 4));
    expect(result.groups[0].total).toBe(18 - 4 - 2);
    expect(result.total).toBe(12);
  });

  it('keeps the highest dice and reports the dropped ones', () => {
    const result = rollNotation('4d6kh3', faces(2, 6, 1, 5));
    const term = result.groups[0].terms[0];
    expect(term).toMatchObject({ faces: [2, 6, 1, 5], dropped: [2], sum: 13 });
    expect(result.total).toBe(13);
  });

  it('keeps the lowest dice (disadvantage)', () => {
    const result = rollNotation('2d20kl1+3', faces(15, 4));
    expect(result.groups[0].terms[0]).toMatchObject({ faces: [15, 4], dropped: [0], sum: 4 });
    expect(result.total).toBe(7);
  });

  it('is repeatable with a seeded source and in range', () => {
    const a = rollNotation('10d20+1d100', seeded(42));
    const b = rollNotation('10d20+1d100', seeded(42));
    expect(a).toEqual(b);
    const dice = a.groups[0].terms[0];
    expect(dice.kind === 'dice' && dice.faces.every((face) => face >= 1 && face <= 20)).toBe(true);
  });

  it('rolls with the crypto source by default', () => {
    const result = rollNotation('100d6');
    expect(result.total).toBeGreaterThanOrEqual(100);
    expect(result.total).toBeLessThanOrEqual(600);
  });

  it('re-validates a hand-built parsed roll', () => {
    expect(rollNotation(parseNotation('2d6'), faces(1, 2)).total).toBe(3);
    expect(() => rollNotation({ groups: [{ terms: [{ kind: 'dice', sign: '+', count: 10_000, sides: 6 }] }] })).toThrow(
      'too many dice (max 100)',
    );
    expect(() => rollNotation({ groups: [{ terms: [{ kind: 'dice', sign: '+', count: 1, sides: 1 }] }] })).toThrow(
      DiceNotationError,
    );
    expect(() => rollNotation({ groups: null } as never)).toThrow(DiceNotationError);
  });

  it('refuses bad notation before drawing anything', () => {
    const rng = faces();
    expect(() => rollNotation('10000d6', rng)).toThrow('too many dice (max 100)');
    expect(rng.asked).toEqual([]);
  });
});

describe('droppedIndices', () => {
  it('breaks ties by keeping the earlier die', () => {
    expect(droppedIndices([4, 6, 4, 2], { mode: 'highest', n: 2 })).toEqual([2, 3]);
    expect(droppedIndices([4, 1, 4, 1], { mode: 'lowest', n: 3 })).toEqual([2]);
    expect(droppedIndices([3, 3], { mode: 'highest', n: 2 })).toEqual([]);
  });
});
