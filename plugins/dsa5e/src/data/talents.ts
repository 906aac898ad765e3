import type { AttributeKey } from './attributes.js';

/** Improvement cost column (Steigerungsfaktor); E is for attributes. */
export type CostColumn = 'A' | 'B' | 'C' | 'D' | 'E';
/** Encumbrance (Belastung): always, maybe (situational), never. */
export type Encumbrance = 'ja' | 'evtl.' | 'nein';
/** Optolith skill group numbers 1..5 = Körper, Gesellschaft, Natur, Wissen, Handwerk. */
export type TalentGroup = 'body' | 'social' | 'nature' | 'knowledge' | 'trade';

/** One skill (Talent) with its three check attributes. */
export interface TalentInfo {
  id: string;
  de: string;
  en: string;
  check: readonly [AttributeKey, AttributeKey, AttributeKey];
  sf: CostColumn;
  be: Encumbrance;
  group: TalentGroup;
}

/** Skill groups in Optolith order with German and English names. */
export const TALENT_GROUPS: ReadonlyArray<{ id: TalentGroup; de: string; en: string }> = [
  { id: 'body', de: 'Körper', en: 'Physical' },
  { id: 'social', de: 'Gesellschaft', en: 'Social' },
  { id: 'nature', de: 'Natur', en: 'Nature' },
  { id: 'knowledge', de: 'Wissen', en: 'Knowledge' },
  { id: 'trade', de: 'Handwerk', en: 'Craft' },
];

