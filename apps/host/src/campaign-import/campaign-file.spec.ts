import { describe, expect, it } from '@jest/globals';
import { CampaignFileInvalid, parseCampaignFile } from './campaign-file.js';

const GOOD = `key: strahd
name: Curse of Strahd
ruleset: generic
description: Gothic horror
npcs:
  - key: ireena
    name: Ireena Kolyana
    revealed: true
    public: [vitals]
    sheet:
      name: Ireena
      hp: { current: 12, max: 12 }
      fields: []
      notes: ''
  - key: strahd
    name: Strahd von Zarovich
`;

function errorsOf(text: string): Array<{ line: number; path: string; message: string }> {
  try {
    parseCampaignFile(text);
  } catch (error) {
    if (error instanceof CampaignFileInvalid) return error.errors;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe(parseCampaignFile.name, () => {
  it('reads a campaign with its NPCs and finds the line of a sheet path', () => {
    const file = parseCampaignFile(GOOD);
    expect(file).toMatchObject({
      key: 'strahd',
      name: 'Curse of Strahd',
      rulesetId: 'generic',
      description: 'Gothic horror',
    });
    expect(file.npcs.map((npc) => [npc.key, npc.revealed, npc.publicStatBlocks])).toEqual([
      ['ireena', true, ['vitals']],
      ['strahd', false, []],
    ]);
    expect(file.npcs[1].sheet).toBeUndefined();
    expect(file.lineOf(['npcs', 0, 'sheet', 'hp', 'current'])).toBe(12);
    expect(file.lineOf(['npcs', 0, 'sheet', 'nothing', 'deeper'])).toBe(10);
  });

  it('names the line of a YAML syntax error', () => {
    const errors = errorsOf('name: x\nruleset: [generic\nkey: a\n');
    expect(errors[0].line).toBeGreaterThanOrEqual(2);
  });

  it('lists every shape problem with its line', () => {
    const errors = errorsOf(`key: Bad Key
name: x
colour: red
npcs:
  - key: a
    name: A
  - key: a
    revealed: maybe
`);
    expect(errors).toEqual(
      expect.arrayContaining([
        { line: 1, path: 'key', message: 'must be lowercase letters, digits, - and _' },
        { line: 3, path: 'colour', message: 'is not a campaign field' },
        { line: 1, path: 'ruleset', message: 'is required' },
        { line: 7, path: 'npcs.1.key', message: '"a" is used by another NPC of this file' },
        { line: 7, path: 'npcs.1.name', message: 'is required' },
        { line: 8, path: 'npcs.1.revealed', message: 'must be true or false' },
      ]),
    );
  });

  it('refuses a file that is not a mapping, and duplicate keys', () => {
    expect(errorsOf('- a\n- b\n')[0].message).toMatch(/must be a mapping/);
    expect(errorsOf('key: a\nkey: b\nname: x\nruleset: generic\n')[0].line).toBe(2);
  });
});
