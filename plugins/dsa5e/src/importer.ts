import type { ImportedCharacter, SheetImporter } from '@cm/ruleset-sdk';
import { IDS, KNOWN_NAMES } from './data/advantages.js';
import { ATTRIBUTES } from './data/attributes.js';
import { COMBAT_TECHNIQUE_BY_ID } from './data/combat.js';
import { SPECIES } from './data/species.js';
import { TALENT_BY_ID } from './data/talents.js';
import { BLESSED_TRADITIONS, MAGICAL_TRADITIONS } from './data/traditions.js';
import { derivedValues } from './rules.js';
import type { DsaSheet, Entry, HeroDetails, Trait } from './sheet.js';

type Json = Record<string, unknown>;
const obj = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const num = (value: unknown, fallback = 0): number =>
  typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : fallback;

/** Recognises an Optolith 1.x hero export: `id` like `H_1543948800000` plus `attr` or `clientVersion`. */
function accepts(data: unknown): boolean {
  const hero = obj(data);
  return (
    typeof hero.id === 'string' &&
    /^H_\d+$/.test(hero.id) &&
    (typeof hero.attr === 'object' || typeof hero.clientVersion === 'string')
  );
}

/** Reads `attr.values` in the current `{ id, value }` form or the legacy `[id, value, adjustment]` tuples. */
function readAttributes(attr: Json, warnings: string[]): DsaSheet['attributes'] {
  const values = new Map<string, number>();
  for (const entry of Array.isArray(attr.values) ? attr.values : []) {
    if (Array.isArray(entry) && typeof entry[0] === 'string') values.set(entry[0], num(entry[1], 8));
    else if (typeof obj(entry).id === 'string') values.set(obj(entry).id as string, num(obj(entry).value, 8));
  }
  return Object.fromEntries(
    ATTRIBUTES.map((a) => {
      if (!values.has(a.optolithId)) warnings.push(`${a.optolithId} (${a.abbr}) missing: set to 8`);
      return [a.key, values.get(a.optolithId) ?? 8];
    }),
  ) as DsaSheet['attributes'];
}

/** Splits `activatable` into advantages, disadvantages, special abilities and traditions. */
function readActivatable(activatable: Json, sheet: DsaSheet, warnings: string[]): void {
  for (const [id, raw] of Object.entries(activatable)) {
    const activations = Array.isArray(raw) ? raw.map(obj) : [];
    if (activations.length === 0) continue; // an empty array is an inactive entry
    const magical = MAGICAL_TRADITIONS.find((t) => t.optolithId === id);
    const blessed = BLESSED_TRADITIONS.find((t) => t.optolithId === id);
    if (magical) sheet.tradition.magical = magical.id;
    if (blessed) sheet.tradition.blessed = blessed.id;
    const name = KNOWN_NAMES[id] ?? id;
    for (const activation of activations) {
      const option =
        typeof activation.sid === 'string' || typeof activation.sid === 'number' ? String(activation.sid) : undefined;
      const tier = typeof activation.tier === 'number' ? activation.tier : undefined;
      if (id.startsWith('ADV_') || id.startsWith('DISADV_')) {
        const trait: Trait = {
          id,
          name,
          ...(tier !== undefined ? { level: tier } : {}),
          ...(option !== undefined ? { option } : {}),
        };
        (id.startsWith('ADV_') ? sheet.advantages : sheet.disadvantages).push(trait);
      } else if (id.startsWith('SA_')) {
        const label = option !== undefined && !magical && !blessed ? `${name}: ${option}` : name;
        sheet.specialAbilities.push({ id, name: label, ...(tier !== undefined ? { value: tier } : {}) });
      } else warnings.push(`unknown activatable "${id}" skipped`);
    }
  }
  const spellcaster = sheet.advantages.some((a) => a.id === IDS.zauberer);
  if (spellcaster && !sheet.tradition.magical)
    warnings.push(
      'Zauberer without a recognised tradition: choose the magical tradition on the sheet (AsP are not computed until then)',
    );
  const blessedOne = sheet.advantages.some((a) => a.id === IDS.geweihter);
  if (blessedOne && !sheet.tradition.blessed)
    warnings.push(
      'Geweihter without a recognised tradition: choose the blessed tradition on the sheet (KaP are not computed until then)',
    );
}

