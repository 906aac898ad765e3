import { describe, expect, it } from '@jest/globals';
import { DomainError } from './domain-error.js';
import { inspectJson, MAX_BODY_DEPTH, parseJsonBody } from './json-body.js';

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe(parseJsonBody.name, () => {
  const parse = (text: string | Buffer, contentType = 'application/json') =>
    parseJsonBody(typeof text === 'string' ? Buffer.from(text) : text, contentType);

  it('accepts a UTF-8 JSON object, with or without a utf-8 charset', () => {
    expect(parse('{"name":"Åsa 🎲"}')).toEqual({ name: 'Åsa 🎲' });
    expect(parse('{"a":1}', 'application/json; charset=UTF-8')).toEqual({ a: 1 });
  });

  it('refuses anything but a JSON object at the top (400 with the root path)', () => {
    for (const text of ['null', '[]', '"x"', '1', 'true']) {
      const error = refusal(() => parse(text));
      expect(error.status).toBe(400);
      expect(error.extras.errors).toEqual([{ path: '', message: 'must be a JSON object' }]);
    }
  });

  it('refuses invalid UTF-8 instead of decoding it to U+FFFD, and empty or broken JSON', () => {
    const invalid = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect(refusal(() => parse(invalid)).extras.errors).toEqual([{ path: '', message: 'must be valid UTF-8' }]);
    expect(refusal(() => parse('')).status).toBe(400);
    expect(refusal(() => parse('{"a":')).extras.errors).toEqual([{ path: '', message: 'must be valid JSON' }]);
  });

  it('refuses other charsets with 415', () => {
    const error = refusal(() => parse('{"a":1}', 'application/json; charset=latin1'));
    expect(error.code).toBe('unsupported_media_type');
    expect(error.status).toBe(415);
  });

  it('reports NUL, lone surrogates and built-in keys with their paths', () => {
    const error = refusal(() => parse('{"name":"a\\u0000b","sheet":{"notes":["ok","\\ud800"]},"constructor":1}'));
    expect(error.status).toBe(400);
    expect(error.extras.errors).toEqual(
      expect.arrayContaining([
        { path: 'name', message: 'must not contain the NUL character (U+0000)' },
        { path: 'sheet.notes.1', message: 'must not contain unpaired UTF-16 surrogates' },
        { path: 'constructor', message: 'property constructor should not exist' },
      ]),
    );
  });
});

describe(inspectJson.name, () => {
  it('accepts ordinary JSON, including paired surrogates (emoji) and keys that merely look special', () => {
    expect(inspectJson({ a: '🎲', list: [1, 2.5, -3e10], nested: { __proto_x: 1, proto: 2 } })).toEqual([]);
  });

  it('refuses every Object.prototype member name and `prototype` as a key, at any depth', () => {
    for (const key of [
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'valueOf',
      'hasOwnProperty',
      '__defineGetter__',
    ]) {
      const value = JSON.parse(`{"sheet":{"deep":{"${key}":1}}}`) as unknown;
      expect(inspectJson(value)).toEqual([{ path: `sheet.deep.${key}`, message: `property ${key} should not exist` }]);
    }
  });

  it('refuses keys with NUL or lone surrogates, and non-finite numbers', () => {
    expect(inspectJson(JSON.parse('{"a\\u0000":1}'))[0].message).toMatch(/property name must not contain the NUL/);
    expect(inspectJson(JSON.parse('{"\\udc00":1}'))[0].message).toMatch(/surrogates/);
    expect(inspectJson(JSON.parse('{"n":1e400}'))).toEqual([{ path: 'n', message: 'must be a finite number' }]);
  });

  it('measures nesting iteratively: 64 levels pass, deeper is refused, 200,000 levels do not overflow', () => {
    const nest = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);
    expect(inspectJson({ a: nest(MAX_BODY_DEPTH - 1) })).toEqual([]);
    expect(inspectJson({ a: nest(MAX_BODY_DEPTH) })[0].message).toBe('must not nest deeper than 64 levels');
    expect(inspectJson(nest(200_000))).toHaveLength(1);
  });

  it('lists at most 20 errors', () => {
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, '\u0000']));
    expect(inspectJson(many)).toHaveLength(20);
  });
});
