import { describe, expect, it } from '@jest/globals';
import { isRefusal, type RollOptions, type RollOutcome, type Sheet } from '@cm/ruleset-sdk';
import { skillCheck } from '../src/checks.js';
import { COMBAT_TECHNIQUE_BY_ID, COMBAT_TECHNIQUES } from '../src/data/combat.js';
import { EXPERIENCE_LEVELS } from '../src/data/experience.js';
import { TALENT_BY_ID, TALENTS } from '../src/data/talents.js';
import { combatValues, derivedValues, improvementCost } from '../src/rules.js';
import ruleset, { defaultSheet } from '../src/ruleset.js';
import { normalize, type DsaSheet } from '../src/sheet.js';

const asSheet = (sheet: DsaSheet): Sheet => sheet;
const hero = (patch: Partial<DsaSheet> = {}): DsaSheet => ({
  ...defaultSheet(),
  name: 'Alrik',
  attributes: { mu: 14, kl: 13, in: 12, ch: 12, ff: 11, ge: 13, ko: 12, kk: 11 },
  speciesAttributeBonus: 'mu',
  current: { lep: 29, asp: 0, kap: 0, schip: 3 },
  ...patch,
});
/** resolveRoll for rolls that must not be refused. */
function resolve(sheet: Sheet, actionId: string, faces: number[], options?: RollOptions): RollOutcome {
  const outcome = ruleset.resolveRoll(sheet, actionId, faces, options);
  if (isRefusal(outcome)) throw new Error(`refused: ${outcome.refusal.message}`);
  return outcome;
}
const paths = (sheet: DsaSheet): string[] => ruleset.validate(asSheet(sheet)).map((error) => error.path);

describe('dsa5e skill check (§5a test vectors)', () => {
  // #, attributes, FW, modifier, dice, excess, FP, result, QS
  const vectors: Array<
    [number, [number, number, number], number, number, number[], string, number, string, number | null]
  > = [
    [1, [14, 13, 12], 7, 0, [10, 15, 9], '0,2,0', 5, 'success', 2],
    [2, [12, 14, 14], 4, -2, [11, 13, 5], '1,1,0', 2, 'success', 1],
    [3, [11, 12, 13], 3, 0, [15, 8, 14], '4,0,1', -2, 'failure', null],
    [4, [12, 12, 12], 6, -3, [1, 1, 19], '0,0,10', -4, 'critical', 1],
    [5, [15, 15, 15], 16, 0, [20, 20, 3], '5,5,0', 6, 'botch', null],
    [6, [14, 14, 14], 16, 1, [3, 7, 12], '0,0,0', 16, 'success', 6],
    [7, [13, 13, 13], 0, 0, [5, 13, 2], '0,0,0', 0, 'success', 1],
    [8, [12, 13, 11], 10, 0, [12, 17, 11], '0,4,0', 6, 'success', 2],
  ];
  it.each(vectors)('vector #%i', (_n, attributes, fw, modifier, dice, excess, fp, result, qs) => {
    const outcome = skillCheck({ attributes, fw, modifier, dice, criticalRule: 'keep-points' });
    expect(outcome.result).toBe(result);
    expect(outcome.details).toMatchObject({ excess, remainingPoints: fp, qualityLevel: qs });
  });

  it('gives QS 2 for vector #4 with the full-points critical rule (FP = FW = 6)', () => {
    const outcome = skillCheck({
      attributes: [12, 12, 12],
      fw: 6,
      modifier: -3,
      dice: [1, 1, 19],
      criticalRule: 'full-points',
    });
    expect(outcome).toMatchObject({ result: 'critical', details: { qualityLevel: 2, remainingPoints: 6 } });
  });

  it('labels three ones and three twenties', () => {
    expect(
      skillCheck({ attributes: [10, 10, 10], fw: 3, modifier: 0, dice: [1, 1, 1], criticalRule: 'keep-points' }).label,
    ).toBe('Spektakulärer Erfolg, QS 1 (spectacular success, QL 1)');
    expect(
      skillCheck({ attributes: [10, 10, 10], fw: 3, modifier: 0, dice: [20, 20, 20], criticalRule: 'keep-points' })
        .label,
    ).toBe('Schreckliches Missgeschick (spectacular botch)');
  });

  it('resolves talent:TAL_3 from the sheet (vector #1) and honours the sheet option for criticals', () => {
    const sheet = hero({
      attributes: { mu: 14, kl: 8, in: 12, ch: 8, ff: 8, ge: 13, ko: 8, kk: 12 },
      talents: { TAL_3: 7 },
    });
    expect(resolve(asSheet(sheet), 'talent:TAL_3', [10, 15, 9])).toMatchObject({
      result: 'success',
      label: 'Erfolg, QS 2 (success, QL 2)',
    });
    const verbergen = hero({
      attributes: { mu: 12, kl: 8, in: 12, ch: 8, ff: 8, ge: 12, ko: 8, kk: 8 },
      talents: { TAL_13: 6 },
    });
    const full = { ...verbergen, options: { criticalQualityRule: 'full-points' as const, higherDefense: 0 as const } };
    expect(resolve(asSheet(verbergen), 'talent:TAL_13', [1, 1, 19], { modifier: -3 }).details?.qualityLevel).toBe(1);
    expect(resolve(asSheet(full), 'talent:TAL_13', [1, 1, 19], { modifier: -3 }).details?.qualityLevel).toBe(2);
  });
});

