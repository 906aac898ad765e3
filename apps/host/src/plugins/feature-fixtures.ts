import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type AnsweredFixture, checkHistory, type FixtureReport } from './plugin-fixtures.js';
import type { PluginRuntime } from './plugin-runtime.js';
import { checkFeatureResult } from './feature-result.js';

/**
 * A feature plugin's fixture, `fixtures/actions/*.json`: one action call with a fixed context (fixed `entropy`
 * makes rolls deterministic) and what it must return — the state changes (`expectedState`, null = deleted),
 * or the code of a refusal (`expectedError`), and optionally the reply (`expectedReply`).
 */
export interface FeatureActionFixture {
  description?: string;
  action: string;
  input?: unknown;
  context: Record<string, unknown>;
  expectedState?: Record<string, unknown>;
  expectedError?: string;
  expectedReply?: unknown;
}

/** Runs every `<fixtures>/actions/*.json` through the loaded feature plugin in the sandbox. */
export async function runFeatureFixtures(dir: string, runtime: PluginRuntime): Promise<FixtureReport> {
  const folder = join(resolve(dir, runtime.manifest.fixtures ?? 'fixtures'), 'actions');
  const report: FixtureReport = { passed: 0, failed: 0, failures: [] };
  let files: string[];
  try {
    files = (await readdir(folder)).filter((file) => file.endsWith('.json')).sort();
  } catch {
    return report;
  }
  const passed: AnsweredFixture[] = [];
  for (const file of files) {
    let problem: string | undefined;
    let first = '';
    let fixture: FeatureActionFixture | undefined;
    try {
      fixture = JSON.parse(await readFile(join(folder, file), 'utf8')) as FeatureActionFixture;
      ({ problem, answer: first } = await check(fixture, runtime));
    } catch (error) {
      problem = error instanceof SyntaxError ? `not valid JSON: ${error.message}` : (error as Error).message;
    }
    if (problem === undefined && fixture) {
      report.passed++;
      const asked = fixture;
      passed.push({
        fixture: `actions/${file}`,
        first,
        ask: async () => JSON.stringify(await callAction(asked, runtime)),
      });
    } else {
      report.failed++;
      report.failures.push({ fixture: `actions/${file}`, message: problem ?? 'unreadable' });
    }
  }
  // Asked again in other orders: answers must not depend on earlier calls (see plugin-fixtures.ts).
  if (report.failed === 0) {
    for (const failure of await checkHistory(passed)) {
      report.passed--;
      report.failed++;
      report.failures.push(failure);
    }
  }
  return report;
}

function callAction(fixture: FeatureActionFixture, runtime: PluginRuntime): Promise<unknown> {
  return runtime.call(`actions.${fixture.action}`, [fixture.input ?? null, fixture.context]);
}

async function check(
  fixture: FeatureActionFixture,
  runtime: PluginRuntime,
): Promise<{ problem: string | undefined; answer: string }> {
  if (typeof fixture.action !== 'string' || typeof fixture.context !== 'object' || fixture.context === null) {
    return { problem: 'a fixture needs { action, context, expectedState | expectedError }', answer: '' };
  }
  if (!runtime.description.actions.includes(fixture.action))
    return { problem: `the plugin has no action "${fixture.action}"`, answer: '' };
  const raw = await callAction(fixture, runtime);
  const answer = JSON.stringify(raw);
  return { problem: problemOf(fixture, checkFeatureResult(runtime.id, `actions.${fixture.action}`, raw)), answer };
}

function problemOf(fixture: FeatureActionFixture, result: ReturnType<typeof checkFeatureResult>): string | undefined {
  if (fixture.expectedError !== undefined) {
    return result.error?.code === fixture.expectedError
      ? undefined
      : `expected the error "${fixture.expectedError}", got ${describe(result.error ?? result.changes)}`;
  }
  if (result.error) return `expected success, got the error ${describe(result.error)}`;
  const state = Object.fromEntries(result.changes);
  if (fixture.expectedState !== undefined && !isDeepStrictEqual(state, fixture.expectedState)) {
    return `expected the state changes ${describe(fixture.expectedState)}, got ${describe(state)}`;
  }
  if (fixture.expectedReply !== undefined && !isDeepStrictEqual(result.reply, fixture.expectedReply)) {
    return `expected the reply ${describe(fixture.expectedReply)}, got ${describe(result.reply)}`;
  }
  return undefined;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
