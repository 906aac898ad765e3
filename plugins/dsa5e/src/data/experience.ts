/** One experience level (Erfahrungsgrad) and its creation caps (reference §6, Optolith `el`). */
export interface ExperienceLevelInfo {
  level: number;
  optolithId: string;
  de: string;
  en: string;
  ap: number;
  maxAttribute: number;
  maxSkill: number;
  maxCombatTechnique: number;
  maxAttributeSum: number;
  maxSpells: number;
  maxUnfamiliarSpells: number;
}

type Row = [
  de: string,
  en: string,
  ap: number,
  attr: number,
  skill: number,
  ct: number,
  sum: number,
  spells: number,
  unfamiliar: number,
];
const ROWS: Row[] = [
  ['Unerfahren', 'Inexperienced', 900, 12, 10, 8, 95, 8, 0],
  ['Durchschnittlich', 'Ordinary', 1000, 13, 10, 10, 98, 10, 1],
  ['Erfahren', 'Experienced', 1100, 14, 10, 12, 100, 12, 2],
  ['Kompetent', 'Competent', 1200, 15, 13, 14, 102, 14, 3],
  ['Meisterlich', 'Masterly', 1400, 16, 16, 16, 105, 16, 4],
  ['Brillant', 'Brilliant', 1700, 17, 19, 18, 109, 18, 5],
  ['Legendär', 'Legendary', 2100, 18, 20, 20, 114, 20, 6],
];

/** EL_1..EL_7; `EXPERIENCE_LEVELS[n - 1]` is level n. */
export const EXPERIENCE_LEVELS: readonly ExperienceLevelInfo[] = ROWS.map(
  ([de, en, ap, attr, skill, ct, sum, spells, unfamiliar], index) => ({
    level: index + 1,
    optolithId: `EL_${index + 1}`,
    de,
    en,
    ap,
    maxAttribute: attr,
    maxSkill: skill,
    maxCombatTechnique: ct,
    maxAttributeSum: sum,
    maxSpells: spells,
    maxUnfamiliarSpells: unfamiliar,
  }),
);
