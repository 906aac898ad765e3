import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FieldError } from '@cm/ruleset-sdk';
import diff from 'microdiff';
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

/** A fixture that passed, with the plugin's first answer (JSON) and how to ask again. */
export interface AnsweredFixture {
  fixture: string;
  first: string;
  ask(): Promise<string>;
}

/**
 * Runs every fixture under `<dir>/<fixturesFolder>/{valid,invalid,migrations}/*.json` through the loaded plugin,
 * then runs them all again in other orders (see checkHistory): a plugin whose answers depend on earlier calls
 * fails.
 */
export async function runFixtures(dir: string, runtime: PluginRuntime): Promise<FixtureReport> {
  const root = resolve(dir, runtime.manifest.fixtures ?? 'fixtures');
  const report: FixtureReport = { passed: 0, failed: 0, failures: [] };
  const passed: AnsweredFixture[] = [];
  for (const kind of KINDS) {
    for (const file of await jsonFiles(join(root, kind))) {
      const fixture = `${kind}/${file}`;
      let problem: string | undefined;
      let data: unknown;
      let first = '';
      try {
        data = JSON.parse(await readFile(join(root, kind, file), 'utf8'));
        ({ problem, answer: first } = await check(kind, data, runtime));
      } catch (error) {
        problem = error instanceof SyntaxError ? `not valid JSON: ${error.message}` : (error as Error).message;
      }
      if (problem === undefined) {
        report.passed++;
        const asked = data;
        passed.push({ fixture, first, ask: () => answer(kind, asked, runtime) });
      } else {
        report.failed++;
        report.failures.push({ fixture, message: problem });
      }
    }
  }
  if (report.failed === 0) {
    for (const failure of await checkHistory(passed)) {
      report.passed--;
      report.failed++;
      report.failures.push(failure);
    }
  }
  return report;
}

/**
 * Calls share a plugin's module state, and one plugin serves every user: an answer that depends on earlier calls
 * can carry one user's sheet into another's response. So every fixture is asked again in the original order,
 * reversed and shuffled (a fixed seed: the same plugin always gets the same verdict); each fixture must give
 * the same answer every time.
 */
export async function checkHistory(fixtures: AnsweredFixture[]): Promise<FixtureFailure[]> {
  if (fixtures.length === 0) return [];
  const failures = new Map<string, FixtureFailure>();
  const orders = [fixtures, [...fixtures].reverse(), shuffled(fixtures, fixtures.length)];
  for (const order of orders) {
    for (const fixture of order) {
      let got: string;
      try {
        got = await fixture.ask();
      } catch (error) {
        got = `failed: ${(error as Error).message}`;
      }
      const before = fixture.first;
      if (before !== got && !failures.has(fixture.fixture)) {
        failures.set(fixture.fixture, {
          fixture: fixture.fixture,
          message:
            `answers depend on earlier calls (state kept between calls can leak one user's data to another): ` +
            `first ${truncate(before, 120)}, after other fixtures ${truncate(got, 120)}`,
        });
      }
    }
  }
  return [...failures.values()];
}

async function answer(kind: FixtureKind, data: unknown, runtime: PluginRuntime): Promise<string> {
  if (kind === 'valid') return JSON.stringify(await runtime.validate(data));
  const record = data as Record<string, unknown>;
  if (kind === 'invalid') return JSON.stringify(await runtime.validate(record.sheet));
  return JSON.stringify(await runtime.migrate(record.sheet as Record<string, never>, record.from as string));
}

/** A deterministic shuffle (mulberry32 seeded with `seed`). */
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

async function jsonFiles(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).filter((file) => file.endsWith('.json')).sort();
  } catch {
    return [];
  }
}

/** Checks one fixture; returns what is wrong (undefined when it passes) and the plugin's answer as JSON. */
async function check(
  kind: FixtureKind,
  data: unknown,
  runtime: PluginRuntime,
): Promise<{ problem: string | undefined; answer: string }> {
  if (kind === 'valid') {
    const errors = await runtime.validate(data);
    const problem = errors.length === 0 ? undefined : `expected no errors, got ${describe(errors)}`;
    return { problem, answer: JSON.stringify(errors) };
  }
  if (!isJsonObject(data)) return { problem: 'a fixture must be a JSON object', answer: '' };
  if (kind === 'invalid') return checkInvalid(data, runtime);
  if (typeof data.from !== 'string' || !isJsonObject(data.sheet) || !isJsonObject(data.expected)) {
    return { problem: 'a migration fixture needs { from: "x.y.z", sheet: {...}, expected: {...} }', answer: '' };
  }
  const migrated = await runtime.migrate(data.sheet, data.from);
  const answer = JSON.stringify(migrated);
  const differences = describeDifferences(data.expected, migrated);
  if (differences) return { problem: `migrating from ${data.from} did not give "expected": ${differences}`, answer };
  const errors = await runtime.validate(migrated);
  return { problem: errors.length === 0 ? undefined : `the migrated sheet is invalid: ${describe(errors)}`, answer };
}

