import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DomainError } from '../src/common/domain-error.js';
import { RulesetCatalog } from '../src/plugins/ruleset-catalog.js';
import { createTestDatabase } from './support/database.js';
import { createTempPluginsDir, type TempPluginsDir } from './support/plugins.js';
import { startTestHost, type TestHost } from './support/test-host.js';

const SHEET = { name: 'Ada', hp: { current: 7, max: 12 }, skill: 3 };
const file = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  cm_version: 1,
  ruleset_id: 'basic',
  ruleset_version: '1.1.0',
  name: 'Ada Lovelace',
  sheet_data: SHEET,
  ...extra,
});

/** Runs `action` and returns the DomainError it throws (fails the test when it does not throw one). */
async function domainError(action: () => Promise<unknown>): Promise<DomainError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('RulesetCatalog (the plugin host seam for characters, dice and groups)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let plugins: TempPluginsDir;
  let host: TestHost;
  let catalog: RulesetCatalog;

  beforeAll(async () => {
    database = await createTestDatabase();
    plugins = await createTempPluginsDir();
    await plugins.add('basic');
    await plugins.add('counter');
    host = await startTestHost({ DATABASE_URL: database.url, PLUGINS_DIR: plugins.dir, PLUGINS_WATCH: 'false' });
    catalog = host.app.get(RulesetCatalog);
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
    await plugins?.remove();
    await database?.drop();
  }, 30_000);

  it('finds and lists loaded rulesets only (feature plugins are not rulesets)', () => {
    expect(catalog.list()).toEqual([{ id: 'basic', name: 'Basic', version: '1.1.0', description: expect.any(String) }]);
    expect(catalog.find('basic')?.version).toBe('1.1.0');
    expect(catalog.find('counter')).toBeUndefined();
    expect(catalog.find('nope')).toBeUndefined();
  });

  it('reports resources with their bounds', async () => {
    expect(await catalog.resources('basic', SHEET)).toEqual([
      { id: 'hp', label: 'HP', path: ['hp', 'current'], value: 7, min: 0, max: 12 },
    ]);
    expect((await domainError(() => catalog.resources('nope', SHEET))).code).toBe('not_found');
  });

  it('migrates along the chain, refuses newer data and unknown paths', async () => {
    expect(await catalog.migrate('basic', { name: 'Old', hp: 5, maxHp: 9, skill: 2 }, '1.0.0')).toEqual({
      name: 'Old',
      hp: { current: 5, max: 9 },
      skill: 2,
    });
    expect(await catalog.migrate('basic', SHEET, '1.1.0')).toEqual(SHEET);
    // A patch release of the old shape takes the same step.
    expect(await catalog.migrate('basic', { name: 'Old', hp: 5, maxHp: 9, skill: 2 }, '1.0.4')).toEqual({
      name: 'Old',
      hp: { current: 5, max: 9 },
      skill: 2,
    });
    for (const version of ['0.5.0', '2.0.0', 'banana']) {
      const error = await domainError(() => catalog.migrate('basic', SHEET, version));
      expect(error.code).toBe('validation_failed');
    }
  });

  describe('parseCharacterFile', () => {
    it('accepts a valid .cmchar of the installed version', async () => {
      expect(await catalog.parseCharacterFile(file())).toEqual({
        rulesetId: 'basic',
        rulesetVersion: '1.1.0',
        name: 'Ada Lovelace',
        sheet: SHEET,
        warnings: [],
      });
      const unversioned = file();
      delete unversioned.ruleset_version;
      expect((await catalog.parseCharacterFile(unversioned)).sheet).toEqual(SHEET);
    });

    it('migrates a sheet written by an older ruleset version', async () => {
      const parsed = await catalog.parseCharacterFile(
        file({ ruleset_version: '1.0.0', sheet_data: { name: 'Old', hp: 5, maxHp: 9, skill: 2 } }),
      );
      expect(parsed.sheet).toEqual({ name: 'Old', hp: { current: 5, max: 9 }, skill: 2 });
      expect(parsed.rulesetVersion).toBe('1.1.0');
      expect(parsed.warnings).toEqual(['migrated the sheet from basic 1.0.0 to 1.1.0']);
    });

    it.each([
      ['an unknown ruleset', file({ ruleset_id: 'dnd9e' }), 'ruleset_id', /ruleset "dnd9e" is not installed/],
      [
        'a newer ruleset version',
        file({ ruleset_version: '1.2.0' }),
        'ruleset_version',
        /newer than the installed 1\.1\.0/,
      ],
      ['an unknown cm_version', file({ cm_version: 2 }), 'cm_version', /unsupported \.cmchar version 2/],
      ['an empty name', file({ name: ' ' }), 'name', /1 to 100/],
      ['a long name', file({ name: 'x'.repeat(101) }), 'name', /1 to 100/],
      ['a non-object sheet', file({ sheet_data: [1] }), 'sheet_data', /JSON object/],
      ['an invalid sheet (schema)', file({ sheet_data: { ...SHEET, skill: 99 } }), 'sheet_data.skill', /must be <= 20/],
      [
        'an invalid sheet (plugin)',
        file({ sheet_data: { ...SHEET, hp: { current: 13, max: 12 } } }),
        'sheet_data.hp.current',
        /at most hp\.max/,
      ],
    ])('rejects %s with a field error', async (_what, document, path, message) => {
      const error = await domainError(() => catalog.parseCharacterFile(document));
      expect(error.code).toBe('validation_failed');
      expect(error.status).toBe(422);
      expect(error.extras.errors).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));
    });

    it('rejects hostile documents before any plugin sees them', async () => {
      let deep: Record<string, unknown> = { leaf: 1 };
      for (let i = 0; i < 40; i++) deep = { d: deep };
      const nested = await domainError(() => catalog.parseCharacterFile(file({ sheet_data: deep })));
      expect(nested.extras.errors?.[0]?.message).toMatch(/nested deeper than 32 levels/);

      const proto = JSON.parse(
        '{"cm_version":1,"ruleset_id":"basic","name":"A","sheet_data":{"name":"A","__proto__":{"admin":true}}}',
      ) as unknown;
      const polluted = await domainError(() => catalog.parseCharacterFile(proto));
      expect(polluted.extras.errors).toEqual([
        { path: 'sheet_data.__proto__', message: 'the key "__proto__" is not allowed' },
      ]);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();

      const ctor = await domainError(() =>
        catalog.parseCharacterFile(file({ sheet_data: { ...SHEET, list: [{ constructor: { prototype: 1 } }] } })),
      );
      expect(ctor.extras.errors?.[0]?.path).toBe('sheet_data.list.0.constructor');

      const huge = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, i]));
      const big = await domainError(() => catalog.parseCharacterFile(file({ sheet_data: huge })));
      expect(big.extras.errors?.[0]?.message).toMatch(/more than 10000 keys/);
    });
  });

  describe('importForeign', () => {
    it('imports with the first ruleset whose importer accepts the data, then validates', async () => {
      const imported = await catalog.importForeign({ format: 'simple-v1', who: 'Zed', life: 8 });
      expect(imported).toEqual({
        name: 'Zed',
        sheet: { name: 'Zed', hp: { current: 8, max: 8 }, skill: 0 },
        warnings: ['skill set to 0'],
        rulesetId: 'basic',
        rulesetVersion: '1.1.0',
      });
    });

    it('rejects data no importer accepts, imports that produce invalid sheets, and unknown rulesets', async () => {
      expect((await domainError(() => catalog.importForeign({ format: 'other' }))).code).toBe('validation_failed');
      const invalid = await domainError(() => catalog.importForeign({ format: 'simple-v1', who: 'Zed', life: 0 }));
      expect(invalid.extras.errors).toEqual([expect.objectContaining({ path: 'sheet.hp.max' })]);
      expect((await domainError(() => catalog.importForeign({ format: 'simple-v1' }, 'nope'))).code).toBe('not_found');
    });
  });
});
