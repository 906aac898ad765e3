import { readdir, readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { join, resolve } from 'node:path';
import type { FieldError } from '@cm/ruleset-sdk';
import { isJsonObject, type PluginRuntime } from './plugin-runtime.js';

/** One fixture that did not behave as it promised. */
export interface FixtureFailure {
  /** `valid/full.json`, `invalid/negative-hp.json`, `migrations/0.9.0.json`. */
  fixture: string;
  message: string;
}

/** The result of running a plugin's fixtures against it: the measured, not declared, compatibility. */
export interface FixtureReport {
  passed: number;
  failed: number;
  failures: FixtureFailure[];
}

type FixtureKind = 'valid' | 'invalid' | 'migrations';
const KINDS: FixtureKind[] = ['valid', 'invalid', 'migrations'];

/** Runs every fixture under `<dir>/<fixturesFolder>/{valid,invalid,migrations}/*.json` through the loaded plugin. */
export async function runFixtures(dir: string, runtime: PluginRuntime): Promise<FixtureReport> {
  const root = resolve(dir, runtime.manifest.fixtures ?? 'fixtures');
  const report: FixtureReport = { passed: 0, failed: 0, failures: [] };
  for (const kind of KINDS) {
    for (const file of await jsonFiles(join(root, kind))) {
      const fixture = `${kind}/${file}`;
      let problem: string | undefined;
      try {
        const data: unknown = JSON.parse(await readFile(join(root, kind, file), 'utf8'));
        problem = await check(kind, data, runtime);
      } catch (error) {
        problem = error instanceof SyntaxError ? `not valid JSON: ${error.message}` : (error as Error).message;
      }
      if (problem === undefined) report.passed++;
      else {
        report.failed++;
        report.failures.push({ fixture, message: problem });
      }
    }
  }
  return report;
}

async function jsonFiles(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).filter((file) => file.endsWith('.json')).sort();
  } catch {
    return [];
  }
}

/** Checks one fixture; returns what is wrong, or undefined when it passes. */
async function check(kind: FixtureKind, data: unknown, runtime: PluginRuntime): Promise<string | undefined> {
  if (kind === 'valid') {
    const errors = await runtime.validate(data);
    return errors.length === 0 ? undefined : `expected no errors, got ${describe(errors)}`;
  }
  if (!isJsonObject(data)) return 'a fixture must be a JSON object';
  if (kind === 'invalid') {
    if (!Array.isArray(data.errors) || data.errors.length === 0 || !data.errors.every((p) => typeof p === 'string')) {
      return 'an invalid fixture needs { sheet, errors: ["path", ...] } with at least one path';
    }
    const errors = await runtime.validate(data.sheet);
    const missing = data.errors.filter((path) => !errors.some((error) => error.path === path));
    return missing.length === 0 ? undefined : `expected errors at ${missing.join(', ')}; got ${describe(errors)}`;
  }
  if (typeof data.from !== 'string' || !isJsonObject(data.sheet) || !isJsonObject(data.expected)) {
    return 'a migration fixture needs { from: "x.y.z", sheet: {...}, expected: {...} }';
  }
  const migrated = await runtime.migrate(data.sheet, data.from);
  if (!isDeepStrictEqual(migrated, data.expected)) {
    return `migrating from ${data.from} gave ${truncate(JSON.stringify(migrated))}, expected ${truncate(JSON.stringify(data.expected))}`;
  }
  const errors = await runtime.validate(migrated);
  return errors.length === 0 ? undefined : `the migrated sheet is invalid: ${describe(errors)}`;
}

function describe(errors: FieldError[]): string {
  return errors.length === 0 ? 'none' : truncate(errors.map((e) => `${e.path || '(sheet)'}: ${e.message}`).join('; '));
}

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
