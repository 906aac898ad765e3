import { describe, expect, it } from '@jest/globals';
import type { FeatureContext, JsonValue } from '@cm/ruleset-sdk';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import feature from '../src/feature.js';

/** A file in `fixtures/actions/`: one action call and the state changes (or the refusal) it must produce. */
interface ActionFixture {
  action: string;
  input: JsonValue;
  context: FeatureContext;
  expectedState?: Record<string, JsonValue | null>;
  expectedError?: string;
}

const folder = fileURLToPath(new URL('../fixtures/actions', import.meta.url));
const fixtures = readdirSync(folder)
  .filter((file) => file.endsWith('.json'))
  .map((file): [string, ActionFixture] => [
    file,
    JSON.parse(readFileSync(`${folder}/${file}`, 'utf8')) as ActionFixture,
  ]);

describe('initiative action fixtures', () => {
  it('has fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
  });

  it.each(fixtures)('%s', (_file, fixture) => {
    const handler = feature.actions[fixture.action];
    expect(handler).toBeDefined();
    const result = handler(fixture.input, fixture.context);
    if (fixture.expectedError) {
      expect(result.error?.code).toBe(fixture.expectedError);
      expect(result.state).toBeUndefined();
    } else {
      expect(result.error).toBeUndefined();
      expect(result.state).toEqual(fixture.expectedState);
    }
  });
});
