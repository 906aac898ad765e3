import type { RollResultForUi } from '@cm/ruleset-sdk';
import type { RollCreatedPayload } from './realtime-events.js';

export type { RollResultForUi } from '@cm/ruleset-sdk';

/**
 * What a sheet UI's `onRoll` promise resolves with, built from a recorded dice-action roll (the `POST
 * /groups/:id/rolls` answer or its `roll.created` payload); null for a roll the ruleset did not read.
 */
export function rollResultForUi(roll: RollCreatedPayload, actionId: string): RollResultForUi | null {
  if (!roll.outcome) return null;
  return {
    actionId,
    notation: roll.notation,
    faces: roll.groups.flatMap((group) => group.dice.flatMap((dice) => dice.faces)),
    diceTotal: roll.diceTotal,
    value: roll.value,
    outcome: roll.outcome,
    options: roll.options ?? {},
    rollId: roll.id,
  };
}
