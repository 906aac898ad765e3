import type { FieldError, Sheet } from '@cm/ruleset-sdk';
import { ATTRIBUTE_KEYS } from './data/attributes.js';
import { COMBAT_TECHNIQUE_BASE, COMBAT_TECHNIQUE_BY_ID } from './data/combat.js';
import { SPECIES_BY_ID } from './data/species.js';
import { TALENT_BY_ID } from './data/talents.js';
import { BLESSED_TRADITIONS, MAGICAL_TRADITIONS } from './data/traditions.js';
import {
  aspFromPrimary,
  attributeCreationMax,
  combatTechniqueMax,
  derivedValues,
  experienceOf,
  talentMax,
} from './rules.js';
import { normalize } from './sheet.js';

type Fail = (path: string, message: string) => void;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isInt = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
const ENERGY_KEYS = [
  'lepBought',
  'lepLost',
  'aspBought',
  'aspLost',
  'aspRedeemed',
  'kapBought',
  'kapLost',
  'kapRedeemed',
] as const;

/** Every problem of a DSA5 sheet, with precise dotted paths (`attributes.mu`, `talents.TAL_3`, `current.lep`). */
export function validateSheet(raw: Sheet): FieldError[] {
  const errors: FieldError[] = [];
  const fail: Fail = (path, message) =>
    void (errors.some((error) => error.path === path) || errors.push({ path, message }));
  validateShape(raw, fail);
  // Rule checks run on the leniently normalized sheet; a path that already failed its shape check is not reported twice.
  const sheet = normalize(raw);
  const el = experienceOf(sheet);
  const creation = sheet.phase === 'creation';
  if (creation) {
    for (const key of ATTRIBUTE_KEYS) {
      const max = attributeCreationMax(sheet, key);
      if (sheet.attributes[key] > max)
        fail(
          `attributes.${key}`,
          `${key.toUpperCase()} ${sheet.attributes[key]} exceeds the creation maximum ${max} (${el.de})`,
        );
    }
    const sum = ATTRIBUTE_KEYS.reduce((total, key) => total + sheet.attributes[key], 0);
    if (sum > el.maxAttributeSum)
      fail('attributes', `attribute sum ${sum} exceeds the creation maximum ${el.maxAttributeSum} (${el.de})`);
    for (const list of ['spells', 'liturgies'] as const) {
      const count = sheet[list].filter((entry) => typeof entry.value === 'number').length;
      if (count > el.maxSpells) fail(list, `${count} ${list} exceed the creation maximum ${el.maxSpells} (${el.de})`);
    }
  }
  for (const [id, fw] of Object.entries(sheet.talents)) {
    const talent = TALENT_BY_ID.get(id);
    if (!talent) continue;
    const max = talentMax(sheet, talent);
    if (fw > max)
      fail(
        `talents.${id}`,
        `${talent.de} FW ${fw} exceeds the maximum ${max} (${talent.check.join('/').toUpperCase()}${creation ? `, ${el.de}` : ''})`,
      );
  }
  for (const [id, ktw] of Object.entries(sheet.combatTechniques)) {
    const ct = COMBAT_TECHNIQUE_BY_ID.get(id);
    if (!ct) continue;
    const max = combatTechniqueMax(sheet, ct);
    if (ktw > max) fail(`combatTechniques.${id}`, `${ct.de} KtW ${ktw} exceeds the maximum ${max}`);
  }
  validateEnergies(sheet, fail);
  return errors;
}

function validateEnergies(sheet: ReturnType<typeof normalize>, fail: Fail): void {
  const derived = derivedValues(sheet);
  if (sheet.energies.lepBought > sheet.attributes.ko)
    fail('energies.lepBought', `at most KO (${sheet.attributes.ko}) LeP can be bought`);
  if (!derived.asp && sheet.energies.aspBought > 0)
    fail('energies.aspBought', 'AsP can only be bought with a magical tradition');
  else if (sheet.energies.aspBought > aspFromPrimary(sheet))
    fail('energies.aspBought', `at most ${aspFromPrimary(sheet)} AsP can be bought`);
  if (!derived.kap && sheet.energies.kapBought > 0)
    fail('energies.kapBought', 'KaP can only be bought with a blessed tradition');
  const pools = [
    ['lep', derived.lep.value],
    ['asp', derived.asp?.value ?? 0],
    ['kap', derived.kap?.value ?? 0],
    ['schip', derived.schip.value],
  ] as const;
  for (const [key, max] of pools) {
    if (sheet.current[key] > max)
      fail(`current.${key}`, `current ${key.toUpperCase()} ${sheet.current[key]} exceeds the maximum ${max}`);
  }
}

