// Your own tests, run with `npm test` (node --test; Node 22 runs TypeScript directly). The host also runs
// fixtures/ against the plugin every time it loads it, and `npm run check` does exactly what the host does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRefusal } from '@cm/ruleset-sdk';
import ruleset from '../src/ruleset.ts';

test('the default sheet is valid', () => {
  assert.deepEqual(ruleset.validate(ruleset.defaultSheet()), []);
});

test('a check against a target: faces exclude the bonus, which the ruleset adds itself', () => {
  const sheet = { ...ruleset.defaultSheet(), bonus: 2 };
  const outcome = ruleset.resolveRoll(sheet, 'check', [13], { target: 15 });
  assert.ok(!isRefusal(outcome));
  assert.equal(outcome.result, 'tie');
  assert.equal(outcome.value, 15);
});

test('hp is a resource bounded by max hp', () => {
  const resources = ruleset.getResources(ruleset.defaultSheet());
  assert.ok(!isRefusal(resources));
  assert.deepEqual(
    resources.map((resource) => [resource.id, resource.max]),
    [['hp', 10]],
  );
});
