import { IDS } from './data/advantages.js';
import { ATTRIBUTE_BASE, ATTRIBUTE_KEYS, type AttributeKey } from './data/attributes.js';
import {
  COMBAT_TECHNIQUE_BASE,
  COMBAT_TECHNIQUE_BY_ID,
  COMBAT_TECHNIQUES,
  type CombatTechniqueInfo,
} from './data/combat.js';
import { EXPERIENCE_LEVELS, type ExperienceLevelInfo } from './data/experience.js';
import { SPECIES_BY_ID, type SpeciesInfo } from './data/species.js';
import { TALENT_BY_ID, TALENTS, type CostColumn, type TalentInfo } from './data/talents.js';
import { BLESSED_TRADITIONS, MAGICAL_TRADITIONS, type TraditionInfo } from './data/traditions.js';
import type { DsaSheet, Entry } from './sheet.js';

/** JS Math.round (.5 rounds up), as Optolith and Foundry do. */
const round = Math.round;

/** The sum of the levels of every entry with `id` (an entry without `level` counts 1). */
export function level(traits: ReadonlyArray<{ id?: string; level?: number; value?: number }>, id: string): number {
  return traits.filter((trait) => trait.id === id).reduce((sum, trait) => sum + (trait.level ?? trait.value ?? 1), 0);
}

/** Whether a trait with `id` and select option `option` exists (e.g. ADV_16 for TAL_3). */
export function hasOption(
  traits: ReadonlyArray<{ id?: string; option?: string }>,
  id: string,
  option: string,
): boolean {
  return traits.some((trait) => trait.id === id && trait.option === option);
}

/** The species table row (human when unknown). */
export function speciesOf(sheet: DsaSheet): SpeciesInfo {
  return SPECIES_BY_ID.get(sheet.species) ?? SPECIES_BY_ID.get('human')!;
}

/** The experience level table row. */
export function experienceOf(sheet: DsaSheet): ExperienceLevelInfo {
  return EXPERIENCE_LEVELS[Math.min(7, Math.max(1, sheet.experienceLevel)) - 1];
}

/** The sheet's magical tradition, if known. */
export function magicalTradition(sheet: DsaSheet): TraditionInfo | undefined {
  return MAGICAL_TRADITIONS.find((tradition) => tradition.id === sheet.tradition.magical);
}

/** The sheet's blessed tradition, if known. */
export function blessedTradition(sheet: DsaSheet): TraditionInfo | undefined {
  return BLESSED_TRADITIONS.find((tradition) => tradition.id === sheet.tradition.blessed);
}

/** Attribute bonus for combat values: max(0, floor((x − 8) / 3)). */
export function attributeBonus(value: number): number {
  return Math.max(0, Math.floor((value - 8) / 3));
}

/** A derived value with the formula it came from. */
export interface Derived {
  value: number;
  hint: string;
}

/** The AsP part that depends on the primary attribute (also the cap for bought AsP); 0 without a tradition. */
export function aspFromPrimary(sheet: DsaSheet): number {
  const tradition = magicalTradition(sheet);
  return tradition?.primary ? round(sheet.attributes[tradition.primary] * tradition.factor) : 0;
}

/** All derived values of reference §2; `asp`/`kap` are null without the matching tradition. */
export function derivedValues(sheet: DsaSheet): Record<
  'lep' | 'sk' | 'zk' | 'aw' | 'ini' | 'gs' | 'ws' | 'schip',
  Derived