/** Types, ranges and known ids: what the JSON Schema says, repeated so the ruleset alone reports it too. */
function validateShape(raw: Sheet, fail: Fail): void {
  if (typeof raw.name !== 'string' || raw.name.trim() === '' || raw.name.length > 200)
    fail('name', 'name must be 1 to 200 characters');
  const species = SPECIES_BY_ID.get(raw.species as string);
  if (!species) fail('species', 'species must be human, elf, halfelf or dwarf');
  if (!isInt(raw.experienceLevel, 1, 7))
    fail('experienceLevel', 'experience level must be 1 (Unerfahren) to 7 (Legendär)');
  if (raw.phase !== 'creation' && raw.phase !== 'play') fail('phase', "phase must be 'creation' or 'play'");
  if (!isObject(raw.attributes)) fail('attributes', 'attributes must be an object { mu, kl, in, ch, ff, ge, ko, kk }');
  else
    for (const key of ATTRIBUTE_KEYS)
      if (!isInt(raw.attributes[key], 1, 30))
        fail(`attributes.${key}`, `${key.toUpperCase()} must be an integer from 1 to 30`);
  const bonus = raw.speciesAttributeBonus ?? null;
  if (bonus !== null && !(ATTRIBUTE_KEYS as readonly unknown[]).includes(bonus))
    fail('speciesAttributeBonus', 'must be an attribute key or null');
  else if (species && bonus !== null && !species.choosesBonus)
    fail('speciesAttributeBonus', `${species.de}: the species has fixed adjustments; use null`);
  const penalty = raw.speciesAttributePenalty ?? null;
  if (species && penalty !== null && !species.penaltyChoices.includes(penalty as never)) {
    fail(
      'speciesAttributePenalty',
      species.penaltyChoices.length
        ? `must be ${species.penaltyChoices.join(' or ')} or null`
        : 'must be null for this species',
    );
  }
  for (const list of ['advantages', 'disadvantages'] as const) validateList(raw[list], list, fail, true);
  for (const list of ['specialAbilities', 'spells', 'liturgies'] as const) validateList(raw[list], list, fail, false);
  const tradition = raw.tradition;
  if (!isObject(tradition)) fail('tradition', 'tradition must be { magical, blessed }');
  else {
    const known = (value: unknown, table: ReadonlyArray<{ id: string }>): boolean =>
      value === null || value === undefined || table.some((t) => t.id === value);
    if (!known(tradition.magical, MAGICAL_TRADITIONS))
      fail('tradition.magical', `unknown magical tradition (known: ${MAGICAL_TRADITIONS.map((t) => t.id).join(', ')})`);
    if (!known(tradition.blessed, BLESSED_TRADITIONS))
      fail('tradition.blessed', `unknown blessed tradition (known: ${BLESSED_TRADITIONS.map((t) => t.id).join(', ')})`);
  }
  if (!isObject(raw.energies)) fail('energies', 'energies must be an object');
  else
    for (const key of ENERGY_KEYS)
      if (!isInt(raw.energies[key] ?? 0, 0, 1000)) fail(`energies.${key}`, 'must be an integer from 0 to 1000');
  if (!isObject(raw.current)) fail('current', 'current must be { lep, asp, kap, schip }');
  else
    for (const key of ['lep', 'asp', 'kap', 'schip'])
      if (!isInt(raw.current[key] ?? 0, 0, 10000)) fail(`current.${key}`, 'must be an integer ≥ 0');
  validateValues(raw.talents, 'talents', (id) => TALENT_BY_ID.has(id), 0, 'TAL_1..TAL_59', fail);
  validateValues(
    raw.combatTechniques,
    'combatTechniques',
    (id) => COMBAT_TECHNIQUE_BY_ID.has(id),
    COMBAT_TECHNIQUE_BASE,
    'CT_1..CT_21',
    fail,
  );
  if (!isObject(raw.ap) || !isInt(raw.ap.total, 0, 100000)) fail('ap.total', 'AP total must be an integer ≥ 0');
  if (!isObject(raw.ap) || !isInt(raw.ap.spent, 0, 100000)) fail('ap.spent', 'AP spent must be an integer ≥ 0');
  if (typeof raw.notes !== 'string' || raw.notes.length > 20000)
    fail('notes', 'notes must be text of at most 20000 characters');
  const options = raw.options;
  if (options !== undefined && !isObject(options)) fail('options', 'options must be an object');
  else if (options) {
    if (
      options.criticalQualityRule !== undefined &&
      options.criticalQualityRule !== 'keep-points' &&
      options.criticalQualityRule !== 'full-points'
    ) {
      fail('options.criticalQualityRule', "must be 'keep-points' or 'full-points'");
    }
    if (options.higherDefense !== undefined && ![0, 2, 4].includes(options.higherDefense as number))
      fail('options.higherDefense', 'must be 0, 2 or 4');
  }
}

function validateValues(
  value: unknown,
  path: string,
  known: (id: string) => boolean,
  min: number,
  range: string,
  fail: Fail,
): void {
  if (!isObject(value)) return fail(path, `${path} must be an object of id → value`);
  for (const [id, entry] of Object.entries(value)) {
    if (!known(id)) fail(`${path}.${id}`, `unknown id "${id}" (expected ${range})`);
    else if (!isInt(entry, min, 30)) fail(`${path}.${id}`, `must be an integer from ${min} to 30`);
  }
}

function validateList(value: unknown, path: string, fail: Fail, needsId: boolean): void {
  if (!Array.isArray(value)) return fail(path, `${path} must be a list`);
  value.forEach((entry: unknown, index) => {
    const at = `${path}.${index}`;
    if (!isObject(entry)) return fail(at, 'must be an object with a name');
    if (typeof entry.name !== 'string' || entry.name.trim() === '' || entry.name.length > 200)
      fail(`${at}.name`, 'name must be 1 to 200 characters');
    if (
      needsId ? typeof entry.id !== 'string' || entry.id === '' : entry.id !== undefined && typeof entry.id !== 'string'
    )
      fail(`${at}.id`, 'id must be a string');
    if (entry.level !== undefined && !isInt(entry.level, 1, 100)) fail(`${at}.level`, 'level must be an integer ≥ 1');
    if (entry.value !== undefined && !isInt(entry.value, 0, 100)) fail(`${at}.value`, 'value must be an integer ≥ 0');
    if (entry.option !== undefined && typeof entry.option !== 'string') fail(`${at}.option`, 'option must be a string');
    if (entry.checks !== undefined) {
      const ok =
        Array.isArray(entry.checks) &&
        entry.checks.length === 3 &&
        entry.checks.every((key) => (ATTRIBUTE_KEYS as readonly unknown[]).includes(key));
      if (!ok) fail(`${at}.checks`, 'checks must be three attribute keys, e.g. ["mu","kl","ch"]');
    }
  });
}