describe('dsa5e derived values (§2 worked example)', () => {
  it('computes LeP 29, SK 2, ZK 1, AW 7, INI 14, GS 8, WS 6, SchiP 3 and no AsP/KaP', () => {
    const d = derivedValues(hero());
    expect([d.lep, d.sk, d.zk, d.aw, d.ini, d.gs, d.ws, d.schip].map((value) => value.value)).toEqual([
      29, 2, 1, 7, 14, 8, 6, 3,
    ]);
    expect(d.asp).toBeNull();
    expect(d.kap).toBeNull();
    expect(ruleset.getResources(asSheet(hero())).map((r) => [r.id, r.max])).toEqual([
      ['lep', 29],
      ['schip', 3],
    ]);
  });

  it('applies advantages, disadvantages and traditions', () => {
    const d = derivedValues(
      hero({
        advantages: [
          { id: 'ADV_25', name: 'Hohe Lebenskraft', level: 3 },
          { id: 'ADV_14', name: 'Glück', level: 2 },
          { id: 'ADV_9', name: 'Flink' },
          { id: 'ADV_54', name: 'Eisern' },
        ],
        disadvantages: [
          { id: 'DISADV_29', name: 'Niedrige Seelenkraft' },
          { id: 'DISADV_30', name: 'Niedrige Zähigkeit' },
        ],
        tradition: { magical: 'witch', blessed: 'rondra' },
        energies: {
          lepBought: 2,
          lepLost: 1,
          aspBought: 4,
          aspLost: 0,
          aspRedeemed: 0,
          kapBought: 0,
          kapLost: 2,
          kapRedeemed: 1,
        },
        specialAbilities: [{ id: 'SA_51', name: 'Kampfreflexe', value: 2 }],
      }),
    );
    expect(d.lep.value).toBe(29 + 3 + 2 - 1);
    expect(d.asp?.value).toBe(20 + 12 + 4); // Hexe: CH 12
    expect(d.kap?.value).toBe(20 + 14 - 2 + 1); // Rondra: MU 14
    expect([d.sk.value, d.zk.value, d.gs.value, d.ws.value, d.schip.value, d.ini.value]).toEqual([1, 0, 9, 7, 5, 16]);
  });

  it('adds half of the higher-defense rule to AW and all of it to PA', () => {
    const sheet = hero({
      options: { criticalQualityRule: 'keep-points', higherDefense: 4 },
      combatTechniques: { CT_12: 10 },
    });
    expect(derivedValues(sheet).aw.value).toBe(9);
    expect(combatValues(sheet, COMBAT_TECHNIQUE_BY_ID.get('CT_12')!).pa).toBe(10);
  });
});

