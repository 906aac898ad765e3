import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { checkFeatureResult, FEATURE_LIMITS, refusal } from './feature-result.js';

const check = (value: unknown) => checkFeatureResult('demo', 'actions.go', value);

describe(checkFeatureResult.name, () => {
  it('accepts state changes (null deletes) and a reply', () => {
    const result = check({ state: { a: { x: 1 }, b: null }, reply: [1, 2] });
    expect([...result.changes]).toEqual([
      ['a', { x: 1 }],
      ['b', null],
    ]);
    expect(result.reply).toEqual([1, 2]);
    expect(check(undefined)).toEqual({ changes: new Map(), reply: null });
  });

  it('turns a declared refusal into an error and ignores its state', () => {
    const result = check({ error: { code: 'forbidden', message: 'DM only' }, state: { a: 1 } });
    expect(result.error).toEqual({ code: 'forbidden', message: 'DM only' });
    expect(result.changes.size).toBe(0);
    const problem = refusal(result.error!);
    expect(problem.status).toBe(403);
    expect(refusal({ code: 'invalid_input', message: 'x' }).status).toBe(400);
    expect(refusal({ code: 'conflict', message: 'x' }).status).toBe(409);
  });

  it.each([
    ['a string', 'hello'],
    ['an array', []],
    ['an unknown field', { state: {}, total: 3 }],
    ['a state array', { state: [1] }],
    ['a bad key', { state: { '': 1 } }],
    ['a key with a slash', { state: { 'a/b': 1 } }],
    ['a huge value', { state: { a: 'x'.repeat(FEATURE_LIMITS.maxValueChars + 1) } }],
    ['an unknown error code', { error: { code: 'teapot', message: 'x' } }],
    ['an error without message', { error: { code: 'forbidden' } }],
  ])('refuses %s as a plugin failure', (_what, value) => {
    const thrown = (() => {
      try {
        check(value);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).status).toBe(502);
  });
});
