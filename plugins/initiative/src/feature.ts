import { rollNotation, type RollResult } from '@cm/dice';
import {
  createRandom,
  defineFeature,
  refuse,
  type FeatureContext,
  type FeatureGroupEvent,
  type FeatureResult,
  type JsonValue,
} from '@cm/ruleset-sdk';
import {
  compareCombatants,
  emptyEncounter,
  ENCOUNTER_KEY,
  insertCombatant,
  MAX_COMBATANTS,
  readEncounter,
  removeCombatants,
  toJson,
  withLog,
  type Combatant,
  type Encounter,
} from './encounter.js';

const MAX_NAME = 64;
const MAX_INITIATIVE = 1000;

/** The result that stores `encounter` and replies with it. */
function save(encounter: Encounter): FeatureResult {
  const json = toJson(encounter);
  return { state: { [ENCOUNTER_KEY]: json }, reply: json };
}

function onlyDm(context: FeatureContext, what: string): FeatureResult | undefined {
  return context.isDm ? undefined : refuse('forbidden', `Only the DM may ${what}`);
}

function isRecord(value: JsonValue): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The dice part of a roll: every kept face with its term's sign. */
function diceSum(result: RollResult): number {
  let sum = 0;
  for (const group of result.groups) {
    for (const term of group.terms) if (term.kind === 'dice') sum += term.sign === '-' ? -term.sum : term.sum;
  }
  return sum;
}

/** Rolls initiative for every assigned character that has an initiative action; free combatants are kept. */
function start(_input: JsonValue, context: FeatureContext): FeatureResult {
  const refused = onlyDm(context, 'start an encounter');
  if (refused) return refused;
  const previous = readEncounter(context.state) ?? emptyEncounter();
  const random = createRandom(context.entropy);
  const rolled: Combatant[] = [];
  const skipped: string[] = [];
  for (const character of context.characters) {
    if (!character.initiative) {
      skipped.push(character.name);
      continue;
    }
    let result: RollResult;
    try {
      result = rollNotation(character.initiative.diceString, random);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('Out of entropy')) throw error;
      skipped.push(character.name);
      continue;
    }
    rolled.push({
      id: `c:${character.id}`,
      characterId: character.id,
      name: character.name,
      initiative: result.total,
      roll: diceSum(result),
    });
  }
  const free = previous.combatants.filter((combatant) => combatant.characterId === undefined);
  const combatants = [...rolled, ...free].sort(compareCombatants).slice(0, MAX_COMBATANTS);
  let encounter: Encounter = { ...previous, active: true, round: 1, turn: 0, combatants };
  encounter = withLog(
    encounter,
    `Round 1: ${combatants.map((c) => `${c.name} ${c.initiative}`).join(', ') || 'no combatants'}`,
  );
  if (skipped.length > 0) encounter = withLog(encounter, `No initiative action: ${skipped.join(', ')}`);
  return save(encounter);
}

/** Moves the turn by `step` (±1), wrapping into the next or previous round. */
function advance(step: 1 | -1, context: FeatureContext): FeatureResult {
  const refused = onlyDm(context, step === 1 ? 'advance the turn' : 'go back a turn');
  if (refused) return refused;
  const encounter = readEncounter(context.state);
  if (!encounter?.active) return refuse('conflict', 'No encounter is running: start one first');
  const count = encounter.combatants.length;
  if (count === 0) return refuse('conflict', 'The encounter has no combatants');
  let { turn, round } = encounter;
  turn += step;
  if (turn >= count) {
    turn = 0;
    round += 1;
  } else if (turn < 0) {
    if (round <= 1) return refuse('conflict', 'Already at the first turn of round 1');
    turn = count - 1;
    round -= 1;
  }
  const next = { ...encounter, turn, round };
  return save(turn === 0 && step === 1 ? withLog(next, `Round ${round}`) : next);
}

/** Adds a free combatant `{ name, initiative }` (a monster, an NPC); works before and during an encounter. */
function add(input: JsonValue, context: FeatureContext): FeatureResult {
  const refused = onlyDm(context, 'add combatants');
  if (refused) return refused;
  if (!isRecord(input)) return refuse('invalid_input', 'Expected { name, initiative }');
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name.length === 0 || name.length > MAX_NAME)
    return refuse('invalid_input', `name must be 1 to ${MAX_NAME} characters`);
  const initiative = input.initiative;
  if (typeof initiative !== 'number' || !Number.isInteger(initiative) || Math.abs(initiative) > MAX_INITIATIVE) {
    return refuse('invalid_input', `initiative must be an integer from -${MAX_INITIATIVE} to ${MAX_INITIATIVE}`);
  }
  const encounter = readEncounter(context.state) ?? emptyEncounter();
  if (encounter.combatants.length >= MAX_COMBATANTS)
    return refuse('conflict', `An encounter holds at most ${MAX_COMBATANTS} combatants`);
  const combatant: Combatant = { id: `m${encounter.nextId}`, name, initiative, roll: null };
  const next = insertCombatant({ ...encounter, nextId: encounter.nextId + 1 }, combatant);
  return save(withLog(next, `${name} joins (${initiative})`));
}

/** Removes one combatant `{ combatantId }`. */
function remove(input: JsonValue, context: FeatureContext): FeatureResult {
  const refused = onlyDm(context, 'remove combatants');
  if (refused) return refused;
  if (!isRecord(input) || typeof input.combatantId !== 'string')
    return refuse('invalid_input', 'Expected { combatantId }');
  const id = input.combatantId;
  const encounter = readEncounter(context.state);
  const target = encounter?.combatants.find((combatant) => combatant.id === id);
  if (!encounter || !target) return refuse('not_found', `No combatant "${id.slice(0, 80)}" in the encounter`);
  return save(
    withLog(
      removeCombatants(encounter, (combatant) => combatant.id === id),
      `${target.name} leaves`,
    ),
  );
}

/** Ends the encounter: its state is deleted. */
function end(_input: JsonValue, context: FeatureContext): FeatureResult {
  const refused = onlyDm(context, 'end the encounter');
  if (refused) return refused;
  if (!readEncounter(context.state)) return refuse('conflict', 'No encounter to end');
  return { state: { [ENCOUNTER_KEY]: null }, reply: { ended: true } };
}

/** Drops combatants whose character is no longer assigned to the group (unassigned, or its owner removed). */
function onGroupEvent(event: FeatureGroupEvent, context: FeatureContext): FeatureResult {
  const encounter = readEncounter(context.state);
  if (!encounter) return {};
  const assigned = new Set(context.characters.map((character) => character.id));
  const payload = isRecord(event.payload) ? event.payload : {};
  const unassigned =
    event.type === 'character.unassigned' && typeof payload.characterId === 'string' ? payload.characterId : undefined;
  const gone = (combatant: Combatant): boolean =>
    combatant.characterId !== undefined &&
    (combatant.characterId === unassigned || !assigned.has(combatant.characterId));
  const leaving = encounter.combatants.filter(gone);
  if (leaving.length === 0) return {};
  const next = withLog(removeCombatants(encounter, gone), `${leaving.map((c) => c.name).join(', ')} left the group`);
  return { state: { [ENCOUNTER_KEY]: toJson(next) } };
}

/** The initiative tracker: DM-driven turn order over the group's characters and free combatants. */
export default defineFeature({
  actions: {
    start,
    next: (_input, context) => advance(1, context),
    previous: (_input, context) => advance(-1, context),
    add,
    remove,
    end,
  },
  onGroupEvent,
});
