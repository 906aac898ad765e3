// Your own tests, run with `npm test` (node --test; Node 22 runs TypeScript directly). The host also runs
// fixtures/actions/*.json against the plugin every time it loads it; `npm run check` does what the host does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeatureContext } from '@cm/ruleset-sdk';
import feature from '../src/feature.ts';

const context = (isDm: boolean, state: FeatureContext['state'] = {}): FeatureContext => ({
  groupId: 'group-1',
  userId: 'user-1',
  isDm,
  state,
  characters: [],
  entropy: [],
});

test('any member bumps the counter', () => {
  assert.deepEqual(feature.actions.bump(null, context(false, { count: 2 })), { state: { count: 3 }, reply: 3 });
});

test('only the DM may reset it', () => {
  assert.equal(feature.actions.reset(null, context(false)).error?.code, 'forbidden');
  assert.deepEqual(feature.actions.reset(null, context(true)).state, { count: null });
});
