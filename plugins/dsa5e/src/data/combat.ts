import type { AttributeKey } from './attributes.js';
import type { CostColumn } from './talents.js';

/** One combat technique (Kampftechnik). */
export interface CombatTechniqueInfo {
  id: string;
  de: string;
  en: string;
  type: 'melee' | 'ranged';
  /** Leading attribute(s): PA uses the highest of them; the KtW maximum is highest + 2. */
  leading: readonly AttributeKey[];
  sf: CostColumn;
  /** True when the technique allows no parry (Kettenwaffen, Peitschen; all ranged techniques have none anyway). */
  noParry: boolean;
}

type Row = [de: string, en: string, type: 'melee' | 'ranged', leading: string, sf: CostColumn, noParry?: true];
// Source: reference §4 (Optolith 2019 data = Foundry pack for CT_1..19; CT_20/21 from Foundry only, parry UNCONFIRMED).
const ROWS: Row[] = [
  ['Armbrüste', 'Crossbows', 'ranged', 'ff', 'B'],
  ['Bögen', 'Bows', 'ranged', 'ff', 'C'],
  ['Dolche', 'Daggers', 'melee', 'ge', 'B'],
  ['Fechtwaffen', 'Fencing Weapons', 'melee', 'ge', 'C'],
  ['Hiebwaffen', 'Impact Weapons', 'melee', 'kk', 'C'],
  ['Kettenwaffen', 'Chain Weapons', 'melee', 'kk', 'C', true],
  ['Lanzen', 'Lances', 'melee', 'kk', 'B'],
  ['Peitschen', 'Whips', 'melee', 'ff', 'B', true],
  ['Raufen', 'Brawling', 'melee', 'ge/kk', 'B'],
  ['Schilde', 'Shields', 'melee', 'kk', 'C'],
  ['Schleudern', 'Slings', 'ranged', 'ff', 'B'],
  ['Schwerter', 'Swords', 'melee', 'ge/kk', 'C'],
  ['Stangenwaffen', 'Polearms', 'melee', 'ge/kk', 'C'],
  ['Wurfwaffen', 'Throwing Weapons', 'ranged', 'ff', 'B'],
  ['Zweihandhiebwaffen', 'Two-Handed Impact Weapons', 'melee', 'kk', 'C'],
  ['Zweihandschwerter', 'Two-Handed Swords', 'melee', 'kk', 'C'],
  ['Feuerspeien', 'Spitting Fire', 'ranged', 'ff', 'B'],
  ['Blasrohre', 'Blowguns', 'ranged', 'ff', 'B'],
  ['Diskusse', 'Discuses', 'ranged', 'ff', 'C'],
  ['Fächer', 'Fans', 'melee', 'ge', 'C'],
  ['Spießwaffen', 'Pikes', 'melee', 'kk', 'C'],
];

/** All 21 combat techniques, CT_1..CT_21. */
export const COMBAT_TECHNIQUES: readonly CombatTechniqueInfo[] = ROWS.map(
  ([de, en, type, leading, sf, noParry], index) => ({
    id: `CT_${index + 1}`,
    de,
    en,
    type,
    leading: leading.split('/') as AttributeKey[],
    sf,
    noParry: noParry === true || type === 'ranged',
  }),
);

/** Combat techniques by id. */
export const COMBAT_TECHNIQUE_BY_ID: ReadonlyMap<string, CombatTechniqueInfo> = new Map(
  COMBAT_TECHNIQUES.map((ct) => [ct.id, ct]),
);

/** Every combat technique starts at KtW 6. */
export const COMBAT_TECHNIQUE_BASE = 6;
