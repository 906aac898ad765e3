import { describe, expect, it } from '@jest/globals';
import { checkManifest } from './plugin-manifest.js';

const VALID = {
  id: 'my-rules',
  name: 'My rules',
  version: '1.2.3',
  kind: 'ruleset',
  hostApi: '^1.0.0',
  entry: { server: 'src/ruleset.ts', ui: 'src/ui/index.ts' },
};

describe(checkManifest.name, () => {
  it('accepts a complete manifest', () => {
    expect(
      checkManifest({
        ...VALID,
        schema: 'schema.json',
        fixtures: 'fixtures',
        author: 'A',
        license: 'MIT',
        description: 'd',
      }),
    ).toEqual({
      ok: true,
      manifest: expect.objectContaining({ id: 'my-rules' }),
    });
  });

  it.each([
    [{ ...VALID, id: 'x' }, /"id" must be 2-40 characters/],
    [{ ...VALID, id: '1abc' }, /"id" must be 2-40 characters/],
    [{ ...VALID, version: 'v1' }, /"version" must be a semver version/],
    [{ ...VALID, hostApi: 'not a range' }, /"hostApi" must be a semver range/],
    [{ ...VALID, kind: 'theme' }, /"kind" must be one of ruleset, feature/],
    [
      { ...VALID, entry: { server: '/etc/passwd' } },
      /"entry\.server" must be a relative path inside the plugin folder/,
    ],
    [{ ...VALID, schema: '../other/schema.json' }, /"schema" must be a relative path inside the plugin folder/],
    [{ ...VALID, entry: { server: 'a.ts', worker: 'b.ts' } }, /unknown field "worker" in "entry"/],
    [{ ...VALID, extra: true }, /unknown field "extra"/],
    [{ id: 'abc' }, /missing field "name"/],
  ])('rejects %j', (manifest, message) => {
    const result = checkManifest(manifest);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.errors.join('\n')).toMatch(message);
  });

  it('says which host API a plugin needs and which this host provides', () => {
    const result = checkManifest({ ...VALID, hostApi: '>=1.1.0 <2' }, '1.0.0');
    expect(result).toEqual({
      ok: false,
      manifest: expect.anything(),
      errors: ['incompatible host API: the plugin needs host API >=1.1.0 <2, this host provides 1.0.0'],
    });
    expect(checkManifest({ ...VALID, hostApi: '>=1.1.0 <2' }, '1.4.0').ok).toBe(true);
  });
});
