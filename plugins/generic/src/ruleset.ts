import {
  defineRuleset,
  type DiceAction,
  type FieldError,
  type ResourceState,
  type RollOutcome,
  type Sheet,
  type SheetMigration,
} from '@cm/ruleset-sdk';
import { isTaleSpireCompatible, parseNotation } from '@cm/dice';

/** One free key/value pair of the sheet. */
export type GenericField = { key: string; value: string | number };
/** A custom dice action: `id` is unique in the sheet, `diceString` is TaleSpire roll notation. */
export type GenericDice = { id: string; label: string; diceString: string };
/** The generic sheet (version 1.0.0). */
export type GenericSheet = {
  name: string;
  hp: { current: number; max: number };
  fields: GenericField[];
  notes: string;
  initiativeBonus?: number;
  dice?: GenericDice[];
};

const MAX_HP = 100_000;
const MAX_NOTES = 20_000;
const DICE_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

/** Whether `text` is a roll string TaleSpire's tray accepts (`[name:]NdS±M` terms, groups separated by `/`). */
export function isValidDiceString(text: string): boolean {
  return isTaleSpireCompatible(text);
}

/** Every problem of a generic sheet, with dotted paths (`hp.current`, `fields.2.key`, `dice.0.diceString`). */
export function validateSheet(raw: Sheet): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (path: string, message: string): void => void errors.push({ path, message });
  if (typeof raw.name !== 'string' || raw.name.trim() === '' || raw.name.length > 200)
    fail('name', 'name must be 1 to 200 characters');
  const hp = raw.hp;
  if (!isObject(hp)) fail('hp', 'hp must be an object { current, max }');
  else {
    const maxOk = isInt(hp.max) && hp.max >= 1 && hp.max <= MAX_HP;
    if (!maxOk) fail('hp.max', `max HP must be an integer from 1 to ${MAX_HP}`);
    if (!isInt(hp.current) || hp.current < 0) fail('hp.current', 'current HP must be an integer ≥ 0');
    else if (maxOk && hp.current > (hp.max as number))
      fail('hp.current', `current HP must not exceed max HP (${hp.max as number})`);
  }
  if (!Array.isArray(raw.fields)) fail('fields', 'fields must be a list');
  else {
    const seen = new Set<string>();
    raw.fields.forEach((field, index) => {
      if (!isObject(field)) return fail(`fields.${index}`, 'a field must be { key, value }');
      const key = field.key;
      if (typeof key !== 'string' || key.length < 1 || key.length > 64)
        fail(`fields.${index}.key`, 'key must be 1 to 64 characters');
      else if (seen.has(key)) fail(`fields.${index}.key`, `duplicate key "${key}"`);
      else seen.add(key);
      const value = field.value;
      const valueOk =
        (typeof value === 'string' && value.length <= 2000) || (typeof value === 'number' && Number.isFinite(value));
      if (!valueOk) fail(`fields.${index}.value`, 'value must be a string (≤ 2000 characters) or a number');
    });
  }
  if (typeof raw.notes !== 'string' || raw.notes.length > MAX_NOTES)
    fail('notes', `notes must be text of at most ${MAX_NOTES} characters`);
  if (raw.initiativeBonus !== undefined && (!isInt(raw.initiativeBonus) || Math.abs(raw.initiativeBonus) > 1000)) {
    fail('initiativeBonus', 'initiative bonus must be an integer from -1000 to 1000');
  }
  if (raw.dice !== undefined) validateDice(raw.dice, fail);
  return errors;
}

function validateDice(dice: unknown, fail: (path: string, message: string) => void): void {
  if (!Array.isArray(dice)) return fail('dice', 'dice must be a list');
  const seen = new Set<string>();
  dice.forEach((entry, index) => {
    if (!isObject(entry)) return fail(`dice.${index}`, 'a dice action must be { id, label, diceString }');
    if (typeof entry.id !== 'string' || !DICE_ID.test(entry.id))
      fail(`dice.${index}.id`, 'id must be 1 to 40 of a-z, 0-9, _ and -');
    else if (seen.has(entry.id)) fail(`dice.${index}.id`, `duplicate id "${entry.id}"`);
    else seen.add(entry.id);
    if (typeof entry.label !== 'string' || entry.label.trim() === '' || entry.label.length > 100)
      fail(`dice.${index}.label`, 'label must be 1 to 100 characters');
    if (typeof entry.diceString !== 'string' || !isValidDiceString(entry.diceString)) {
      fail(`dice.${index}.diceString`, 'not a TaleSpire roll string (e.g. 1d20+5, 2d6/1d4, Attack:1d20+3)');
    }
  });
}

function asSheet(sheet: Sheet): GenericSheet {
  return sheet as unknown as GenericSheet;
}