> & {
  asp: Derived | null;
  kap: Derived | null;
} {
  const a = sheet.attributes;
  const sp = speciesOf(sheet);
  const adv = sheet.advantages;
  const dis = sheet.disadvantages;
  const en = sheet.energies;
  const magical = magicalTradition(sheet);
  const blessed = blessedTradition(sheet);
  const lep =
    sp.lep +
    2 * a.ko +
    level(adv, IDS.hoheLebenskraft) -
    level(dis, IDS.niedrigeLebenskraft) +
    en.lepBought -
    en.lepLost;
  const asp = magical
    ? 20 +
      aspFromPrimary(sheet) +
      level(adv, IDS.hoheAstralkraft) -
      level(dis, IDS.niedrigeAstralkraft) +
      en.aspBought -
      en.aspLost +
      en.aspRedeemed +
      6 * level(sheet.specialAbilities, IDS.grosseMeditation)
    : null;
  const kap = blessed
    ? 20 +
      (blessed.primary ? a[blessed.primary] : 0) +
      level(adv, IDS.hoheKarmalkraft) -
      level(dis, IDS.niedrigeKarmalkraft) +
      en.kapBought -
      en.kapLost +
      en.kapRedeemed +
      6 * level(sheet.specialAbilities, IDS.hoheWeihe)
    : null;
  const primaryName = (tradition: TraditionInfo | undefined): string =>
    tradition?.primary ? tradition.primary.toUpperCase() : '0';
  const ab = sheet.options.higherDefense / 2;
  return {
    lep: { value: lep, hint: `${sp.lep} (${sp.de}) + 2×KO ± Hohe/Niedrige Lebenskraft + gekauft − verloren` },
    asp:
      asp === null
        ? null
        : {
            value: asp,
            hint: `20 + ${primaryName(magical)} ± Hohe/Niedrige Astralkraft + gekauft − verloren + zurückgekauft`,
          },
    kap:
      kap === null
        ? null
        : {
            value: kap,
            hint: `20 + ${primaryName(blessed)} ± Hohe/Niedrige Karmalkraft + gekauft − verloren + zurückgekauft`,
          },
    sk: {
      value:
        sp.sk + round((a.mu + a.kl + a.in) / 6) + level(adv, IDS.hoheSeelenkraft) - level(dis, IDS.niedrigeSeelenkraft),
      hint: `${sp.sk} + (MU+KL+IN)/6`,
    },
    zk: {
      value: sp.zk + round((2 * a.ko + a.kk) / 6) + level(adv, IDS.hoheZaehigkeit) - level(dis, IDS.niedrigeZaehigkeit),
      hint: `${sp.zk} + (KO+KO+KK)/6`,
    },
    aw: { value: round(a.ge / 2) + ab, hint: ab ? `GE/2 + ${ab} (höhere Verteidigung)` : 'GE/2' },
    ini: {
      value: round((a.mu + a.ge) / 2) + level(sheet.specialAbilities, IDS.kampfreflexe),
      hint: '(MU+GE)/2 + Kampfreflexe; Wurf: + 1W6',
    },
    gs: {
      value: sp.gs + level(adv, IDS.flink) + level(adv, IDS.leichterGang) - level(dis, IDS.behaebig),
      hint: `${sp.gs} + Flink − Behäbig`,
    },
    ws: {
      value: round(a.ko / 2) + level(adv, IDS.eisern) - level(dis, IDS.glaesern),
      hint: 'KO/2 ± Eisern/Gläsern (optional rule)',
    },
    schip: { value: 3 + level(adv, IDS.glueck) - level(dis, IDS.pech), hint: '3 + Glück − Pech' },
  };
}

/** AT, PA (null without parry) and FK (null for melee) of one combat technique at the sheet's KtW. */
export function combatValues(
  sheet: DsaSheet,
  ct: CombatTechniqueInfo,
): { ktw: number; at: number | null; pa: number | null; fk: number | null } {
  const a = sheet.attributes;
  const ktw = sheet.combatTechniques[ct.id] ?? COMBAT_TECHNIQUE_BASE;
  if (ct.type === 'ranged') return { ktw, at: null, pa: null, fk: ktw + attributeBonus(a.ff) };
  const leading = Math.max(...ct.leading.map((key) => a[key]));
  const pa = ct.noParry ? null : Math.ceil(ktw / 2) + attributeBonus(leading) + sheet.options.higherDefense;
  return { ktw, at: ktw + attributeBonus(a.mu), pa, fk: null };
}

