import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { ajvToFieldErrors, migrationPlan, pluginFailure } from './plugin-runtime.js';

const STEPS = [
  { from: '1.0.0', to: '1.1.0' },
  { from: '1.1.0', to: '2.0.0' },
];

describe(migrationPlan.name, () => {
  it('chains every step newer than the sheet, up to the installed version', () => {
    expect(migrationPlan('p', STEPS, '1.0.0', '2.0.0')).toEqual([0, 1]);
    expect(migrationPlan('p', STEPS, '1.0.5', '2.0.0')).toEqual([0, 1]);
    expect(migrationPlan('p', STEPS, '1.1.0', '2.0.0')).toEqual([1]);
    expect(migrationPlan('p', STEPS, '1.5.0', '2.0.1')).toEqual([1]);
    expect(migrationPlan('p', STEPS, '2.0.0', '2.0.0')).toEqual([]);
    expect(migrationPlan('p', [], '0.9.0', '1.0.0')).toEqual([]);
  });

  it('orders steps by version even when declared out of order', () => {
    expect(migrationPlan('p', [STEPS[1], STEPS[0]], '1.0.0', '2.0.0')).toEqual([1, 0]);
  });

  it.each([
    ['3.0.0', /newer than the installed 2\.0\.0/],
    ['0.9.0', /no migration path from 0\.9\.0 to 2\.0\.0/],
    ['latest', /not a semver version/],
  ])('refuses %s', (from, message) => {
    let error: unknown;
    try {
      migrationPlan('p', STEPS, from, '2.0.0');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('validation_failed');
    expect((error as DomainError).message).toMatch(message);
  });
});

describe(ajvToFieldErrors.name, () => {
  it('turns instance paths into dotted field paths', () => {
    expect(
      ajvToFieldErrors([
        { instancePath: '/talents/0/fw', keyword: 'minimum', params: {}, message: 'must be >= 0', schemaPath: '' },
        {
          instancePath: '/hp',
          keyword: 'required',
          params: { missingProperty: 'max' },
          message: "must have required property 'max'",
          schemaPath: '',
        },
        {
          instancePath: '',
          keyword: 'additionalProperties',
          params: { additionalProperty: 'x' },
          message: '',
          schemaPath: '',
        },
        { instancePath: '/a~1b', keyword: 'type', params: {}, message: 'must be string', schemaPath: '' },
      ]),
    ).toEqual([
      { path: 'talents.0.fw', message: 'must be >= 0' },
      { path: 'hp.max', message: 'is required' },
      { path: 'x', message: 'is not an allowed field' },
      { path: 'a/b', message: 'must be string' },
    ]);
  });
});

describe(pluginFailure.name, () => {
  it('names the plugin and the failure, keeping only the first line of the message', () => {
    const error = pluginFailure(
      'dsa5e',
      Object.assign(new Error('boom\n    at secret (/host/file.js:1:1)'), { failure: 'threw' }),
    );
    expect(error.code).toBe('plugin_failed');
    expect(error.status).toBe(502);
    expect(error.message).toBe('Plugin "dsa5e" failed: threw: boom');
  });
});
