import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { FixtureReport } from './plugin-fixtures.js';
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
  for (const file of files) {
    let problem: string | undefined;
    try {
      problem = await check(JSON.parse(await readFile(join(folder, file), 'utf8')) as FeatureActionFixture, runtime);
    } catch (error) {
      problem = error instanceof SyntaxError ? `not valid JSON: ${error.message}` : (error as Error).message;
    }
    if (problem === undefined) report.passed++;
    else {
      report.failed++;
      report.failures.push({ fixture: `actions/${file}`, message: problem });
    }
  }
  return report;
}

async function check(fixture: FeatureActionFixture, runtime: PluginRuntime): Promise<string | undefined> {
  if (typeof fixture.action !== 'string' || typeof fixture.context !== 'object' || fixture.context === null) {
    return 'a fixture needs { action, context, expectedState | expectedError }';
  }
  if (!runtime.description.actions.includes(fixture.action)) return `the plugin has no action "${fixture.action}"`;
  const method = `actions.${fixture.action}`;
  const result = checkFeatureResult(
    runtime.id,
    method,
    await runtime.call(method, [fixture.input ?? null, fixture.context]),
  );
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