describe('dsa5e combat values (§4)', () => {
  it('gives AT 12 / PA 6 for Schwerter KtW 10 and FK 9 for Bögen KtW 8', () => {
    const sheet = hero({ combatTechniques: { CT_12: 10, CT_2: 8 } });
    expect(combatValues(sheet, COMBAT_TECHNIQUE_BY_ID.get('CT_12')!)).toEqual({ ktw: 10, at: 12, pa: 6, fk: null });
    expect(combatValues(sheet, COMBAT_TECHNIQUE_BY_ID.get('CT_2')!)).toEqual({ ktw: 8, at: null, pa: null, fk: 9 });
  });

  it('offers no parry for Kettenwaffen and Peitschen and uses KtW 6 when missing', () => {
    const sheet = hero();
    expect(combatValues(sheet, COMBAT_TECHNIQUE_BY_ID.get('CT_6')!).pa).toBeNull();
    expect(combatValues(sheet, COMBAT_TECHNIQUE_BY_ID.get('CT_8')!).pa).toBeNull();
    expect(combatValues(sheet, COMBAT_TECHNIQUE_BY_ID.get('CT_3')!)).toEqual({ ktw: 6, at: 8, pa: 4, fk: null });
    const ids = ruleset.getDiceActions(asSheet(sheet)).map((action) => action.id);
    expect(ids).toEqual(expect.arrayContaining(['at:CT_6', 'at:CT_12', 'pa:CT_12', 'fk:CT_2', 'aw', 'ini']));
    expect(ids).not.toContain('pa:CT_6');
    expect(ids).not.toContain('at:CT_2');
  });
});

describe('dsa5e 1W20 checks with confirmation (§5b/§5c)', () => {
  const sheet = asSheet(hero({ combatTechniques: { CT_12: 10 } }));
  it.each([
    ['attr:mu', [10, 20], 0, 'success'],
    ['attr:mu', [15, 1], 0, 'failure'],
    ['attr:mu', [15, 1], 1, 'success'],
    ['attr:mu', [1, 14], 0, 'critical'],
    ['attr:mu', [1, 15], 0, 'success'],
    ['attr:mu', [20, 15], 0, 'botch'],
    ['attr:mu', [20, 14], 0, 'failure'],
    ['at:CT_12', [12, 20], 0, 'success'],
    ['at:CT_12', [13, 20], 0, 'failure'],
    ['pa:CT_12', [1, 6], 0, 'critical'],
    ['pa:CT_12', [1, 7], 0, 'success'],
    ['aw', [20, 8], 0, 'botch'],
    ['aw', [20, 7], 0, 'failure'],
  ] as Array<[string, number[], number, string]>)('%s %j mod %i → %s', (actionId, faces, modifier, result) => {
    expect(resolve(sheet, actionId, faces, { modifier }).result).toBe(result);
  });

  it('rolls initiative as 1d6 + INI, neutral', () => {
    const ini = ruleset.getDiceActions(sheet).find((action) => action.id === 'ini');
    expect(ini).toEqual({ id: 'ini', label: 'Initiative', diceString: '1d6+14', category: 'initiative' });
    expect(resolve(sheet, 'ini', [4])).toEqual({
      result: 'neutral',
      label: 'Initiative 18',
      value: 18,
      detail: '1W6 4 + INI 14',
    });
    expect(resolve(sheet, 'ini', [4], { modifier: -2 })).toMatchObject({ value: 16, detail: '1W6 4 + INI 14 − 2' });
  });

  it('shows the remaining points as the value and the dice against the targets as the detail', () => {
    const klettern = asSheet(
      hero({ attributes: { mu: 14, kl: 8, in: 12, ch: 8, ff: 8, ge: 13, ko: 8, kk: 12 }, talents: { TAL_3: 7 } }),
    );
    expect(resolve(klettern, 'talent:TAL_3', [10, 15, 9])).toMatchObject({
      value: 5,
      detail: '5 FP übrig (left) · 10/15/9 gegen (vs) 14/13/12',
    });
    expect(resolve(klettern, 'talent:TAL_3', [20, 20, 9])).toMatchObject({ result: 'botch', value: -6 });
    expect(resolve(klettern, 'attr:mu', [12, 3])).toMatchObject({ value: 12, detail: '12 gegen (vs) 14' });
    expect(resolve(klettern, 'attr:mu', [1, 3]).detail).toBe('1 gegen (vs) 14 · Bestätigung (confirmation) 3');
  });

  it('refuses a target number: DSA5 checks take a modifier', () => {
    expect(ruleset.resolveRoll(sheet, 'attr:mu', [3, 4], { target: 12 })).toEqual({
      refusal: { code: 'target_not_used', message: expect.stringContaining('not a target number'), path: 'target' },
    });
  });

  it('throws clear errors for unknown actions and wrong faces', () => {
    expect(() => resolve(sheet, 'talent:TAL_99', [1, 2, 3])).toThrow('Unknown dice action "talent:TAL_99"');
    expect(() => resolve(sheet, 'fly', [1])).toThrow('Unknown dice action "fly"');
    expect(() => resolve(sheet, 'fk:CT_12', [1, 2])).toThrow('Unknown dice action');
    expect(() => resolve(sheet, 'attr:mu', [3])).toThrow('needs 2 face(s)');
    expect(() => resolve(sheet, 'talent:TAL_1', [0, 2, 21])).toThrow('needs 3 face(s) from 1 to 20');
  });

  it('offers spells only with a value and three checks', () => {
    const mage = asSheet(
      hero({
        spells: [
          { name: 'Ignifaxius', value: 7, checks: ['mu', 'kl', 'ch'] },
          { name: 'Ohne Probe', value: 3 },
        ],
      }),
    );
    const spells = ruleset.getDiceActions(mage).filter((action) => action.category === 'spell');
    expect(spells).toEqual([
      { id: 'spell:0', label: 'Ignifaxius MU/KL/CH', diceString: '3d20', category: 'spell', description: 'FW 7' },
    ]);
    expect(resolve(mage, 'spell:0', [10, 10, 10]).result).toBe('success');
    expect(() => resolve(mage, 'spell:1', [10, 10, 10])).toThrow('Unknown dice action');
  });
});

