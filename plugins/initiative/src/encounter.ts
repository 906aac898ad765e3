import type { JsonValue } from '@cm/ruleset-sdk';

/** One participant: a group character (`characterId`) or a free combatant added by the DM (a monster). */
export interface Combatant {
  id: string;
  characterId?: string;
  name: string;
  /** The initiative value the order is sorted by (the roll's total, or the value the DM entered). */
  initiative: number;
  /** The dice part of the roll (faces summed); null for a free combatant with a fixed value. */
  roll: number | null;
}

/** The state stored under the key `encounter`. */
export interface Encounter {
  active: boolean;
  round: number;
  /** Index into `combatants` of the combatant whose turn it is. */
  turn: number;
  combatants: Combatant[];
  /** Counter for free combatant ids (`m1`, `m2`, ...). */
  nextId: number;
  /** The newest lines of what happened, oldest first (at most LOG_LINES). */
  log: string[];
}

/** The state key this plugin stores its encounter under. */
export const ENCOUNTER_KEY = 'encounter';
/** Most combatants in one encounter. */
export const MAX_COMBATANTS = 100;
const LOG_LINES = 20;

/** The base value of a combatant: what its initiative is without the dice (tie-breaker). */
export function baseOf(combatant: Combatant): number {
  return combatant.initiative - (combatant.roll ?? 0);
}

/** Descending initiative; ties: higher base first, then name, then id (a total order, so sorting is stable). */
export function compareCombatants(a: Combatant, b: Combatant): number {
  return b.initiative - a.initiative || baseOf(b) - baseOf(a) || cmp(a.name, b.name) || cmp(a.id, b.id);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A fresh, inactive encounter. */
export function emptyEncounter(): Encounter {
  return { active: false, round: 0, turn: 0, combatants: [], nextId: 1, log: [] };
}

/** Reads the stored encounter defensively (state is JSON written by an earlier version of this plugin). */
export function readEncounter(state: Record<string, JsonValue>): Encounter | undefined {
  const raw = state[ENCOUNTER_KEY];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const value = raw as Record<string, JsonValue>;
  const combatants = Array.isArray(value.combatants) ? value.combatants.filter(isCombatant) : [];
  return {
    active: value.active === true,
    round: int(value.round, 0),
    turn: Math.min(Math.max(0, int(value.turn, 0)), Math.max(0, combatants.length - 1)),
    combatants,
    nextId: Math.max(1, int(value.nextId, 1)),
    log: Array.isArray(value.log)
      ? value.log.filter((line): line is string => typeof line === 'string').slice(-LOG_LINES)
      : [],
  };
}

function int(value: JsonValue | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}

function isCombatant(value: JsonValue): value is Combatant & JsonValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const c = value as Record<string, JsonValue>;
  return (
    typeof c.id === 'string' &&
    typeof c.name === 'string' &&
    typeof c.initiative === 'number' &&
    (c.roll === null || typeof c.roll === 'number') &&
    (c.characterId === undefined || typeof c.characterId === 'string')
  );
}

/** Appends a log line, keeping the newest LOG_LINES. */
export function withLog(encounter: Encounter, line: string): Encounter {
  return { ...encounter, log: [...encounter.log, line].slice(-LOG_LINES) };
}

/** The encounter as stored JSON. */
export function toJson(encounter: Encounter): JsonValue {
  return JSON.parse(JSON.stringify(encounter)) as JsonValue;
}

/**
 * Removes combatants matching `drop`, keeping the turn on the same combatant when possible: removing someone
 * before the current one shifts the index back; removing the current one passes the turn to the next.
 */
export function removeCombatants(encounter: Encounter, drop: (combatant: Combatant) => boolean): Encounter {
  const current = encounter.combatants[encounter.turn];
  let turn = encounter.turn;
  encounter.combatants.forEach((combatant, index) => {
    if (drop(combatant) && index < encounter.turn) turn -= 1;
  });
  const combatants = encounter.combatants.filter((combatant) => !drop(combatant));
  if (current && !drop(current)) turn = combatants.indexOf(current);
  if (turn >= combatants.length) turn = 0;
  return { ...encounter, combatants, turn: Math.max(0, turn) };
}

/** Inserts a combatant in sorted position; the turn stays with the combatant whose turn it was. */
export function insertCombatant(encounter: Encounter, combatant: Combatant): Encounter {
  const current = encounter.combatants[encounter.turn];
  const combatants = [...encounter.combatants, combatant].sort(compareCombatants);
  const turn = current ? combatants.indexOf(current) : 0;
  return { ...encounter, combatants, turn };
}