/** One expected error of an invalid fixture: a path, optionally with a part of its message. */
interface ExpectedError {
  path: string;
  message?: string;
}

/**
 * `{ sheet, errors }`: every expected error must be reported: its path exactly (`hp.max`, not `hp`; `""` for the
 * sheet itself) and, when given as `{ path, message }`, a message containing that text. Other errors may be reported too.
 */
async function checkInvalid(
  data: Record<string, unknown>,
  runtime: PluginRuntime,
): Promise<{ problem: string | undefined; answer: string }> {
  const expected = Array.isArray(data.errors) ? data.errors.map(readExpected) : [];
  if (expected.length === 0 || expected.some((entry) => entry === undefined)) {
    return {
      problem:
        'an invalid fixture needs { sheet, errors: ["path" or { "path", "message" }, ...] } with at least one entry',
      answer: '',
    };
  }
  const errors = await runtime.validate(data.sheet);
  return { problem: invalidProblem(expected as ExpectedError[], errors), answer: JSON.stringify(errors) };
}

function invalidProblem(expected: ExpectedError[], errors: FieldError[]): string | undefined {
  const missing = expected.filter(
    (want) =>
      !errors.some(
        (got) => got.path === want.path && (want.message === undefined || got.message.includes(want.message)),
      ),
  );
  if (missing.length === 0) return undefined;
  const wanted = missing.map((want) =>
    want.message === undefined ? show(want.path) : `${show(want.path)} ("${want.message}")`,
  );
  const related = (a: string, b: string): boolean =>
    a !== b && (a.startsWith(b ? `${b}.` : '') || b.startsWith(`${a}.`));
  const near = missing.flatMap((want) =>
    errors
      .filter((got) => related(got.path, want.path))
      .slice(0, 1)
      .map((got) => `${show(got.path)} is reported, not ${show(want.path)}`),
  );
  const hint = near.length > 0 ? ` (paths match exactly: ${near.join('; ')})` : '';
  return `expected errors at ${wanted.join(', ')}; got ${describe(errors)}${hint}`;
}

function readExpected(entry: unknown): ExpectedError | undefined {
  if (typeof entry === 'string') return { path: entry };
  if (!isJsonObject(entry) || typeof entry.path !== 'string') return undefined;
  if (entry.message !== undefined && typeof entry.message !== 'string') return undefined;
  return entry.message === undefined ? { path: entry.path } : { path: entry.path, message: entry.message };
}

const MAX_DIFFERENCES = 10;

/** The differences between what a fixture expects and what the plugin produced, one per path; '' when equal. */
export function describeDifferences(expected: Record<string, unknown>, actual: Record<string, unknown>): string {
  const differences = diff(expected, actual);
  if (differences.length === 0) return '';
  const lines = differences.slice(0, MAX_DIFFERENCES).map((difference) => {
    const path = show(difference.path.join('.'));
    if (difference.type === 'CREATE') return `${path}: not expected, got ${value(difference.value)}`;
    if (difference.type === 'REMOVE') return `${path}: expected ${value(difference.oldValue)}, missing`;
    return `${path}: expected ${value(difference.oldValue)}, got ${value(difference.value)}`;
  });
  const more = differences.length > MAX_DIFFERENCES ? `; … and ${differences.length - MAX_DIFFERENCES} more` : '';
  return `${lines.join('; ')}${more}`;
}

function value(json: unknown): string {
  return truncate(JSON.stringify(json) ?? 'undefined', 80);
}

function show(path: string): string {
  return path === '' ? '(sheet)' : path;
}

function describe(errors: FieldError[]): string {
  return errors.length === 0 ? 'none' : truncate(errors.map((e) => `${show(e.path)}: ${e.message}`).join('; '));
}

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