/** AP to raise a value by one step to `n` in column A–E (reference §3). */
function stepCost(column: CostColumn, n: number): number {
  if (column === 'E') return 15 * Math.max(1, n - 13);
  return { A: 1, B: 2, C: 3, D: 4 }[column] * Math.max(1, n - 11);
}

/** AP to go from `from` to `to` in improvement column A–E; negative (a refund) when lowering. */
export function improvementCost(column: CostColumn, from: number, to: number): number {
  if (to < from) return -improvementCost(column, to, from);
  let total = 0;
  for (let n = from + 1; n <= to; n++) total += stepCost(column, n);
  return total;
}

/** AP spent on the species, attributes, skills and combat techniques (advantages, special abilities and spells are not priced). */
export function computedApSpent(sheet: DsaSheet): {
  species: number;
  attributes: number;
  talents: number;
  combat: number;
  total: number;
} {
  const species = speciesOf(sheet).ap;
  const attributes = ATTRIBUTE_KEYS.reduce(
    (sum, key) => sum + improvementCost('E', ATTRIBUTE_BASE, sheet.attributes[key]),
    0,
  );
  const talents = TALENTS.reduce((sum, t) => sum + improvementCost(t.sf, 0, sheet.talents[t.id] ?? 0), 0);
  const combat = COMBAT_TECHNIQUES.reduce(
    (sum, ct) =>
      sum + improvementCost(ct.sf, COMBAT_TECHNIQUE_BASE, sheet.combatTechniques[ct.id] ?? COMBAT_TECHNIQUE_BASE),
    0,
  );
  return { species, attributes, talents, combat, total: species + attributes + talents + combat };
}

/** Creation maximum of one attribute: EL max + species adjustments of the maximum (+1 fixed/chosen, −2 chosen). */
export function attributeCreationMax(sheet: DsaSheet, key: AttributeKey): number {
  const sp = speciesOf(sheet);
  let max = experienceOf(sheet).maxAttribute;
  if (sp.fixedBonus.includes(key)) max += 1;
  if (sp.choosesBonus && sheet.speciesAttributeBonus === key) max += 1;
  if (sp.penaltyChoices.includes(key) && sheet.speciesAttributePenalty === key) max -= 2;
  return max;
}

/** Maximum FW of a skill: min(highest check attribute + 2, EL max during creation) + 1 with ADV_16 for it. */
export function talentMax(sheet: DsaSheet, talent: TalentInfo): number {
  const byAttributes = Math.max(...talent.check.map((key) => sheet.attributes[key])) + 2;
  const cap = sheet.phase === 'creation' ? Math.min(byAttributes, experienceOf(sheet).maxSkill) : byAttributes;
  return cap + (hasOption(sheet.advantages, IDS.herausragendeFertigkeit, talent.id) ? 1 : 0);
}

/** Maximum KtW: min(highest leading attribute + 2, EL max during creation) + 1 with ADV_17 for it. */
export function combatTechniqueMax(sheet: DsaSheet, ct: CombatTechniqueInfo): number {
  const byAttributes = Math.max(...ct.leading.map((key) => sheet.attributes[key])) + 2;
  const cap =
    sheet.phase === 'creation' ? Math.min(byAttributes, experienceOf(sheet).maxCombatTechnique) : byAttributes;
  return cap + (hasOption(sheet.advantages, IDS.herausragendeKampftechnik, ct.id) ? 1 : 0);
}

/** Talent or combat technique lookups re-exported for the ruleset. */
export { COMBAT_TECHNIQUE_BY_ID, TALENT_BY_ID };

/** Whether a spell/liturgy can be rolled: a numeric value and exactly three valid check attributes. */
export function isRollable(entry: Entry): entry is Entry & { value: number; checks: AttributeKey[] } {
  return (
    typeof entry.value === 'number' &&
    Array.isArray(entry.checks) &&
    entry.checks.length === 3 &&
    entry.checks.every((key) => (ATTRIBUTE_KEYS as readonly string[]).includes(key))
  );
}
