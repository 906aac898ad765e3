import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { optolithImporter } from '../src/importer.js';
import { derivedValues } from '../src/rules.js';
import ruleset from '../src/ruleset.js';
import { normalize } from '../src/sheet.js';

const file = fileURLToPath(new URL('../fixtures/import/optolith-hero.json', import.meta.url));
const hero = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const importer = optolithImporter;

describe('dsa5e Optolith importer', () => {
  it('recognises Optolith exports only', () => {
    expect(importer.accepts(hero)).toBe(true);
    expect(importer.accepts({ id: 'H_1', clientVersion: '1.0.0' })).toBe(true);
    expect(importer.accepts({ id: 'X_1', attr: {} })).toBe(false);
    expect(importer.accepts({ id: 'H_1' })).toBe(false);
    expect(importer.accepts(null)).toBe(false);
    expect(() => importer.import({ name: 'x' })).toThrow('Not an Optolith hero export');
  });

  it('imports attributes, species, EL, phase, talents and combat techniques', () => {
    const { name, sheet, warnings } = importer.import(hero);
    expect(name).toBe('Robak Sturmfels');
    expect(sheet).toMatchObject({
      name: 'Robak Sturmfels',
      species: 'human',
      experienceLevel: 3,
      phase: 'play',
      attributes: { mu: 13, kl: 15, in: 14, ch: 14, ff: 12, ge: 12, ko: 13, kk: 10 },
      speciesAttributeBonus: 'kl',
      tradition: { magical: 'guildmage', blessed: null },
      talents: { TAL_8: 3, TAL_10: 7, TAL_40: 10 },
      combatTechniques: { CT_13: 14, CT_9: 8 },
      ap: { total: 1250, spent: 0 },
    });
    expect(sheet.advantages).toEqual([
      { id: 'ADV_50', name: 'Zauberer (Spellcaster)' },
      { id: 'ADV_14', name: 'Glück (Luck)', level: 1 },
    ]);
    expect(sheet.disadvantages).toEqual([{ id: 'DISADV_50', name: 'DISADV_50', level: 2, option: '8' }]);
    expect(sheet.spells).toEqual([
      { id: 'SPELL_29', name: 'SPELL_29', value: 12 },
      { id: 'SPELL_36', name: 'SPELL_36', value: 3 },
    ]);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringContaining('cantrip'), '"belongings" not imported']));
    expect(ruleset.validate(sheet)).toEqual([]);
  });

  it('derives LeP 31, AsP 36, SK 2, ZK 1, SchiP 4 and fills the current pools', () => {
    const { sheet } = importer.import(hero);
    const d = derivedValues(normalize(sheet));
    expect([d.lep.value, d.asp?.value, d.sk.value, d.zk.value, d.schip.value]).toEqual([31, 36, 2, 1, 4]);
    expect(sheet.current).toEqual({ lep: 31, asp: 36, kap: 0, schip: 4 });
    expect(ruleset.getResources(sheet).map((r) => r.id)).toEqual(['lep', 'asp', 'schip']);
  });

  it('reads legacy [id, value, adjustment] tuples and warns about what it cannot map', () => {
    const legacy = {
      ...hero,
      r: 'R_4',
      el: 'EL_9',
      phase: 2,
      attr: {
        values: [
          ['ATTR_1', 12, 0],
          ['ATTR_7', 14, 1],
        ],
        attributeAdjustmentSelected: 'ATTR_6',
      },
      talents: { TAL_3: 5, TAL_77: 4 },
      ct: { CT_99: 8 },
      activatable: { ADV_12: [{}] },
    };
    const { sheet, warnings } = importer.import(legacy);
    expect(sheet).toMatchObject({
      species: 'dwarf',
      experienceLevel: 3,
      phase: 'creation',
      speciesAttributeBonus: null,
      speciesAttributePenalty: 'ge',
    });
    expect(sheet.attributes).toMatchObject({ mu: 12, ko: 14, kl: 8 });
    expect(sheet.talents).toEqual({ TAL_3: 5 });
    expect(warnings).toEqual(
      expect.arrayContaining([
        'experience level "EL_9" unknown: set to EL_3',
        'talent "TAL_77" skipped (unknown id)',
        'combat technique "CT_99" skipped (unknown id)',
        expect.stringContaining('ATTR_2 (KL) missing'),
        expect.stringContaining('Geweihter without a recognised tradition'),
      ]),
    );
  });

  it('keeps culture, profession, variants, sex and personal data (fixture valid/optolith-robak-imported.json)', () => {
    const expected = JSON.parse(
      readFileSync(fileURLToPath(new URL('../fixtures/valid/optolith-robak-imported.json', import.meta.url)), 'utf8'),
    ) as Record<string, unknown>;
    const { sheet, warnings } = importer.import(hero);
    expect(sheet).toEqual(expected);
    expect(sheet.details).toEqual({
      culture: 'C_18',
      profession: 'P_127',
      professionVariant: 'PV_0',
      speciesVariant: 'RV_1',
      sex: 'm',
      family: 'Sturmfels',
      placeOfBirth: 'Punin',
      dateOfBirth: '3. Praios 1012 BF',
      age: '27',
      height: '1,82',
      weight: '78',
      title: 'Adeptus minor',
      characteristics: 'Spricht leise, denkt laut.',
    });
    expect(warnings).toEqual(
      expect.arrayContaining([
        'culture C_18, profession P_127, profession variant PV_0, species variant RV_1 kept as Optolith ids: dsa5e has no names for them',
        'hair colour (Optolith id 3) not imported',
        'eye colour (Optolith id 7) not imported',
        'social status (Optolith id 2) not imported',
      ]),
    );
    expect((warnings ?? []).join('\n')).not.toMatch(/"pers" not imported/);
  });

  it('keeps a custom profession by its name and warns for each field it cannot keep', () => {
    const { sheet, warnings } = importer.import({
      ...hero,
      p: 'P_0',
      professionName: 'Wanderprediger',
      pv: undefined,
      sex: 3,
      avatar: 'data:image/png;base64,AAAA',
      pers: { ...(hero.pers as Record<string, unknown>), age: 27, title: { de: 'x' } },
    });
    expect(sheet.details).toMatchObject({ profession: 'Wanderprediger', age: '27', culture: 'C_18' });
    expect(sheet.details).not.toHaveProperty('sex');
    expect(sheet.details).not.toHaveProperty('professionVariant');
    expect(sheet.details).not.toHaveProperty('title');
    expect(warnings).toEqual(
      expect.arrayContaining([
        'sex 3 not imported (not text)',
        'culture C_18, species variant RV_1 kept as Optolith ids: dsa5e has no names for them',
        '"pers.title" not imported (not text)',
        'the avatar is not imported: upload it as the portrait',
      ]),
    );
    expect(ruleset.validate(sheet)).toEqual([]);
  });
});
