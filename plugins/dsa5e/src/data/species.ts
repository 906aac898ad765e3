import type { AttributeKey } from './attributes.js';

/** Sheet keys of the four core species. */
export type SpeciesId = 'human' | 'elf' | 'halfelf' | 'dwarf';

/** Species base values and attribute-maximum adjustments (reference §2; Optolith `races`, Foundry species items). */
export interface SpeciesInfo {
  id: SpeciesId;
  optolithId: string;
  de: string;
  en: string;
  lep: number;
  sk: number;
  zk: number;
  gs: number;
  ap: number;
  /** Fixed +1 adjustments of the creation maximum. */
  fixedBonus: readonly AttributeKey[];
  /** Human/half-elf: +1 on one attribute of choice (`speciesAttributeBonus`). */
  choosesBonus: boolean;
  /** Elf/dwarf: −2 on one of these (`speciesAttributePenalty`). */
  penaltyChoices: readonly AttributeKey[];
}

/** The four species of the core rules, R_1..R_4. */
export const SPECIES: readonly SpeciesInfo[] = [
  {
    id: 'human',
    optolithId: 'R_1',
    de: 'Mensch',
    en: 'Human',
    lep: 5,
    sk: -5,
    zk: -5,
    gs: 8,
    ap: 0,
    fixedBonus: [],
    choosesBonus: true,
    penaltyChoices: [],
  },
  {
    id: 'elf',
    optolithId: 'R_2',
    de: 'Elf',
    en: 'Elf',
    lep: 2,
    sk: -4,
    zk: -6,
    gs: 8,
    ap: 18,
    fixedBonus: ['in', 'ge'],
    choosesBonus: false,
    penaltyChoices: ['kl', 'kk'],
  },
  {
    id: 'halfelf',
    optolithId: 'R_3',
    de: 'Halbelf',
    en: 'Half-Elf',
    lep: 5,
    sk: -4,
    zk: -6,
    gs: 8,
    ap: 0,
    fixedBonus: [],
    choosesBonus: true,
    penaltyChoices: [],
  },
  {
    id: 'dwarf',
    optolithId: 'R_4',
    de: 'Zwerg',
    en: 'Dwarf',
    lep: 8,
    sk: -4,
    zk: -4,
    gs: 6,
    ap: 61,
    fixedBonus: ['ko', 'kk'],
    choosesBonus: false,
    penaltyChoices: ['ch', 'ge'],
  },
];

/** Species by sheet key. */
export const SPECIES_BY_ID: ReadonlyMap<string, SpeciesInfo> = new Map(SPECIES.map((species) => [species.id, species]));
