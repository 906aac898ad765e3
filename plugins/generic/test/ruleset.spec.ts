import { describe, expect, it } from '@jest/globals';
import type { Sheet } from '@cm/ruleset-sdk';
import ruleset, { isValidDiceString, sumRoll } from '../src/ruleset.js';

const sheet: Sheet = {
  name: 'Aria',
  hp: { current: 20, max: 30 },
  fields: [{ key: 'Class', value: 'Ranger' }],
  notes: '',
  initiativeBonus: -2,
  dice: [{ id: 'bow', label: 'Longbow', diceString: 'Attack:1d20+7/Damage:1d8-1' }],
};

describe('generic ruleset', () => {
  it('offers initiative with the bonus and the custom actions', () => {
    expect(ruleset.getDiceActions(sheet)).toEqual([
      { id: 'initiative', label: 'Initiative', diceString: '1d20-2', category: 'initiative' },
      { id: 'custom:bow', label: 'Longbow', diceString: 'Attack:1d20+7/Damage:1d8-1', category: 'custom' },
    ]);
    expect(ruleset.getDiceActions({ ...sheet, initiativeBonus: 4 })[0].diceString).toBe('1d20+4');
  });

  it('resolves rolls as neutral totals of faces and modifiers', () => {
    expect(ruleset.resolveRoll(sheet, 'initiative', [15])).toEqual({
      result: 'neutral',
      label: 'Initiative: 13',
      value: 13,
    });
    expect(ruleset.resolveRoll(sheet, 'custom:bow', [12, 5], { modifier: 1 })).toEqual({
      result: 'neutral',
      label: 'Longbow: 24',
      value: 24,
      details: { groups: '19/4' },
    });
  });

  it('checks the first group (plus modifier) against a target: meet or beat it', () => {
    expect(ruleset.resolveRoll(sheet, 'custom:bow', [12, 5], { target: 19 })).toEqual({
      result: 'success',
      label: 'Longbow: success',
      detail: '19 ≥ target 19',
      value: 23,
      details: { groups: '19/4' },
    });
    expect(ruleset.resolveRoll(sheet, 'custom:bow', [12, 5], { target: 19, modifier: -1 })).toMatchObject({
      result: 'failure',
      detail: '18 < target 19',
    });
    expect(ruleset.resolveRoll(sheet, 'initiative', [15], { target: 10 })).toMatchObject({
      result: 'success',
      value: 13,
    });
  });

  it('subtracts negative dice terms', () => {
    expect(sumRoll('1d20-1d4+2', [10, 3]).total).toBe(9);
  });

  it('throws on unknown actions and on faces that do not fit the dice string', () => {
    expect(() => ruleset.resolveRoll(sheet, 'nope', [1])).toThrow('Unknown dice action "nope"');
    expect(() => ruleset.resolveRoll(sheet, 'initiative', [21])).toThrow('faces do not fit');
    expect(() => ruleset.resolveRoll(sheet, 'initiative', [1, 2])).toThrow('expected 1');
    expect(() => ruleset.resolveRoll(sheet, 'custom:bow', [12])).toThrow('faces do not fit');
  });

  it('exposes HP as a resource bounded by max HP', () => {
    expect(ruleset.getResources(sheet)).toEqual([
      { id: 'hp', label: 'HP', path: ['hp', 'current'], value: 20, min: 0, max: 30 },
    ]);
  });

  it('reads the name', () => {
    expect(ruleset.getName?.(sheet)).toBe('Aria');
  });

  it('accepts TaleSpire roll strings and refuses others', () => {
    for (const ok of ['1d20', '2d6+3', '1d20+5/1d8', 'Hit:1d20-1', '1d100', '3d20'])
      expect(isValidDiceString(ok)).toBe(true);
    for (const bad of ['', 'd', '1d7', '2d6++1', '4d6kh3', '5', '1d20/']) expect(isValidDiceString(bad)).toBe(false);
  });

  it('reports hp.current above hp.max and unknown shapes without throwing', () => {
    expect(ruleset.validate({ ...sheet, hp: { current: 31, max: 30 } }).map((e) => e.path)).toEqual(['hp.current']);
    expect(ruleset.validate({}).map((e) => e.path)).toEqual(['name', 'hp', 'fields', 'notes']);
  });

  it('migrates 0.9.0 sheets without maxHp', () => {
    const step = ruleset.migrations![0];
    expect(step.migrate({ name: 'X', hp: 5 })).toEqual({
      name: 'X',
      hp: { current: 5, max: 5 },
      fields: [],
      notes: '',
    });
  });
});
