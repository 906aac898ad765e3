import { refusal, type DiceAction, type Refusal, type RollOptions, type RollOutcome } from '@cm/ruleset-sdk';
import { ATTRIBUTES, type AttributeKey } from './data/attributes.js';
import { COMBAT_TECHNIQUE_BY_ID, COMBAT_TECHNIQUES } from './data/combat.js';
import { TALENT_BY_ID, TALENTS } from './data/talents.js';
import { singleCheck, skillCheck } from './checks.js';
import { combatValues, derivedValues, isRollable } from './rules.js';
import type { DsaSheet, Entry } from './sheet.js';

const checkLabel = (keys: readonly AttributeKey[]): string => keys.map((key) => key.toUpperCase()).join('/');
const CONFIRM = 'second die = confirmation die, used only on a natural 1 or 20';

/**
 * The sheet's rolls. Dice-string conventions: `2d20` = the check die + a confirmation die (read only on a
 * natural 1 or 20); `3d20` = a skill check, dice in check order; `1d6+INI` = initiative.
 */
export function diceActions(sheet: DsaSheet): DiceAction[] {
  const actions: DiceAction[] = [];
  for (const attr of ATTRIBUTES) {
    actions.push({
      id: `attr:${attr.key}`,
      label: `${attr.de} (${attr.en}) ${attr.abbr} ${sheet.attributes[attr.key]}`,
      diceString: '2d20',
      category: 'attribute',
      description: CONFIRM,
    });
  }
  for (const talent of TALENTS) {
    const fw = sheet.talents[talent.id] ?? 0;
    actions.push({
      id: `talent:${talent.id}`,
      label: `${talent.de} (${talent.en}) ${checkLabel(talent.check)}`,
      diceString: '3d20',
      category: 'talent',
      description: `FW ${fw}`,
    });
  }
  for (const ct of COMBAT_TECHNIQUES) {
    const values = combatValues(sheet, ct);
    const label = `${ct.de} (${ct.en})`;
    if (values.at !== null)
      actions.push({
        id: `at:${ct.id}`,
        label: `AT ${label} ${values.at}`,
        diceString: '2d20',
        category: 'combat',
        description: CONFIRM,
      });
    if (values.pa !== null)
      actions.push({
        id: `pa:${ct.id}`,
        label: `PA ${label} ${values.pa}`,
        diceString: '2d20',
        category: 'combat',
        description: CONFIRM,
      });
    if (values.fk !== null)
      actions.push({
        id: `fk:${ct.id}`,
        label: `FK ${label} ${values.fk}`,
        diceString: '2d20',
        category: 'combat',
        description: CONFIRM,
      });
  }
  const derived = derivedValues(sheet);
  actions.push({
    id: 'aw',
    label: `Ausweichen (Dodge) ${derived.aw.value}`,
    diceString: '2d20',
    category: 'combat',
    description: CONFIRM,
  });
  actions.push({ id: 'ini', label: 'Initiative', diceString: `1d6+${derived.ini.value}`, category: 'initiative' });
  const magic = (list: Entry[], kind: 'spell' | 'liturgy'): void =>
    list.forEach((entry, index) => {
      if (isRollable(entry)) {
        actions.push({
          id: `${kind}:${index}`,
          label: `${entry.name} ${checkLabel(entry.checks)}`,
          diceString: '3d20',
          category: kind,
          description: `FW ${entry.value}`,
        });
      }
    });
  magic(sheet.spells, 'spell');
  magic(sheet.liturgies, 'liturgy');
  return actions;
}

/** DSA5 checks are made easier or harder by a modifier; a target number has no meaning, so it is refused. */
const TARGET_NOT_USED = refusal(
  'target_not_used',
  'DSA5-Proben nutzen eine Erleichterung/Erschwernis (Modifikator), keinen Zielwert (DSA5 checks take a modifier, not a target number)',
  'target',
);

function expectFaces(faces: number[], count: number, sides: number, actionId: string): void {
  if (faces.length !== count || faces.some((face) => !Number.isInteger(face) || face < 1 || face > sides)) {
    throw new Error(`Action "${actionId}" needs ${count} face(s) from 1 to ${sides}, got [${faces.join(', ')}]`);
  }
}

/**
 * Interprets the faces of one action (§5a skill checks, §5b/§5c 1W20 checks with confirmation, initiative). The host
 * only calls it with the sheet's own action ids and faces that fit the dice string; the checks here keep the
 * function safe to call directly (tests).
 */
export function resolveRoll(
  sheet: DsaSheet,
  actionId: string,
  faces: number[],
  options?: RollOptions,
): RollOutcome | Refusal {
  if (options?.target !== undefined) return TARGET_NOT_USED;
  const modifier = options?.modifier ?? 0;
  const [kind, key = ''] = actionId.split(':') as [string, string | undefined];
  const unknown = (): Error =>
    new Error(
      `Unknown dice action "${actionId}" for dsa5e (expected attr:mu, talent:TAL_n, at:/pa:/fk:CT_n, aw, ini, spell:n, liturgy:n)`,
    );
  if (kind === 'ini' && actionId === 'ini') {
    expectFaces(faces, 1, 6, actionId);
    const ini = derivedValues(sheet).ini.value;
    const total = faces[0] + ini + modifier;
    const detail = `1W6 ${faces[0]} + INI ${ini}${modifier === 0 ? '' : ` ${modifier > 0 ? '+' : '−'} ${Math.abs(modifier)}`}`;
    return { result: 'neutral', label: `Initiative ${total}`, value: total, detail };
  }
  if (kind === 'talent' || kind === 'spell' || kind === 'liturgy') {
    let checks: readonly AttributeKey[];
    let fw: number;
    if (kind === 'talent') {
      const talent = TALENT_BY_ID.get(key);
      if (!talent) throw unknown();
      [checks, fw] = [talent.check, sheet.talents[talent.id] ?? 0];
    } else {
      const entry = (kind === 'spell' ? sheet.spells : sheet.liturgies)[Number(key)];
      if (!/^\d+$/.test(key) || !entry || !isRollable(entry)) throw unknown();
      [checks, fw] = [entry.checks, entry.value];
    }
    expectFaces(faces, 3, 20, actionId);
    const attributes = checks.map((attr) => sheet.attributes[attr]) as [number, number, number];
    return skillCheck({ attributes, fw, modifier, dice: faces, criticalRule: sheet.options.criticalQualityRule });
  }
  let value: number | null = null;
  let what = '';
  if (kind === 'attr' && ATTRIBUTES.some((attr) => attr.key === key)) {
    [value, what] = [sheet.attributes[key as AttributeKey], key.toUpperCase()];
  } else if (actionId === 'aw') {
    [value, what] = [derivedValues(sheet).aw.value, 'AW'];
  } else if (kind === 'at' || kind === 'pa' || kind === 'fk') {
    const ct = COMBAT_TECHNIQUE_BY_ID.get(key);
    if (ct) [value, what] = [combatValues(sheet, ct)[kind], `${kind.toUpperCase()} ${ct.de}`];
  }
  if (value === null) throw unknown();
  expectFaces(faces, 2, 20, actionId);
  return singleCheck(value, modifier, faces[0], faces[1], what);
}
