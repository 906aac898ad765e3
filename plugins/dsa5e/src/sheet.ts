import { ATTRIBUTE_BASE, ATTRIBUTE_KEYS, type AttributeKey } from './data/attributes.js';
import type { SpeciesId } from './data/species.js';

/** An advantage or disadvantage: Optolith id, display name, level (tier) and a select option (e.g. `TAL_3` for ADV_16). */
export type Trait = { id: string; name: string; level?: number; option?: string };
/** A special ability, spell or liturgy; spells/liturgies with `value` and three `checks` get a 3d20 action. */
export type Entry = { id?: string; name: string; value?: number; checks?: AttributeKey[] };
/** Which critical-success QS rule to use (reference §5a step 4). */
export type CriticalQualityRule = 'keep-points' | 'full-points';

/** The keys of a hero's descriptive details (all optional text). */
export const DETAIL_KEYS = [
  'culture',
  'profession',
  'professionVariant',
  'speciesVariant',
  'sex',
  'family',
  'placeOfBirth',
  'dateOfBirth',
  'age',
  'height',
  'weight',
  'title',
  'characteristics',
  'otherInfo',
] as const;
/**
 * Who the hero is, as typed in or imported (plugin 1.1.0). Culture, profession and variants hold Optolith ids
 * (`C_18`, `P_127`, `RV_1`) where the plugin has no name for them, or the name (a custom profession).
 */
export type HeroDetails = Partial<Record<(typeof DETAIL_KEYS)[number], string>>;

/** A DSA5 hero (plugin version 1.1.0; 1.0.0 sheets are the same without `details`). Derived values are computed, never stored. */
export type DsaSheet = {
  name: string;
  species: SpeciesId;
  experienceLevel: number;
  phase: 'creation' | 'play';
  attributes: Record<AttributeKey, number>;
  /** Human/half-elf: the attribute whose creation MAXIMUM the species raises by 1. */
  speciesAttributeBonus: AttributeKey | null;
  /** Elf (kl|kk) / dwarf (ch|ge): the attribute whose creation MAXIMUM the species lowers by 2. */
  speciesAttributePenalty: AttributeKey | null;
  advantages: Trait[];
  disadvantages: Trait[];
  tradition: { magical: string | null; blessed: string | null };
  energies: {
    lepBought: number;
    lepLost: number;
    aspBought: number;
    aspLost: number;
    aspRedeemed: number;
    kapBought: number;
    kapLost: number;
    kapRedeemed: number;
  };
  current: { lep: number; asp: number; kap: number; schip: number };
  talents: Record<string, number>;
  combatTechniques: Record<string, number>;
  specialAbilities: Entry[];
  spells: Entry[];
  liturgies: Entry[];
  ap: { total: number; spent: number };
  notes: string;
  options: { criticalQualityRule: CriticalQualityRule; higherDefense: 0 | 2 | 4 };
  details?: HeroDetails;
};

const obj = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const int = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;
const list = <T>(value: unknown): T[] =>
  Array.isArray(value) ? (value.filter((item) => typeof item === 'object' && item !== null) as T[]) : [];
const numbers = (value: unknown): Record<string, number> =>
  Object.fromEntries(
    Object.entries(obj(value)).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  );

/** Reads any stored sheet leniently (missing parts get defaults) so derived values never throw; `validate` reports the problems. */
export function normalize(raw: unknown): DsaSheet {
  const s = obj(raw);
  const attrs = obj(s.attributes);
  const energies = obj(s.energies);
  const current = obj(s.current);
  const tradition = obj(s.tradition);
  const ap = obj(s.ap);
  const options = obj(s.options);
  const e = (key: string): number => int(energies[key], 0);
  return {
    name: typeof s.name === 'string' ? s.name : '',
    species: (['human', 'elf', 'halfelf', 'dwarf'].includes(s.species as string) ? s.species : 'human') as SpeciesId,
    experienceLevel: Math.min(7, Math.max(1, Math.trunc(int(s.experienceLevel, 3)))),
    phase: s.phase === 'play' ? 'play' : 'creation',
    attributes: Object.fromEntries(ATTRIBUTE_KEYS.map((key) => [key, int(attrs[key], ATTRIBUTE_BASE)])) as Record<
      AttributeKey,
      number
    >,
    speciesAttributeBonus: (ATTRIBUTE_KEYS as readonly unknown[]).includes(s.speciesAttributeBonus)
      ? (s.speciesAttributeBonus as AttributeKey)
      : null,
    speciesAttributePenalty: (ATTRIBUTE_KEYS as readonly unknown[]).includes(s.speciesAttributePenalty)
      ? (s.speciesAttributePenalty as AttributeKey)
      : null,
    advantages: list<Trait>(s.advantages),
    disadvantages: list<Trait>(s.disadvantages),
    tradition: {
      magical: typeof tradition.magical === 'string' ? tradition.magical : null,
      blessed: typeof tradition.blessed === 'string' ? tradition.blessed : null,
    },
    energies: {
      lepBought: e('lepBought'),
      lepLost: e('lepLost'),
      aspBought: e('aspBought'),
      aspLost: e('aspLost'),
      aspRedeemed: e('aspRedeemed'),
      kapBought: e('kapBought'),
      kapLost: e('kapLost'),
      kapRedeemed: e('kapRedeemed'),
    },
    current: {
      lep: int(current.lep, 0),
      asp: int(current.asp, 0),
      kap: int(current.kap, 0),
      schip: int(current.schip, 0),
    },
    talents: numbers(s.talents),
    combatTechniques: numbers(s.combatTechniques),
    specialAbilities: list<Entry>(s.specialAbilities),
    spells: list<Entry>(s.spells),
    liturgies: list<Entry>(s.liturgies),
    ap: { total: int(ap.total, 0), spent: int(ap.spent, 0) },
    notes: typeof s.notes === 'string' ? s.notes : '',
    ...(typeof s.details === 'object' && s.details !== null ? { details: details(s.details) } : {}),
    options: {
      criticalQualityRule: options.criticalQualityRule === 'full-points' ? 'full-points' : 'keep-points',
      higherDefense: options.higherDefense === 2 || options.higherDefense === 4 ? options.higherDefense : 0,
    },
  };
}

function details(raw: unknown): HeroDetails {
  const source = obj(raw);
  return Object.fromEntries(
    DETAIL_KEYS.flatMap((key) => (typeof source[key] === 'string' ? [[key, source[key]]] : [])),
  );
}
