import { describe, expect, it } from '@jest/globals';
import { exceedsDepth } from './body-depth.js';

describe(exceedsDepth.name, () => {
  it('measures objects and arrays, and handles hostile depths without recursion', () => {
    expect(exceedsDepth({ a: 1 }, 1)).toBe(false);
    expect(exceedsDepth({ a: { b: 1 } }, 1)).toBe(true);
    expect(exceedsDepth([[1]], 2)).toBe(false);
    expect(exceedsDepth([[[1]]], 2)).toBe(true);
    expect(exceedsDepth('text', 0)).toBe(false);
    const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(exceedsDepth(deep, 64)).toBe(true);
  });
});
