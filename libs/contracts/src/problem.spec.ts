import { describe, expect, it } from '@jest/globals';
import { isProblem } from './problem.js';

describe('isProblem', () => {
  it('recognises problem bodies and refuses other values', () => {
    expect(isProblem({ type: '/problems/not-found', title: 'Not Found', status: 404, code: 'not_found' })).toBe(true);
    expect(isProblem({ type: '/problems/x', title: 'X', status: '404', code: 'x' })).toBe(false);
    expect(isProblem({ message: 'nope' })).toBe(false);
    expect(isProblem([])).toBe(false);
    expect(isProblem(null)).toBe(false);
  });
});