describe('dsa5e experience-level caps during creation (§6)', () => {
  it.each(EXPERIENCE_LEVELS.map((el) => [el.level, el] as const))(
    'EL %i: valid at the caps, invalid one above',
    (level, el) => {
      const fwCap = Math.min(el.maxAttribute + 2, el.maxSkill);
      const ktwCap = Math.min(el.maxAttribute + 2, el.maxCombatTechnique);
      const atCap = hero({
        experienceLevel: level,
        attributes: {
          mu: el.maxAttribute + 1,
          kl: el.maxAttribute,
          in: 8,
          ch: 8,
          ff: 8,
          ge: el.maxAttribute,
          ko: 8,
          kk: 8,
        },
        talents: { TAL_31: fwCap },
        combatTechniques: { CT_4: ktwCap },
        current: { lep: 21, asp: 0, kap: 0, schip: 3 },
      });
      expect(paths(atCap)).toEqual([]);
      const above = {
        ...atCap,
        attributes: { ...atCap.attributes, kl: el.maxAttribute + 1, mu: el.maxAttribute + 2 },
        talents: { TAL_31: fwCap + 1 },
        combatTechniques: { CT_4: ktwCap + 1 },
      };
      expect(paths(above)).toEqual(
        expect.arrayContaining(['attributes.mu', 'attributes.kl', 'talents.TAL_31', 'combatTechniques.CT_4']),
      );
      expect(paths({ ...above, phase: 'play' })).not.toContain('attributes.kl');
      const exceptional = {
        ...atCap,
        talents: { TAL_31: fwCap + 1 },
        advantages: [{ id: 'ADV_16', name: 'Herausragende Fertigkeit', option: 'TAL_31' }],
      };
      expect(paths(exceptional)).toEqual([]);
    },
  );

  it('caps the attribute sum', () => {
    expect(paths(hero({ attributes: { mu: 14, kl: 14, in: 14, ch: 14, ff: 14, ge: 9, ko: 12, kk: 10 } }))).toEqual([
      'attributes',
    ]);
  });
});

