import { describe, expect, it } from '@jest/globals';
import { findHostileInput, readEnvelope } from './character-file.js';

describe(findHostileInput.name, () => {
  it('accepts ordinary documents', () => {
    expect(findHostileInput({ a: [1, { b: 'c' }], d: null })).toEqual([]);
  });

  it('finds forbidden keys anywhere, with their path', () => {
    expect(findHostileInput(JSON.parse('{"a":[{"__proto__":{}}]}'))).toEqual([
      { path: 'a.0.__proto__', message: 'the key "__proto__" is not allowed' },
    ]);
    expect(findHostileInput({ x: { prototype: 1 } })[0]?.path).toBe('x.prototype');
  });

  it('limits depth and the total number of keys', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 33; i++) deep = [deep];
    expect(findHostileInput(deep)[0]?.message).toMatch(/deeper than 32/);
    let ok: unknown = 1;
    for (let i = 0; i < 32; i++) ok = [ok];
    expect(findHostileInput(ok)).toEqual([]);
    expect(findHostileInput(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])))).toEqual([]);
    expect(
      findHostileInput(Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, i])))[0]?.message,
    ).toMatch(/more than 10000 keys/);
  });
});

describe(readEnvelope.name, () => {
  it('reports every envelope problem at once', () => {
    const { envelope, errors } = readEnvelope({
      cm_version: 3,
      ruleset_id: '',
      name: '',
      sheet_data: 'x',
      ruleset_version: 2,
    });
    expect(envelope).toBeUndefined();
    expect(errors.map((e) => e.path).sort()).toEqual([
      'cm_version',
      'name',
      'ruleset_id',
      'ruleset_version',
      'sheet_data',
    ]);
  });

  it('reads a valid envelope and trims the name', () => {
    expect(readEnvelope({ cm_version: 1, ruleset_id: 'generic', name: '  Ada ', sheet_data: {} }).envelope).toEqual({
      rulesetId: 'generic',
      rulesetVersion: undefined,
      name: 'Ada',
      sheet: {},
    });
  });
});
