import { describe, expect, it } from '@jest/globals';
import { OUTCOME_TONES } from '@cm/ruleset-sdk';
import { ROLL_OUTCOME_RESULTS, ROLL_OUTCOME_TONES, type RollCreatedPayload } from './realtime-events.js';
import { rollResultForUi } from './rolls.js';

const roll: RollCreatedPayload = {
  id: 'r1',
  userId: 'u1',
  characterId: 'c1',
  label: 'Klettern',
  notation: 'Hit:1d20+1d6+2',
  diceTotal: 23,
  value: 23,
  groups: [
    {
      name: 'Hit',
      dice: [
        { sign: '+', sides: 20, faces: [17] },
        { sign: '+', sides: 6, faces: [4] },
      ],
      modifier: 2,
      total: 23,
    },
  ],
  source: 'talespire',
  options: { target: 20 },
  outcome: { result: 'success', tone: 'success', label: 'Hit', value: 23 },
};

describe('rollResultForUi', () => {
  it("gives a sheet UI the faces in dice-string order, both figures, the outcome and the roll's id", () => {
    expect(rollResultForUi(roll, 'custom:strike')).toEqual({
      actionId: 'custom:strike',
      notation: 'Hit:1d20+1d6+2',
      faces: [17, 4],
      diceTotal: 23,
      value: 23,
      outcome: roll.outcome,
      options: { target: 20 },
      rollId: 'r1',
    });
  });

  it('is null for a roll the ruleset did not read, and defaults the options', () => {
    expect(rollResultForUi({ ...roll, outcome: null }, 'x')).toBeNull();
    expect(rollResultForUi({ ...roll, options: undefined }, 'x')?.options).toEqual({});
  });
});

describe('ROLL_OUTCOME_RESULTS and ROLL_OUTCOME_TONES', () => {
  it("list exactly the SDK's outcome results and tones (the API's enums)", () => {
    expect([...ROLL_OUTCOME_RESULTS].sort()).toEqual(Object.keys(OUTCOME_TONES).sort());
    expect([...ROLL_OUTCOME_TONES].sort()).toEqual([...new Set(Object.values(OUTCOME_TONES))].sort());
  });
});
