import { defineRuleset, type FieldError, type JsonValue } from '@cm/ruleset-sdk';

/** The sheet of this ruleset (keep it in step with schema.json). */
interface Sheet {
  [key: string]: JsonValue;
  name: string;
  hp: { current: number; max: number };
  bonus: number;
}

export default defineRuleset<Sheet>({
  defaultSheet: () => ({ name: 'New hero', hp: { current: 10, max: 10 }, bonus: 0 }),

  // Runs after schema.json: only the rules a schema cannot express.
  validate(sheet) {
    const errors: FieldError[] = [];
    if (sheet.name.trim() === '') errors.push({ path: 'name', message: 'must not be empty' });
    if (sheet.hp.current > sheet.hp.max) errors.push({ path: 'hp.current', message: 'must be at most hp.max' });
    return errors;
  },

  getStatBlocks: (sheet) => [
    { id: 'vitals', label: 'Vitals', stats: [{ id: 'hp', label: 'HP', value: `${sheet.hp.current}/${sheet.hp.max}` }] },
  ],

  getDiceActions: (sheet) => [
    { id: 'check', label: 'Check', diceString: `1d20${sheet.bonus >= 0 ? '+' : ''}${sheet.bonus}`, category: 'skill' },
  ],

  // The host calls this only with an id your getDiceActions returned and one face per die of its dice string
  // (here one d20, 1..20). Faces never include the string's constant: add the bonus yourself.
  resolveRoll(sheet, _actionId, faces, options) {
    const total = faces[0] + sheet.bonus + (options?.modifier ?? 0);
    const target = options?.target ?? 10;
    const detail = `${faces[0]} + ${sheet.bonus} vs ${target}`;
    if (total === target) return { result: 'tie', label: 'Tie', value: total, detail };
    return total > target
      ? { result: 'success', label: 'Success', value: total, detail }
      : { result: 'failure', label: 'Failure', value: total, detail };
  },

  getResources: (sheet) => [
    { id: 'hp', label: 'HP', path: ['hp', 'current'], value: sheet.hp.current, min: 0, max: sheet.hp.max },
  ],

  getName: (sheet) => sheet.name,

  // Add a step (and a fixture in fixtures/migrations/) whenever a new version changes the sheet's shape.
  migrations: [],
});
