import { defineRuleset, type ResourceState, type StatBlock } from '@cm/ruleset-sdk';
import { diceActions, resolveRoll } from './actions.js';
import { ATTRIBUTES } from './data/attributes.js';
import { COMBAT_TECHNIQUES } from './data/combat.js';
import { optolithImporter } from './importer.js';
import { combatValues, computedApSpent, derivedValues } from './rules.js';
import { normalize, type DsaSheet } from './sheet.js';
import { validateSheet } from './validate.js';

/** A new hero: human, Erfahren (EL 3), creation phase, all attributes 8, everything at its base value. */
export function defaultSheet(): DsaSheet {
  return {
    name: 'Neuer Held',
    species: 'human',
    experienceLevel: 3,
    phase: 'creation',
    attributes: { mu: 8, kl: 8, in: 8, ch: 8, ff: 8, ge: 8, ko: 8, kk: 8 },
    speciesAttributeBonus: null,
    speciesAttributePenalty: null,
    advantages: [],
    disadvantages: [],
    tradition: { magical: null, blessed: null },
    energies: {
      lepBought: 0,
      lepLost: 0,
      aspBought: 0,
      aspLost: 0,
      aspRedeemed: 0,
      kapBought: 0,
      kapLost: 0,
      kapRedeemed: 0,
    },
    current: { lep: 21, asp: 0, kap: 0, schip: 3 },
    talents: {},
    combatTechniques: {},
    specialAbilities: [],
    spells: [],
    liturgies: [],
    ap: { total: 1100, spent: 0 },
    notes: '',
    options: { criticalQualityRule: 'keep-points', higherDefense: 0 },
  };
}

/** Attributes, derived values (with formulas), combat values per technique and AP spent (computed, never stored). */
export function statBlocks(sheet: DsaSheet): StatBlock[] {
  const d = derivedValues(sheet);
  const pools = [
    ['lep', 'LeP Lebensenergie (Life Points)', d.lep],
    ['asp', 'AsP Astralenergie (Arcane Energy)', d.asp],
    ['kap', 'KaP Karmaenergie (Karma Points)', d.kap],
    ['sk', 'SK Seelenkraft (Spirit)', d.sk],
    ['zk', 'ZK Zähigkeit (Toughness)', d.zk],
    ['aw', 'AW Ausweichen (Dodge)', d.aw],
    ['ini', 'INI Initiative', d.ini],
    ['gs', 'GS Geschwindigkeit (Movement)', d.gs],
    ['ws', 'WS Wundschwelle (Wound Threshold)', d.ws],
    ['schip', 'SchiP Schicksalspunkte (Fate Points)', d.schip],
  ] as const;
  const combat = COMBAT_TECHNIQUES.flatMap((ct) => {
    const v = combatValues(sheet, ct);
    return (['at', 'pa', 'fk'] as const)
      .filter((kind) => v[kind] !== null)
      .map((kind) => ({
        id: `${kind}:${ct.id}`,
        label: `${kind.toUpperCase()} ${ct.de}`,
        value: v[kind]!,
        hint: `KtW ${v.ktw}`,
      }));
  });
  const ap = computedApSpent(sheet);
  return [
    {
      id: 'attributes',
      label: 'Eigenschaften (Attributes)',
      stats: ATTRIBUTES.map((a) => ({
        id: a.key,
        label: `${a.abbr} ${a.de}`,
        value: sheet.attributes[a.key],
        hint: a.en,
      })),
    },
    {
      id: 'derived',
      label: 'Abgeleitete Werte (Derived Values)',
      stats: pools
        .filter(([, , value]) => value !== null)
        .map(([id, label, value]) => ({ id, label, value: value!.value, hint: value!.hint })),
    },
    { id: 'combat', label: 'Kampfwerte (Combat Values)', stats: combat },
    {
      id: 'ap',
      label: 'Abenteuerpunkte (Adventure Points)',
      stats: [
        { id: 'total', label: 'AP gesamt', value: sheet.ap.total },
        { id: 'spent', label: 'AP ausgegeben (eingetragen)', value: sheet.ap.spent },
        {
          id: 'available',
          label: 'AP verfügbar',
          value: sheet.ap.total - sheet.ap.spent,
          hint: 'gesamt − ausgegeben (eingetragen)',
        },
        {
          id: 'computed',
          label: 'AP berechnet',
          value: ap.total,
          hint: 'Spezies + Eigenschaften + Talente + Kampftechniken (ohne Vor-/Nachteile, SF, Zauber)',
        },
        { id: 'computed.attributes', label: 'AP Eigenschaften', value: ap.attributes },
        { id: 'computed.talents', label: 'AP Talente', value: ap.talents },
        { id: 'computed.combat', label: 'AP Kampftechniken', value: ap.combat },
      ],
    },
  ];
}

/** LeP and SchiP always; AsP with a magical and KaP with a blessed tradition. */
export function resources(sheet: DsaSheet): ResourceState[] {
  const d = derivedValues(sheet);
  const list: ResourceState[] = [
    { id: 'lep', label: 'LeP', path: ['current', 'lep'], value: sheet.current.lep, min: 0, max: d.lep.value },
  ];
  if (d.asp)
    list.push({
      id: 'asp',
      label: 'AsP',
      path: ['current', 'asp'],
      value: sheet.current.asp,
      min: 0,
      max: d.asp.value,
    });
  if (d.kap)
    list.push({
      id: 'kap',
      label: 'KaP',
      path: ['current', 'kap'],
      value: sheet.current.kap,
      min: 0,
      max: d.kap.value,
    });
  list.push({
    id: 'schip',
    label: 'SchiP',
    path: ['current', 'schip'],
    value: sheet.current.schip,
    min: 0,
    max: d.schip.value,
  });
  return list;
}

export default defineRuleset({
  defaultSheet,
  validate: validateSheet,
  getStatBlocks: (sheet) => statBlocks(normalize(sheet)),
  getDiceActions: (sheet) => diceActions(normalize(sheet)),
  resolveRoll: (sheet, actionId, faces, options) => resolveRoll(normalize(sheet), actionId, faces, options),
  getResources: (sheet) => resources(normalize(sheet)),
  getName: (sheet) => (typeof sheet.name === 'string' ? sheet.name : undefined),
  migrations: [],
  importers: [optolithImporter],
});
