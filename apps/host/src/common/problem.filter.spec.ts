import { PROBLEM_CODES } from '@cm/contracts';
import { describe, expect, it } from '@jest/globals';
import { HttpException, NotFoundException } from '@nestjs/common';
import { DomainError, PROBLEM_STATUS } from './domain-error.js';
import { toProblemBody } from './problem.filter.js';

describe('toProblemBody', () => {
  it('gives every problem code an error status', () => {
    for (const code of PROBLEM_CODES) {
      expect(PROBLEM_STATUS[code]).toBeGreaterThanOrEqual(400);
      expect(PROBLEM_STATUS[code]).toBeLessThan(600);
    }
  });

  it('maps a sub-code to its own status and type, with its extension members', () => {
    const body = toProblemBody(new DomainError('stale_version', 'changed', { currentVersion: 4 }));
    expect(body).toEqual({
      type: '/problems/stale-version',
      title: 'Conflict',
      status: 409,
      code: 'stale_version',
      detail: 'changed',
      currentVersion: 4,
    });
    expect(toProblemBody(new DomainError('invite_expired', 'old'))).toMatchObject({ status: 410, title: 'Gone' });
  });

  it('never lets an extension member replace the code', () => {
    const extras = { code: 'teapot' } as unknown as Record<string, never>;
    expect(toProblemBody(new DomainError('forbidden', 'no', extras)).code).toBe('forbidden');
  });

  it.each([
    ['a Nest 404', new NotFoundException('gone'), 404, 'not_found'],
    ['an HTTP status without a code of its own', new HttpException('teapot', 418), 418, 'bad_request'],
    ['an HTTP 5xx', new HttpException('bad gateway', 504), 504, 'internal_error'],
    [
      'a too large body',
      Object.assign(new Error('big'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }),
      413,
      'payload_too_large',
    ],
    [
      'malformed JSON',
      Object.assign(new Error('bad json'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }),
      400,
      'malformed_body',
    ],
    [
      'another Fastify 4xx',
      Object.assign(new Error('?'), { statusCode: 406, code: 'FST_ERR_OTHER' }),
      406,
      'bad_request',
    ],
    [
      'a database outage',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      503,
      'dependency_unavailable',
    ],
    ['anything else', new TypeError('x is undefined'), 500, 'internal_error'],
  ])('answers %s with a code of the enum', (_label, exception, status, code) => {
    const body = toProblemBody(exception);
    expect(body).toMatchObject({ status, code });
    expect(PROBLEM_CODES).toContain(body.code);
  });
});
