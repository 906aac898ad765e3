import { describe, expect, it } from '@jest/globals';
import { isValidStorageKey } from './storage-keys.js';

describe(isValidStorageKey.name, () => {
  it('accepts server-generated portrait keys', () => {
    expect(isValidStorageKey('portraits/0b9c6a43-8a6b-4c2e-9d7e-1f2a3b4c5d6e/AbC_d-123.png')).toBe(true);
  });

  it.each([
    ['parent segments', 'portraits/../secrets.json'],
    ['a dot segment', 'portraits/./x.png'],
    ['an absolute path', '/portraits/x.png'],
    ['a key outside the known prefixes', 'other/x.png'],
    ['the bare prefix', 'portraits/'],
    ['an empty segment', 'portraits//x.png'],
    ['a backslash', 'portraits/a\\..\\x.png'],
    ['a hidden file', 'portraits/.meta/x.png'],
    ['a percent-encoded traversal', 'portraits/%2e%2e/x.png'],
    ['an overlong key', `portraits/${'a'.repeat(600)}.png`],
  ])('rejects %s', (_what, key) => {
    expect(isValidStorageKey(key)).toBe(false);
  });
});
