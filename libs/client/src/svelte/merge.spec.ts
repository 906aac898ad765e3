import { describe, expect, it } from '@jest/globals';
import { equal, mergeJson } from './merge.js';

describe(mergeJson.name, () => {
  const base = { name: 'Alrik', hp: { current: 30, max: 30 }, notes: 'old', talents: [1, 2] };

  it('takes their change where I changed nothing, and mine where they changed nothing', () => {
    const mine = { ...base, notes: 'my new notes' };
    const theirs = { ...base, hp: { current: 22, max: 30 } };
    expect(mergeJson(base, mine, theirs)).toEqual({ ...base, notes: 'my new notes', hp: { current: 22, max: 30 } });
    expect(mergeJson(base, base, theirs)).toEqual(theirs);
    expect(mergeJson(base, mine, base)).toEqual(mine);
  });

  it('keeps my value where both changed the same field, merging nested objects key by key', () => {
    const mine = { ...base, hp: { current: 25, max: 31 } };
    const theirs = { ...base, hp: { current: 22, max: 30 } };
    expect(mergeJson(base, mine, theirs)).toEqual({ ...base, hp: { current: 25, max: 31 } });
    const mineMax = { ...base, hp: { current: 30, max: 35 } };
    expect(mergeJson(base, mineMax, theirs)).toEqual({ ...base, hp: { current: 22, max: 35 } });
  });

  it('replaces arrays whole, and honours keys added or deleted on either side', () => {
    const mine: Record<string, unknown> = { ...base, talents: [1, 2, 3], extra: true };
    delete mine.notes;
    const theirs = { ...base, talents: [1], added: 'theirs' };
    expect(mergeJson(base, mine as never, theirs)).toEqual({
      name: 'Alrik',
      hp: { current: 30, max: 30 },
      talents: [1, 2, 3],
      extra: true,
      added: 'theirs',
    });
    const theirsDeleted: Record<string, unknown> = { ...base };
    delete theirsDeleted.notes;
    expect(mergeJson(base, { ...base, name: 'Mine' }, theirsDeleted as never)).toEqual({
      name: 'Mine',
      hp: base.hp,
      talents: base.talents,
    });
  });
});

describe(equal.name, () => {
  it('compares JSON structurally, regardless of key order', () => {
    expect(equal({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(equal({ a: 1 }, { a: 1, b: undefined as never })).toBe(false);
    expect(equal([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(equal(null, {})).toBe(false);
  });
});
