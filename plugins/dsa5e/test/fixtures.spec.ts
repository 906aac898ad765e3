import { describe, expect, it } from '@jest/globals';
import type { FieldError, Sheet } from '@cm/ruleset-sdk';
import { Ajv } from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ruleset from '../src/ruleset.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(`${root}/plugin.json`, 'utf8')) as { version: string; schema: string };
const schemaCheck = new Ajv({ allErrors: true, strict: true }).compile(
  JSON.parse(readFileSync(`${root}/${manifest.schema}`, 'utf8')),
);
const load = (folder: string): Array<[string, Record<string, unknown>]> =>
  readdirSync(`${root}/fixtures/${folder}`)
    .filter((file) => file.endsWith('.json'))
    .map((file) => [
      file,
      JSON.parse(readFileSync(`${root}/fixtures/${folder}/${file}`, 'utf8')) as Record<string, unknown>,
    ]);

function migrateChain(sheet: Sheet, from: string): Sheet {
  let version = from;
  let current = sheet;
  while (version !== manifest.version) {
    const step = ruleset.migrations?.find((migration) => migration.from === version);
    if (!step) throw new Error(`no migration from ${version}`);
    current = step.migrate(current);
    version = step.to;
  }
  return current;
}

describe('dsa5e fixtures', () => {
  it.each(load('valid'))('accepts the valid sheet %s (schema and ruleset)', (_file, sheet) => {
    expect(schemaCheck(sheet)).toBe(true);
    expect(ruleset.validate(sheet as Sheet)).toEqual([]);
  });

  it.each(load('invalid'))('rejects the invalid sheet %s with the listed paths', (_file, fixture) => {
    const errors = ruleset.validate(fixture.sheet as Sheet).map((error: FieldError) => error.path);
    expect(errors).toEqual(expect.arrayContaining(fixture.errors as string[]));
  });

  it('has no migration steps: 1.1.0 only added the optional `details`, so a 1.0.0 sheet is a 1.1.0 sheet', () => {
    expect(ruleset.migrations).toEqual([]);
    expect(manifest.version).toBe('1.1.0');
    expect(migrateChain({ name: 'x' }, '1.1.0')).toEqual({ name: 'x' });
    const { details: _details, ...older } = load('valid').find(([file]) => file === 'optolith-robak-imported.json')![1];
    expect(schemaCheck(older)).toBe(true);
  });

  it.each(load('valid'))('derives stat blocks, dice actions and resources for %s', (_file, sheet) => {
    expect(ruleset.getStatBlocks(sheet as Sheet).map((block) => block.id)).toEqual([
      'attributes',
      'derived',
      'combat',
      'ap',
    ]);
    expect(ruleset.getDiceActions(sheet as Sheet).length).toBeGreaterThan(8 + 59);
    for (const resource of ruleset.getResources(sheet as Sheet))
      expect(resource.value).toBeLessThanOrEqual(resource.max ?? Infinity);
  });

  const migrations = load('migrations');
  if (migrations.length > 0) {
    it.each(migrations)('migrates %s to the expected sheet, which is valid', (_file, fixture) => {
      const migrated = migrateChain(fixture.sheet as Sheet, fixture.from as string);
      expect(migrated).toEqual(fixture.expected);
      expect(ruleset.validate(migrated)).toEqual([]);
    });
  }

  it('has a valid default sheet', () => {
    expect(ruleset.validate(ruleset.defaultSheet())).toEqual([]);
    expect(schemaCheck(ruleset.defaultSheet())).toBe(true);
  });
});