describe('dsa5e data tables', () => {
  it('has all 59 talents in groups of 14/9/7/12/17 and 21 combat techniques', () => {
    expect(TALENTS.map((t) => t.id)).toEqual(Array.from({ length: 59 }, (_, i) => `TAL_${i + 1}`));
    const sizes = ['body', 'social', 'nature', 'knowledge', 'trade'].map(
      (group) => TALENTS.filter((t) => t.group === group).length,
    );
    expect(sizes).toEqual([14, 9, 7, 12, 17]);
    expect(COMBAT_TECHNIQUES.map((ct) => ct.id)).toEqual(Array.from({ length: 21 }, (_, i) => `CT_${i + 1}`));
  });

  it.each([
    ['TAL_1', 'Fliegen', 'Flying', 'mu/in/ge', 'B', 'ja'],
    ['TAL_3', 'Klettern', 'Climbing', 'mu/ge/kk', 'B', 'ja'],
    ['TAL_10', 'Sinnesschärfe', 'Perception', 'kl/in/in', 'D', 'evtl.'],
    ['TAL_15', 'Bekehren & Überzeugen', 'Persuasion', 'mu/kl/ch', 'B', 'nein'],
    ['TAL_18', 'Etikette', 'Etiquette', 'kl/in/ch', 'B', 'nein'],
    ['TAL_22', 'Verkleiden', 'Disguise', 'in/ch/ge', 'B', 'ja'],
    ['TAL_29', 'Tierkunde', 'Animal Lore', 'mu/mu/ch', 'C', 'ja'],
    ['TAL_37', 'Mechanik', 'Mechanics', 'kl/kl/ff', 'B', 'nein'],
    ['TAL_43', 'Alchimie', 'Alchemy', 'mu/kl/ff', 'C', 'ja'],
    ['TAL_50', 'Heilkunde Wunden', 'Treat Wounds', 'kl/ff/ff', 'D', 'ja'],
    ['TAL_59', 'Stoffbearbeitung', 'Clothworking', 'kl/ff/ff', 'A', 'ja'],
  ])('%s is %s (%s) %s, SF %s, BE %s', (id, de, en, check, sf, be) => {
    expect(TALENT_BY_ID.get(id)).toMatchObject({ de, en, check: check.split('/'), sf, be });
  });

  it('labels talent actions "Klettern (Climbing) MU/GE/KK"', () => {
    expect(ruleset.getDiceActions(asSheet(hero())).find((a) => a.id === 'talent:TAL_3')).toMatchObject({
      label: 'Klettern (Climbing) MU/GE/KK',
      diceString: '3d20',
    });
  });
});

describe('dsa5e improvement cost (§3)', () => {
  it.each([
    ['B', 12, 13, 4],
    ['B', 0, 12, 24],
    ['E', 14, 15, 30],
    ['E', 8, 14, 90],
    ['C', 6, 14, 33],
    ['D', 0, 16, 104],
    ['A', 5, 5, 0],
    ['B', 13, 12, -4],
  ] as const)('%s %i→%i = %i AP', (column, from, to, cost) => {
    expect(improvementCost(column, from, to)).toBe(cost);
  });

  it('shows the computed AP as a derived stat', () => {
    const sheet = hero({ talents: { TAL_3: 12 }, combatTechniques: { CT_12: 14 } });
    const ap = ruleset.getStatBlocks(asSheet(sheet)).find((block) => block.id === 'ap')!;
    // attributes: MU 14 → 90, KL 13 → 75, IN/CH 12 → 60 each, FF 11 → 45, GE 13 → 75, KO 12 → 60, KK 11 → 45 = 510
    expect(ap.stats.find((s) => s.id === 'computed.attributes')?.value).toBe(510);
    expect(ap.stats.find((s) => s.id === 'computed')?.value).toBe(510 + 24 + 33);
  });
});

describe('dsa5e sheet handling', () => {
  it('has a valid default sheet and reads the name', () => {
    expect(ruleset.validate(ruleset.defaultSheet())).toEqual([]);
    expect(ruleset.getName?.(asSheet(hero()))).toBe('Alrik');
  });

  it('never throws on garbage and reports it', () => {
    expect(() => ruleset.getStatBlocks({})).not.toThrow();
    expect(paths({} as unknown as DsaSheet)).toEqual(
      expect.arrayContaining(['name', 'species', 'attributes', 'talents', 'current']),
    );
    expect(normalize({ attributes: { mu: 'x' } }).attributes.mu).toBe(8);
  });
});