/** Copies `{ ID: value }` maps of known ids; unknown ids become warnings. */
function readValues(
  source: unknown,
  known: (id: string) => boolean,
  what: string,
  warnings: string[],
): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [id, value] of Object.entries(obj(source))) {
    if (known(id) && typeof value === 'number') result[id] = value;
    else warnings.push(`${what} "${id}" skipped (unknown id)`);
  }
  return result;
}

function readMagic(source: unknown): Entry[] {
  return Object.entries(obj(source))
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([id, value]) => ({ id, name: id, value }));
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 200) : undefined;

/** `pers` text fields and where they go in `details` (the numeric ids of hair, eyes and status have no names here). */
const PERSONAL: Array<[string, keyof HeroDetails]> = [
  ['family', 'family'],
  ['placeofbirth', 'placeOfBirth'],
  ['dateofbirth', 'dateOfBirth'],
  ['age', 'age'],
  ['size', 'height'],
  ['weight', 'weight'],
  ['title', 'title'],
  ['characteristics', 'characteristics'],
  ['otherinfo', 'otherInfo'],
];
const PERSONAL_IDS: Array<[string, string]> = [
  ['haircolor', 'hair colour'],
  ['eyecolor', 'eye colour'],
  ['socialstatus', 'social status'],
];

/**
 * Culture, profession (a custom one by its name), race variant, sex and the personal data of an export. Every field
 * that is dropped gets its own warning; ids kept without a name are listed once.
 */
function readDetails(hero: Json, warnings: string[]): HeroDetails {
  const details: HeroDetails = {};
  const custom = hero.p === 'P_0' ? text(hero.professionName) : undefined;
  const origin: Array<[keyof HeroDetails, unknown, string]> = [
    ['culture', hero.c, 'culture'],
    ['profession', custom ?? hero.p, 'profession'],
    ['professionVariant', hero.pv, 'profession variant'],
    ['speciesVariant', hero.rv, 'species variant'],
    ['sex', hero.sex, 'sex'],
  ];
  const ids: string[] = [];
  for (const [key, value, what] of origin) {
    if (value === undefined || value === null) continue;
    const kept = text(value);
    if (kept === undefined) warnings.push(`${what} ${JSON.stringify(value).slice(0, 40)} not imported (not text)`);
    else details[key] = kept;
    if (kept !== undefined && key !== 'sex' && kept !== custom) ids.push(`${what} ${kept}`);
  }
  if (ids.length > 0) warnings.push(`${ids.join(', ')} kept as Optolith ids: dsa5e has no names for them`);
  const pers = obj(hero.pers);
  for (const [from, to] of PERSONAL) {
    const raw = typeof pers[from] === 'number' && Number.isFinite(pers[from]) ? String(pers[from]) : pers[from];
    const kept = raw === undefined || raw === '' ? undefined : text(raw);
    if (kept !== undefined) details[to] = kept;
    else if (pers[from] !== undefined && pers[from] !== '') warnings.push(`"pers.${from}" not imported (not text)`);
  }
  for (const [from, what] of PERSONAL_IDS)
    if (pers[from] !== undefined)
      warnings.push(`${what} (Optolith id ${JSON.stringify(pers[from]).slice(0, 20)}) not imported`);
  if (text(hero.avatar)) warnings.push('the avatar is not imported: upload it as the portrait');
  return details;
}