function initiativeString(bonus: number): string {
  return bonus === 0 ? '1d20' : `1d20${bonus > 0 ? '+' : '-'}${Math.abs(bonus)}`;
}

function diceActions(sheet: GenericSheet): DiceAction[] {
  const actions: DiceAction[] = [
    {
      id: 'initiative',
      label: 'Initiative',
      diceString: initiativeString(sheet.initiativeBonus ?? 0),
      category: 'initiative',
    },
  ];
  for (const dice of sheet.dice ?? [])
    actions.push({ id: `custom:${dice.id}`, label: dice.label, diceString: dice.diceString, category: 'custom' });
  return actions;
}

/** Sums faces (with their term's sign) and modifiers of `diceString`; throws when the faces do not fit it. */
export function sumRoll(diceString: string, faces: number[]): { total: number; groupTotals: number[] } {
  const parsed = parseNotation(diceString);
  let next = 0;
  const groupTotals = parsed.groups.map((group) => {
    let total = 0;
    for (const term of group.terms) {
      const sign = term.sign === '-' ? -1 : 1;
      if (term.kind === 'modifier') {
        total += sign * term.value;
        continue;
      }
      for (let i = 0; i < term.count; i++) {
        const face = faces[next++];
        if (face === undefined || !Number.isInteger(face) || face < 1 || face > term.sides) {
          throw new Error(
            `faces do not fit "${diceString}": expected ${term.count} value(s) from 1 to ${term.sides} for d${term.sides}`,
          );
        }
        total += sign * face;
      }
    }
    return total;
  });
  if (next !== faces.length)
    throw new Error(`faces do not fit "${diceString}": got ${faces.length} faces, expected ${next}`);
  return { total: groupTotals.reduce((a, b) => a + b, 0), groupTotals };
}

/** 0.9.0 stored `hp` and `maxHp` as two numbers; 1.0.0 has `hp: { current, max }`. */
export const migrateFrom090: SheetMigration = {
  from: '0.9.0',
  to: '1.0.0',
  migrate(sheet) {
    const { hp, maxHp, ...rest } = sheet;
    const current = typeof hp === 'number' ? Math.max(0, Math.round(hp)) : 0;
    const max = typeof maxHp === 'number' ? Math.max(1, Math.round(maxHp), current) : Math.max(1, current);
    return { ...rest, fields: rest.fields ?? [], notes: rest.notes ?? '', hp: { current, max } };
  },
};

export default defineRuleset({
  defaultSheet: () => ({
    name: 'New character',
    hp: { current: 10, max: 10 },
    fields: [],
    notes: '',
    initiativeBonus: 0,
    dice: [],
  }),
  validate: validateSheet,
  getStatBlocks(sheet) {
    const s = asSheet(sheet);
    return [
      {
        id: 'vitals',
        label: 'Vitals',
        stats: [
          { id: 'hp', label: 'HP', value: `${s.hp.current} / ${s.hp.max}` },
          {
            id: 'initiative',
            label: 'Initiative',
            value: initiativeString(s.initiativeBonus ?? 0),
            hint: '1d20 + initiative bonus',
          },
        ],
      },
      {
        id: 'fields',
        label: 'Fields',
        stats: s.fields.map((field) => ({ id: field.key, label: field.key, value: field.value })),
      },
    ];
  },
  getDiceActions: (sheet) => diceActions(asSheet(sheet)),
  resolveRoll(sheet, actionId, faces, options): RollOutcome {
    const action = diceActions(asSheet(sheet)).find((candidate) => candidate.id === actionId);
    if (!action) throw new Error(`Unknown dice action "${actionId}" (known: initiative, custom:<id>)`);
    const { total: rolled, groupTotals } = sumRoll(action.diceString, faces);
    const modifier = options?.modifier ?? 0;
    const total = rolled + modifier;
    const details = groupTotals.length > 1 ? { groups: groupTotals.join('/') } : undefined;
    const base = { value: total, ...(details ? { details } : {}) };
    if (options?.target === undefined) return { result: 'neutral', label: `${action.label}: ${total}`, ...base };
    // Against a target, the first group (the attack of `Attack:1d20+7/Damage:1d8`) must meet or beat it.
    const checked = groupTotals[0] + modifier;
    const met = checked >= options.target;
    return {
      result: met ? 'success' : 'failure',
      label: `${action.label}: ${met ? 'success' : 'failure'}`,
      detail: `${checked} ${met ? '≥' : '<'} target ${options.target}`,
      ...base,
    };
  },
  getResources(sheet): ResourceState[] {
    const s = asSheet(sheet);
    return [{ id: 'hp', label: 'HP', path: ['hp', 'current'], value: s.hp.current, min: 0, max: s.hp.max }];
  },
  getName: (sheet) => (typeof sheet.name === 'string' ? sheet.name : undefined),
  migrations: [migrateFrom090],
});