type Row = [de: string, en: string, check: string, sf: CostColumn, be: Encumbrance];
// Source: reference §3 (Foundry skill compendium = Optolith 2019 data + the three changelog corrections).
const ROWS: Record<TalentGroup, Row[]> = {
  body: [
    ['Fliegen', 'Flying', 'mu/in/ge', 'B', 'ja'],
    ['Gaukeleien', 'Gaukelei', 'mu/ch/ff', 'A', 'ja'],
    ['Klettern', 'Climbing', 'mu/ge/kk', 'B', 'ja'],
    ['Körperbeherrschung', 'Body Control', 'ge/ge/ko', 'D', 'ja'],
    ['Kraftakt', 'Feat of Strength', 'ko/kk/kk', 'B', 'ja'],
    ['Reiten', 'Riding', 'ch/ge/kk', 'B', 'ja'],
    ['Schwimmen', 'Swimming', 'ge/ko/kk', 'B', 'ja'],
    ['Selbstbeherrschung', 'Self-Control', 'mu/mu/ko', 'D', 'nein'],
    ['Singen', 'Singing', 'kl/ch/ko', 'A', 'evtl.'],
    ['Sinnesschärfe', 'Perception', 'kl/in/in', 'D', 'evtl.'],
    ['Tanzen', 'Dancing', 'kl/ch/ge', 'A', 'ja'],
    ['Taschendiebstahl', 'Pickpocket', 'mu/ff/ge', 'B', 'ja'],
    ['Verbergen', 'Stealth', 'mu/in/ge', 'C', 'ja'],
    ['Zechen', 'Carousing', 'kl/ko/kk', 'A', 'nein'],
  ],
  social: [
    ['Bekehren & Überzeugen', 'Persuasion', 'mu/kl/ch', 'B', 'nein'],
    ['Betören', 'Seduction', 'mu/ch/ch', 'B', 'evtl.'],
    ['Einschüchtern', 'Intimidation', 'mu/in/ch', 'B', 'nein'],
    ['Etikette', 'Etiquette', 'kl/in/ch', 'B', 'nein'],
    ['Gassenwissen', 'Streetwise', 'kl/in/ch', 'C', 'evtl.'],
    ['Menschenkenntnis', 'Empathy', 'kl/in/ch', 'C', 'nein'],
    ['Überreden', 'Fast-Talk', 'mu/in/ch', 'C', 'nein'],
    ['Verkleiden', 'Disguise', 'in/ch/ge', 'B', 'ja'],
    ['Willenskraft', 'Willpower', 'mu/in/ch', 'D', 'nein'],
  ],
  nature: [
    ['Fährtensuchen', 'Tracking', 'mu/in/ge', 'C', 'ja'],
    ['Fesseln', 'Ropes', 'kl/ff/kk', 'A', 'evtl.'],
    ['Fischen & Angeln', 'Fishing', 'ff/ge/ko', 'A', 'evtl.'],
    ['Orientierung', 'Orienting', 'kl/in/in', 'B', 'nein'],
    ['Pflanzenkunde', 'Plant Lore', 'kl/ff/ko', 'C', 'evtl.'],
    ['Tierkunde', 'Animal Lore', 'mu/mu/ch', 'C', 'ja'],
    ['Wildnisleben', 'Survival', 'mu/ge/ko', 'C', 'ja'],
  ],
  knowledge: [
    ['Brett- & Glücksspiel', 'Gambling', 'kl/kl/in', 'A', 'nein'],
    ['Geographie', 'Geography', 'kl/kl/in', 'B', 'nein'],
    ['Geschichtswissen', 'History', 'kl/kl/in', 'B', 'nein'],
    ['Götter & Kulte', 'Religions', 'kl/kl/in', 'B', 'nein'],
    ['Kriegskunst', 'Warfare', 'mu/kl/in', 'B', 'nein'],
    ['Magiekunde', 'Magical Lore', 'kl/kl/in', 'C', 'nein'],
    ['Mechanik', 'Mechanics', 'kl/kl/ff', 'B', 'nein'],
    ['Rechnen', 'Math', 'kl/kl/in', 'A', 'nein'],
    ['Rechtskunde', 'Law', 'kl/kl/in', 'A', 'nein'],
    ['Sagen & Legenden', 'Myths & Legends', 'kl/kl/in', 'B', 'nein'],
    ['Sphärenkunde', 'Sphere Lore', 'kl/kl/in', 'B', 'nein'],
    ['Sternkunde', 'Astronomy', 'kl/kl/in', 'A', 'nein'],
  ],
  trade: [
    ['Alchimie', 'Alchemy', 'mu/kl/ff', 'C', 'ja'],
    ['Boote & Schiffe', 'Sailing', 'ff/ge/kk', 'B', 'ja'],
    ['Fahrzeuge', 'Driving', 'ch/ff/ko', 'A', 'ja'],
    ['Handel', 'Commerce', 'kl/in/ch', 'B', 'nein'],
    ['Heilkunde Gift', 'Treat Poison', 'mu/kl/in', 'B', 'ja'],
    ['Heilkunde Krankheiten', 'Treat Disease', 'mu/in/ko', 'B', 'ja'],
    ['Heilkunde Seele', 'Treat Soul', 'in/ch/ko', 'B', 'nein'],
    ['Heilkunde Wunden', 'Treat Wounds', 'kl/ff/ff', 'D', 'ja'],
    ['Holzbearbeitung', 'Woodworking', 'ff/ge/kk', 'B', 'ja'],
    ['Lebensmittelbearbeitung', 'Prepare Food', 'in/ff/ff', 'A', 'ja'],
    ['Lederbearbeitung', 'Leatherworking', 'ff/ge/ko', 'B', 'ja'],
    ['Malen & Zeichnen', 'Artistic Ability', 'in/ff/ff', 'A', 'ja'],
    ['Metallbearbeitung', 'Metalworking', 'ff/ko/kk', 'C', 'ja'],
    ['Musizieren', 'Music', 'ch/ff/ko', 'A', 'ja'],
    ['Schlösserknacken', 'Pick Locks', 'in/ff/ff', 'C', 'ja'],
    ['Steinbearbeitung', 'Earthencraft', 'ff/ff/kk', 'A', 'ja'],
    ['Stoffbearbeitung', 'Clothworking', 'kl/ff/ff', 'A', 'ja'],
  ],
};

/** All 59 skills, TAL_1..TAL_59 in Optolith order (Körper 14, Gesellschaft 9, Natur 7, Wissen 12, Handwerk 17). */
export const TALENTS: readonly TalentInfo[] = TALENT_GROUPS.flatMap(({ id: group }) =>
  ROWS[group].map((row) => ({ row, group })),
).map(({ row: [de, en, check, sf, be], group }, index) => ({
  id: `TAL_${index + 1}`,
  de,
  en,
  check: check.split('/') as unknown as TalentInfo['check'],
  sf,
  be,
  group,
}));

/** Skills by id. */
export const TALENT_BY_ID: ReadonlyMap<string, TalentInfo> = new Map(TALENTS.map((talent) => [talent.id, talent]));
