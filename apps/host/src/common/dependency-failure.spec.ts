import { describe, expect, it } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { isDependencyFailure } from './dependency-failure.js';

describe('isDependencyFailure', () => {
  it('recognises connection errors by code, SQLSTATE, message and cause', () => {
    expect(
      isDependencyFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(isDependencyFailure(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isDependencyFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isDependencyFailure(new Error('query failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })),
    ).toBe(true);
  });

  it('recognises an error created in another realm (VM context, worker)', () => {
    const foreign: unknown = runInNewContext(
      'Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })',
    );
    expect(foreign instanceof Error).toBe(false);
    expect(isDependencyFailure(foreign)).toBe(true);
  });

  it('does not treat request errors or non-errors as dependency failures', () => {
    expect(isDependencyFailure(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDependencyFailure(new Error('boom'))).toBe(false);
    expect(isDependencyFailure('ECONNREFUSED')).toBe(false);
    expect(isDependencyFailure(null)).toBe(false);
  });
});
