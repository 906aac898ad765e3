import { describe, expect, it } from '@jest/globals';
import { refusal } from '@cm/ruleset-sdk';
import { DomainError } from '../common/domain-error.js';
import { readOutcome, readResources, refusalFrom, storedOutcome } from './ruleset-results.js';

function thrown(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('readOutcome', () => {
  it('adds the tone and reads the host API 1.0 `total` as `value`', () => {
    expect(readOutcome('p', { result: 'success', label: 'QS 2', total: -7, details: { qs: 2 } })).toEqual({
      result: 'success',
      tone: 'success',
      label: 'QS 2',
      value: -7,
      details: { qs: 2 },
    });
    expect(readOutcome('p', { result: 'partial', label: '7–9', value: 8, total: 99 })).toMatchObject({
      tone: 'mixed',
      value: 8,
    });
    expect(readOutcome('p', { result: 'tie', label: 'Tie' }).tone).toBe('neutral');
  });

  it('keeps a detail line and a ladder with its rungs, and drops unknown fields', () => {
    const ladder = { rung: 3, name: 'Good', rungs: [-1, 0, 1, 2, 3].map((rung) => ({ rung, name: `r${rung}` })) };
    expect(readOutcome('p', { result: 'neutral', label: 'Good (+3)', detail: '+ + 0 −', ladder, extra: 1 })).toEqual({
      result: 'neutral',
      tone: 'neutral',
      label: 'Good (+3)',
      detail: '+ + 0 −',
      ladder,
    });
  });

  it('shortens an overlong label and detail', () => {
    const outcome = readOutcome('p', { result: 'neutral', label: 'x'.repeat(500), detail: 'y'.repeat(500) });
    expect([outcome.label.length, outcome.detail?.length]).toEqual([200, 300]);
  });

  it.each([
    ['a list', []],
    ['an unknown result', { result: 'win', label: 'Win' }],
    ['an empty label', { result: 'success', label: ' ' }],
    ['a non-numeric value', { result: 'success', label: 'Hit', value: '5' }],
    ['an infinite value', { result: 'success', label: 'Hit', value: Infinity }],
    ['a bad ladder', { result: 'neutral', label: 'L', ladder: { rung: 1.5, name: 'x' } }],
    [
      'too many rungs',
      { result: 'neutral', label: 'L', ladder: { rung: 1, name: 'x', rungs: Array(21).fill({ rung: 1, name: 'x' }) } },
    ],
    ['nested details', { result: 'neutral', label: 'L', details: { a: { b: 1 } } }],
  ])('is a plugin failure (bad_result) for %s', (_, raw) => {
    const error = thrown(() => readOutcome('pool', raw));
    expect(error.code).toBe('plugin_failed');
    expect(error.extras).toMatchObject({ pluginId: 'pool', failure: 'bad_result' });
    expect(error.message).toMatch(/^Plugin "pool" failed: bad_result: resolveRoll must return a roll outcome: /);
  });
});

describe('storedOutcome', () => {
  it('normalises stored host API 1.0 outcomes and ignores what it cannot read', () => {
    expect(storedOutcome({ result: 'botch', label: 'Patzer', total: -4 })).toEqual({
      result: 'botch',
      tone: 'botch',
      label: 'Patzer',
      value: -4,
    });
    expect(storedOutcome(null)).toBeNull();
    expect(storedOutcome({ result: 'odd' })).toBeNull();
  });
});

describe('refusalFrom', () => {
  it('turns a refusal from a refusable method into a 422 ruleset_refused with the ruleset code', () => {
    const error = refusalFrom('pool', 'resolveRoll', refusal('needs_target', 'Set a target number', 'target'))!;
    expect(error.status).toBe(422);
    expect(error.code).toBe('ruleset_refused');
    expect(error.message).toBe('Set a target number');
    expect(error.extras).toEqual({
      rulesetCode: 'needs_target',
      pluginId: 'pool',
      errors: [{ path: 'target', message: 'Set a target number' }],
    });
    expect(refusalFrom('pool', 'importers.0.import', refusal('old_format', 'Too old'))?.code).toBe('ruleset_refused');
  });

  it('ignores normal values and methods that may not refuse', () => {
    expect(refusalFrom('pool', 'resolveRoll', { result: 'success', label: 'ok' })).toBeUndefined();
    expect(refusalFrom('pool', 'defaultSheet', refusal('x', 'y'))).toBeUndefined();
    expect(refusalFrom('pool', 'validate', refusal('x', 'y'))).toBeUndefined();
  });

  it('is a plugin failure for a malformed refusal', () => {
    expect(thrown(() => refusalFrom('pool', 'resolveRoll', refusal('Bad Code', 'm'))).code).toBe('plugin_failed');
    expect(thrown(() => refusalFrom('pool', 'resolveRoll', refusal('ok', ''))).code).toBe('plugin_failed');
  });
});

describe('readResources', () => {
  it('accepts bars, tracks of boxes and counters without a maximum', () => {
    const resources = [
      { id: 'hp', label: 'HP', path: ['hp'], value: 5, min: 0, max: 10 },
      { id: 'stress', label: 'Stress', path: ['stress'], value: 1, min: 0, max: 3, display: 'track' },
      { id: 'xp', path: ['xp'], value: 120, min: 0, max: null },
    ];
    expect(readResources('p', resources)).toEqual([
      resources[0],
      resources[1],
      { id: 'xp', label: 'xp', path: ['xp'], value: 120, min: 0, max: null },
    ]);
  });

  it.each([
    ['a missing max', { id: 'hp', path: ['hp'], value: 1, min: 0 }],
    ['max below min', { id: 'hp', path: ['hp'], value: 1, min: 5, max: 1 }],
    ['an empty path', { id: 'hp', path: [], value: 1, min: 0, max: 1 }],
    ['a text value', { id: 'hp', path: ['hp'], value: '1', min: 0, max: 1 }],
    ['a track without max', { id: 's', path: ['s'], value: 0, min: 0, max: null, display: 'track' }],
    ['a track of 101 boxes', { id: 's', path: ['s'], value: 0, min: 0, max: 101, display: 'track' }],
    ['a track starting at 1', { id: 's', path: ['s'], value: 1, min: 1, max: 3, display: 'track' }],
    ['an unknown display', { id: 's', path: ['s'], value: 1, min: 0, max: 3, display: 'dial' }],
  ])('is a plugin failure for %s', (_, resource) => {
    expect(thrown(() => readResources('p', [resource])).message).toMatch(/bad_result: getResources must return/);
  });
});