/** Converts an Optolith hero export (reference §7) to a dsa5e sheet. */
function importHero(data: unknown): ImportedCharacter {
  if (!accepts(data)) throw new Error('Not an Optolith hero export (expected "id": "H_<number>" and "attr")');
  const hero = obj(data);
  const attr = obj(hero.attr);
  const warnings: string[] = [];
  const species = SPECIES.find((s) => s.optolithId === hero.r);
  if (!species) warnings.push(`species "${String(hero.r)}" is not one of R_1..R_4: imported as human`);
  const el = /^EL_([1-7])$/.exec(String(hero.el));
  if (!el) warnings.push(`experience level "${String(hero.el)}" unknown: set to EL_3`);
  const selected = ATTRIBUTES.find((a) => a.optolithId === attr.attributeAdjustmentSelected)?.key ?? null;
  const sp = species ?? SPECIES[0];
  const lp = obj(attr.permanentLP);
  const ae = obj(attr.permanentAE);
  const kp = obj(attr.permanentKP);
  const name = typeof hero.name === 'string' && hero.name.trim() !== '' ? hero.name.trim() : 'Optolith-Held';
  const sheet: DsaSheet = {
    name,
    species: sp.id,
    experienceLevel: el ? Number(el[1]) : 3,
    phase: hero.phase === 3 ? 'play' : 'creation',
    attributes: readAttributes(attr, warnings),
    speciesAttributeBonus: sp.choosesBonus ? selected : null,
    speciesAttributePenalty: selected && sp.penaltyChoices.includes(selected) ? selected : null,
    advantages: [],
    disadvantages: [],
    tradition: { magical: null, blessed: null },
    energies: {
      lepBought: num(attr.lp),
      lepLost: num(lp.lost),
      aspBought: num(attr.ae),
      aspLost: num(ae.lost),
      aspRedeemed: num(ae.redeemed),
      kapBought: num(attr.kp),
      kapLost: num(kp.lost),
      kapRedeemed: num(kp.redeemed),
    },
    current: { lep: 0, asp: 0, kap: 0, schip: 0 },
    talents: readValues(hero.talents, (id) => TALENT_BY_ID.has(id), 'talent', warnings),
    combatTechniques: readValues(hero.ct, (id) => COMBAT_TECHNIQUE_BY_ID.has(id), 'combat technique', warnings),
    specialAbilities: [],
    spells: readMagic(hero.spells),
    liturgies: readMagic(hero.liturgies),
    ap: { total: num(obj(hero.ap).total), spent: 0 },
    notes: '',
    options: {
      criticalQualityRule: 'keep-points',
      higherDefense: [2, 4].includes(num(obj(hero.rules).higherParadeValues))
        ? (num(obj(hero.rules).higherParadeValues) as 2 | 4)
        : 0,
    },
  };
  const details = readDetails(hero, warnings);
  if (Object.keys(details).length > 0) sheet.details = details;
  readActivatable(obj(hero.activatable), sheet, warnings);
  const derived = derivedValues(sheet);
  sheet.current = {
    lep: Math.max(0, derived.lep.value),
    asp: Math.max(0, derived.asp?.value ?? 0),
    kap: Math.max(0, derived.kap?.value ?? 0),
    schip: Math.max(0, derived.schip.value),
  };
  if (sheet.spells.length + sheet.liturgies.length > 0)
    warnings.push(
      'spells and liturgies imported by id without names or check attributes: add their checks to roll them',
    );
  const cantrips = Array.isArray(hero.cantrips) ? hero.cantrips.length : 0;
  const blessings = Array.isArray(hero.blessings) ? hero.blessings.length : 0;
  if (cantrips + blessings > 0) warnings.push(`${cantrips} cantrip(s) and ${blessings} blessing(s) not imported`);
  warnings.push('AP spent is not part of the export: set to 0');
  for (const skipped of ['belongings', 'pets', 'pact'])
    if (hero[skipped] !== undefined) warnings.push(`"${skipped}" not imported`);
  return { name, sheet, warnings };
}

/** Imports heroes exported by Optolith (the common DSA5 character generator), client 1.x JSON. */
export const optolithImporter = {
  id: 'optolith',
  label: 'Optolith (Heldenexport .json)',
  accepts,
  import: importHero,
} satisfies SheetImporter;
