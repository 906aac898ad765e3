import { describe, expect, it } from '@jest/globals';
import { describeDifferences } from './plugin-fixtures.js';

describe('describeDifferences', () => {
  it('is empty for equal JSON', () => {
    expect(describeDifferences({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe('');
  });

  it('names each differing path with what was expected and what came out', () => {
    const expected = { name: 'Old', hp: { current: 5, max: 9 }, tags: ['a', 'b'], gone: 1 };
    const actual = { name: 'Old', hp: { current: 5, max: 10 }, tags: ['a'], extra: { x: 1 } };
    expect(describeDifferences(expected, actual)).toBe(
      'hp.max: expected 9, got 10; tags.1: expected "b", missing; gone: expected 1, missing; extra: not expected, got {"x":1}',
    );
  });

  it('shortens long values and lists at most ten differences', () => {
    const expected = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i]));
    const text = describeDifferences(expected, { k0: 'x'.repeat(200) });
    expect(text).toContain(`k0: expected 0, got "${'x'.repeat(79)}…`);
    expect(text.endsWith('; … and 2 more')).toBe(true);
  });
});
