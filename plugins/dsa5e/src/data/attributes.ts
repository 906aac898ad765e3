/** Attribute keys (Foundry VTT style), in the canonical order MU KL IN CH FF GE KO KK. */
export const ATTRIBUTE_KEYS = ['mu', 'kl', 'in', 'ch', 'ff', 'ge', 'ko', 'kk'] as const;
/** One attribute key. */
export type AttributeKey = (typeof ATTRIBUTE_KEYS)[number];

/** An attribute with its Optolith id and its German and English names and abbreviations. */
export interface AttributeInfo {
  key: AttributeKey;
  optolithId: string;
  de: string;
  abbr: string;
  en: string;
  abbrEn: string;
}

/** The eight attributes (Eigenschaften); MU KL IN CH are mental, FF GE KO KK physical. */
export const ATTRIBUTES: readonly AttributeInfo[] = [
  { key: 'mu', optolithId: 'ATTR_1', de: 'Mut', abbr: 'MU', en: 'Courage', abbrEn: 'COU' },
  { key: 'kl', optolithId: 'ATTR_2', de: 'Klugheit', abbr: 'KL', en: 'Sagacity', abbrEn: 'SGC' },
  { key: 'in', optolithId: 'ATTR_3', de: 'Intuition', abbr: 'IN', en: 'Intuition', abbrEn: 'INT' },
  { key: 'ch', optolithId: 'ATTR_4', de: 'Charisma', abbr: 'CH', en: 'Charisma', abbrEn: 'CHA' },
  { key: 'ff', optolithId: 'ATTR_5', de: 'Fingerfertigkeit', abbr: 'FF', en: 'Dexterity', abbrEn: 'DEX' },
  { key: 'ge', optolithId: 'ATTR_6', de: 'Gewandtheit', abbr: 'GE', en: 'Agility', abbrEn: 'AGI' },
  { key: 'ko', optolithId: 'ATTR_7', de: 'Konstitution', abbr: 'KO', en: 'Constitution', abbrEn: 'CON' },
  { key: 'kk', optolithId: 'ATTR_8', de: 'Körperkraft', abbr: 'KK', en: 'Strength', abbrEn: 'STR' },
];

/** Every attribute starts at 8 (Optolith `getBaseValueByCategory`). */
export const ATTRIBUTE_BASE = 8;
