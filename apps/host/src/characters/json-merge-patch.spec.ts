import { describe, expect, it } from '@jest/globals';
import { applyMergePatch } from './json-merge-patch.js';

describe(applyMergePatch.name, () => {
  it('follows the examples of RFC 7396 appendix A', () => {
    const cases: Array<[unknown, unknown, unknown]> = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [
        ['a', 'b'],
        ['c', 'd'],
        ['c', 'd'],
      ],
      [{ a: 'b' }, ['c'], ['c']],
      [{ a: 'foo' }, null, null],
      [{ a: 'foo' }, 'bar', 'bar'],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: 'b', c: null }, { a: 'b' }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, patch, expected] of cases) {
      expect(applyMergePatch(target as never, patch as never)).toEqual(expected);
    }
  });

  it('does not modify its arguments', () => {
    const target = { hp: { current: 5, max: 10 } };
    const patch = { hp: { current: 7 } };
    const result = applyMergePatch(target, patch);
    expect(result).toEqual({ hp: { current: 7, max: 10 } });
    expect(target).toEqual({ hp: { current: 5, max: 10 } });
    expect(patch).toEqual({ hp: { current: 7 } });
  });

  it('keeps a __proto__ key as plain data without touching any prototype', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}}');
    const result = applyMergePatch({}, patch) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
  });
});
