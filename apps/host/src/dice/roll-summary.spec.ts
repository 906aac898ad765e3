import { describe, expect, it } from '@jest/globals';
import { randomFromUint32, rollNotation, toDiceTerms } from '@cm/dice';
import { decodeCursor, encodeCursor, summarizeRoll } from './roll-summary.js';

const fixed = (values: number[]) => {
  let i = 0;
  return randomFromUint32(() => values[i++ % values.length]);
};

describe('summarizeRoll', () => {
  it('lists dice per term, the net modifier and the group totals', () => {
    const result = rollNotation('Atk:1d20+5-2/4d6kh3', fixed([9, 0, 1, 2, 3]));
    expect(summarizeRoll(result)).toEqual([
      { name: 'Atk', dice: [{ sign: '+', sides: 20, faces: [10] }], modifier: 3, total: 13 },
      { dice: [{ sign: '+', sides: 6, faces: [1, 2, 3, 4], dropped: [0] }], modifier: 0, total: 9 },
    ]);
  });

  it('summarizes TaleSpire results with negative terms', () => {
    const result = toDiceTerms([
      { name: '', result: { operator: '-', operands: [{ kind: 'd20', results: [12] }, { value: 3 }] } },
    ]);
    expect(summarizeRoll(result)).toEqual([{ dice: [{ sign: '+', sides: 20, faces: [12] }], modifier: -3, total: 9 }]);
  });
});

describe('roll cursors', () => {
  it('round-trips and refuses anything else', () => {
    const cursor = { createdAt: '2026-11-22T03:01:36.123456Z', id: '3f1c9f0e-0b6e-4a53-9a51-0d5b8e9f1a2b' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor('not-a-cursor')).toBeUndefined();
    expect(decodeCursor(Buffer.from("2026-11-22T03:01:36.123456Z|x' OR 1=1").toString('base64url'))).toBeUndefined();
  });
});
