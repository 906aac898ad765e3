import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_PLUGINS_DIR } from './support/plugins.js';
import {
  assignedCharacter,
  groupWith,
  registerVerifiedUser,
  startCampaignHost,
  type CampaignHost,
  type TestUser,
} from './support/users.js';

describe('group rolls (POST/GET /v1/groups/:id/rolls)', () => {
  let ctx: CampaignHost;
  let dm: TestUser;
  let player: TestUser;
  let outsider: TestUser;
  let dsaGroup: string;
  let genericGroup: string;
  let alrik: string;
  let aria: string;

  async function rollCount(groupId: string): Promise<number> {
    const { rows } = await ctx.db.query(`SELECT count(*)::int AS n FROM rolls WHERE group_id = $1`, [groupId]);
    return rows[0].n;
  }

  const roll = (user: TestUser | undefined, groupId: string, body: unknown) =>
    ctx.as(user)('POST', `/v1/groups/${groupId}/rolls`, body);

  beforeAll(async () => {
    ctx = await startCampaignHost(['generic', 'dsa5e']);
    [dm, player, outsider] = await Promise.all([
      registerVerifiedUser(ctx.http, ctx.smtp, 'Roll DM'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Roll Player'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Roll Outsider'),
    ]);
    dsaGroup = await groupWith(ctx, dm, 'dsa5e', [player]);
    genericGroup = await groupWith(ctx, dm, 'generic', [player]);
    const hero = JSON.parse(
      await readFile(join(REPO_PLUGINS_DIR, 'dsa5e/fixtures/valid/human-worked-example.json'), 'utf8'),
    );
    alrik = await assignedCharacter(ctx, player, 'dsa5e', 'Alrik', hero, dsaGroup);
    aria = await assignedCharacter(
      ctx,
      player,
      'generic',
      'Aria',
      {
        name: 'Aria',
        hp: { current: 10, max: 10 },
        fields: [],
        notes: '',
        initiativeBonus: 3,
        dice: [
          { id: 'bow', label: 'Longbow', diceString: '1d20+7' },
          { id: 'strike', label: 'Strike', diceString: 'Hit:1d20+1d6+2' },
        ],
      },
      genericGroup,
    );
  }, 90_000);

  afterAll(async () => {
    await ctx?.stop();
  });

  it('rolls a notation on the server for members, stores it and announces roll.created in the same transaction', async () => {
    const created = await roll(player, genericGroup, { notation: 'Attack:1d20+5/Damage:2d6', label: 'Sword' });
    expect(created.status).toBe(201);
    const body = created.body;
    expect(body).toMatchObject({
      groupId: genericGroup,
      userId: player.id,
      characterId: null,
      label: 'Sword',
      notation: 'Attack:1d20+5/Damage:2d6',
      source: 'server',
      outcome: null,
    });
    const [attack, damage] = body.groups;
    expect(attack).toMatchObject({
      name: 'Attack',
      modifier: 5,
      dice: [{ sign: '+', sides: 20, faces: [expect.any(Number)] }],
    });
    expect(attack.total).toBe(attack.dice[0].faces[0] + 5);
    expect(damage.dice[0].faces).toHaveLength(2);
    expect(body.diceTotal).toBe(attack.total + damage.total);
    // a plain notation roll has no ruleset reading: the figure to show is the dice total
    expect(body.value).toBe(body.diceTotal);
    expect(body).not.toHaveProperty('total');
    expect(body).not.toHaveProperty('options');
    const { rows } = await ctx.db.query(
      `SELECT e.type, e.payload, e.created_at = r.created_at AS same_tx FROM group_events e JOIN rolls r ON r.id = (e.payload->>'id')::uuid
        WHERE e.group_id = $1 AND e.type = 'roll.created' AND r.id = $2`,
      [genericGroup, body.id],
    );
    expect(rows).toHaveLength(1);
    // now() is the transaction's start time: equal timestamps prove one transaction wrote both rows.
    expect(rows[0].same_tx).toBe(true);
    expect(rows[0].payload).toEqual({
      id: body.id,
      userId: player.id,
      characterId: null,
      label: 'Sword',
      notation: body.notation,
      diceTotal: body.diceTotal,
      value: body.diceTotal,
      groups: body.groups,
      source: 'server',
      outcome: null,
    });
  });

  it('answers 404 to non-members (like a missing group) and 401 without a token', async () => {
    const before = await rollCount(genericGroup);
    const stranger = await roll(outsider, genericGroup, { notation: '1d6' });
    expect(stranger.status).toBe(404);
    expect(stranger.body.code).toBe('not_found');
    const missing = await roll(outsider, '00000000-0000-4000-8000-000000000000', { notation: '1d6' });
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe(stranger.body.detail);
    expect((await ctx.as(outsider)('GET', `/v1/groups/${genericGroup}/rolls`)).status).toBe(404);
    expect((await roll(undefined, genericGroup, { notation: '1d6' })).status).toBe(401);
    expect((await ctx.as(undefined)('GET', `/v1/groups/${genericGroup}/rolls`)).status).toBe(401);
    expect(await rollCount(genericGroup)).toBe(before);
  });

  it('rolls a dsa5e talent check on the server and stores the ruleset outcome with a quality level', async () => {
    const created = await roll(player, dsaGroup, { characterId: alrik, actionId: 'talent:TAL_23', modifier: 1 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ characterId: alrik, source: 'server', notation: '3d20' });
    expect(created.body.label).toMatch(/\S/);
    const faces: number[] = created.body.groups[0].dice[0].faces;
    expect(faces).toHaveLength(3);
    expect(faces.every((face) => face >= 1 && face <= 20)).toBe(true);
    const outcome = created.body.outcome;
    expect(['success', 'failure', 'critical', 'botch']).toContain(outcome.result);
    expect(outcome.tone).toBe(outcome.result);
    expect(outcome.details).toHaveProperty('qualityLevel');
    // DSA5's figure is the remaining points, not the sum of the three d20 faces (issue 8)
    expect(created.body.diceTotal).toBe(faces[0] + faces[1] + faces[2]);
    expect(created.body.value).toBe(outcome.value);
    expect(outcome.value).toBe(outcome.details.remainingPoints);
    expect(created.body.options).toEqual({ modifier: 1 });
    if (outcome.result === 'success') expect(outcome.details.qualityLevel).toBeGreaterThanOrEqual(1);
    const { rows } = await ctx.db.query(`SELECT outcome, source, character_id FROM rolls WHERE id = $1`, [
      created.body.id,
    ]);
    expect(rows[0]).toEqual({ outcome, source: 'server', character_id: alrik });
    const { rows: events } = await ctx.db.query(
      `SELECT payload FROM group_events WHERE type = 'roll.created' AND payload->>'id' = $1`,
      [created.body.id],
    );
    expect(events[0].payload).toMatchObject({
      outcome,
      diceTotal: created.body.diceTotal,
      value: outcome.value,
      options: { modifier: 1 },
    });
  });

  it('refuses a target for DSA5 (it takes a modifier) with 422 ruleset_refused, and a target without an action', async () => {
    const before = await rollCount(dsaGroup);
    const refused = await roll(player, dsaGroup, { characterId: alrik, actionId: 'attr:mu', target: 12 });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      code: 'ruleset_refused',
      rulesetCode: 'target_not_used',
      pluginId: 'dsa5e',
      errors: [{ path: 'target', message: expect.stringContaining('not a target number') }],
    });
    const bare = await roll(player, dsaGroup, { notation: '1d20', target: 12 });
    expect(bare.status).toBe(400);
    expect(bare.body.errors).toEqual([expect.objectContaining({ path: 'target' })]);
    expect(await rollCount(dsaGroup)).toBe(before);
  });

  it('resolves reported TaleSpire faces of a dsa5e talent deterministically (QL 4 for FW 10 and faces 2/2/2)', async () => {
    const reported = await roll(player, dsaGroup, {
      characterId: alrik,
      actionId: 'talent:TAL_23',
      talespire: {
        rollId: 'ts-roll-1',
        resultsGroups: [{ name: 'Talent', result: { kind: 'd20', results: [2, 2, 2] } }],
      },
    });
    expect(reported.status).toBe(201);
    expect(reported.body).toMatchObject({
      source: 'talespire',
      diceTotal: 6,
      value: 10,
      talespireRollId: 'ts-roll-1',
      characterId: alrik,
    });
    expect(reported.body.outcome).toMatchObject({
      result: 'success',
      tone: 'success',
      value: 10,
      details: { qualityLevel: 4, remainingPoints: 10 },
    });
    // the action's dice string (3d20) is enforced: 2 dice are refused
    const wrong = await roll(player, dsaGroup, {
      characterId: alrik,
      actionId: 'talent:TAL_23',
      talespire: { resultsGroups: [{ name: 'Talent', result: { kind: 'd20', results: [2, 2] } }] },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toMatch(/^talespire\.resultsGroups/);
  });

  it("rolls a generic character's action, with the modifier applied by the ruleset", async () => {
    const created = await roll(player, genericGroup, { characterId: aria, actionId: 'custom:bow', modifier: 2 });
    expect(created.status).toBe(201);
    const face = created.body.groups[0].dice[0].faces[0];
    expect(created.body).toMatchObject({
      label: 'Longbow',
      notation: '1d20+7',
      diceTotal: face + 7,
      value: face + 9,
      characterId: aria,
    });
    expect(created.body.outcome).toEqual({
      result: 'neutral',
      tone: 'neutral',
      label: `Longbow: ${face + 9}`,
      value: face + 9,
    });
    const aimed = await roll(player, genericGroup, { characterId: aria, actionId: 'custom:bow', target: 18 });
    expect(aimed.status).toBe(201);
    const aimedFace = aimed.body.groups[0].dice[0].faces[0];
    expect(aimed.body.options).toEqual({ target: 18 });
    expect(aimed.body.outcome).toMatchObject({
      result: aimedFace + 7 >= 18 ? 'success' : 'failure',
      detail: `${aimedFace + 7} ${aimedFace + 7 >= 18 ? '≥' : '<'} target 18`,
    });
    const initiative = await roll(player, genericGroup, { characterId: aria, actionId: 'initiative' });
    expect(initiative.body.notation).toBe('1d20+3');
  });

  it("lets only the owner or the DM roll a character's action", async () => {
    expect((await roll(dm, genericGroup, { characterId: aria, actionId: 'initiative' })).status).toBe(201);
    const dmOther = await ctx.as(dm)('POST', '/v1/characters', {
      rulesetId: 'generic',
      name: 'NPC',
      sheet: { name: 'NPC', hp: { current: 1, max: 1 }, fields: [], notes: '' },
    });
    expect(
      (await ctx.as(dm)('POST', `/v1/groups/${genericGroup}/characters`, { characterId: dmOther.body.id })).status,
    ).toBe(200);
    const before = await rollCount(genericGroup);
    const foreign = await roll(player, genericGroup, { characterId: dmOther.body.id, actionId: 'initiative' });
    expect(foreign.status).toBe(403);
    const unassigned = await roll(player, dsaGroup, { characterId: aria, actionId: 'initiative' });
    expect(unassigned.status).toBe(404);
    const unknownAction = await roll(player, genericGroup, { characterId: aria, actionId: 'custom:nope' });
    expect(unknownAction.status).toBe(400);
    expect(unknownAction.body.errors).toEqual([expect.objectContaining({ path: 'actionId' })]);
    expect(await rollCount(genericGroup)).toBe(before);
  });

  it('recomputes TaleSpire totals and refuses a forged total field', async () => {
    const resultsGroups = [
      { name: 'Hit', result: { operator: '+', operands: [{ kind: 'd20', results: [17] }, { value: 4 }] } },
    ];
    const before = await rollCount(genericGroup);
    const forgedTop = await roll(player, genericGroup, { talespire: { resultsGroups }, total: 99 });
    expect(forgedTop.status).toBe(400);
    expect(forgedTop.body.errors).toEqual([expect.objectContaining({ path: 'total' })]);
    const forgedNested = await roll(player, genericGroup, { talespire: { resultsGroups, total: 99 } });
    expect(forgedNested.status).toBe(400);
    expect(forgedNested.body.errors).toEqual([expect.objectContaining({ path: 'talespire.total' })]);
    expect(await rollCount(genericGroup)).toBe(before);
    // a total hidden inside the tree is ignored: the stored total is recomputed from the faces
    const smuggled = [
      {
        name: 'Hit',
        total: 99,
        result: { operator: '+', total: 99, operands: [{ kind: 'd20', results: [17] }, { value: 4 }] },
      },
    ];
    const created = await roll(player, genericGroup, { talespire: { rollId: 'abc', resultsGroups: smuggled } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ diceTotal: 21, source: 'talespire', notation: 'Hit:1d20+4', label: 'Hit' });
    const { rows } = await ctx.db.query(`SELECT total, source FROM rolls WHERE id = $1`, [created.body.id]);
    expect(rows[0]).toEqual({ total: 21, source: 'talespire' });
  });

  it("reads TaleSpire terms reported in another order in the order of the action's dice string", async () => {
    // TaleSpire may report `Hit:1d20+1d6+2` as d6, d20, 2: the ruleset must still get [d20, d6]
    const resultsGroups = [
      {
        name: 'Hit',
        result: {
          operator: '+',
          operands: [
            {
              operator: '+',
              operands: [
                { kind: 'd6', results: [4] },
                { kind: 'd20', results: [17] },
              ],
            },
            { value: 2 },
          ],
        },
      },
    ];
    const created = await roll(player, genericGroup, {
      characterId: aria,
      actionId: 'custom:strike',
      talespire: { resultsGroups },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ notation: 'Hit:1d20+1d6+2', diceTotal: 23, value: 23 });
    expect(created.body.groups[0].dice).toEqual([
      { sign: '+', sides: 20, faces: [17] },
      { sign: '+', sides: 6, faces: [4] },
    ]);
    expect(created.body.outcome).toMatchObject({ label: 'Strike: 23' });
  });

  it('refuses reported faces out of range and malformed trees with 400, storing nothing', async () => {
    const before = await rollCount(genericGroup);
    const cases = [
      [{ name: '', result: { kind: 'd6', results: [7] } }],
      [{ name: '', result: { kind: 'd6', results: [0] } }],
      [{ name: '', result: { kind: 'd7', results: [1] } }],
      [{ name: '', result: { value: 3 } }],
      [{ name: '', result: { kind: 'd20', results: Array.from({ length: 101 }, () => 1) } }],
    ];
    for (const resultsGroups of cases) {
      const response = await roll(player, genericGroup, { talespire: { resultsGroups } });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].path).toMatch(/^talespire\.resultsGroups\[0\]/);
    }
    expect((await roll(player, genericGroup, { talespire: { resultsGroups: [] } })).status).toBe(400);
    expect(await rollCount(genericGroup)).toBe(before);
  });

  it('refuses invalid and absurd notations with 400 (message and position) and stores nothing', async () => {
    const before = await rollCount(genericGroup);
    const invalid = await roll(player, genericGroup, { notation: '1d20+' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.detail).toMatch(/^Invalid notation: /);
    expect(invalid.body.position).toEqual(expect.any(Number));
    expect(invalid.body.errors).toEqual([expect.objectContaining({ path: 'notation' })]);
    for (const notation of [
      '1000d6',
      '99999999999999999999d6',
      '1d1000000',
      'hello',
      '0d6',
      '1d6/1d6/1d6/1d6/1d6/1d6/1d6/1d6/1d6/1d6/1d6',
    ]) {
      const response = await roll(player, genericGroup, { notation });
      expect(response.status).toBe(400);
    }
    expect((await roll(player, genericGroup, { notation: 'x'.repeat(201) })).status).toBe(400);
    expect((await roll(player, genericGroup, {})).status).toBe(400);
    expect(
      (await roll(player, genericGroup, { notation: '1d6', characterId: aria, actionId: 'initiative' })).status,
    ).toBe(400);
    expect((await roll(player, genericGroup, { characterId: aria })).status).toBe(400);
    expect(await rollCount(genericGroup)).toBe(before);
  });

  it('pages the roll log newest first with an opaque cursor', async () => {
    const groupId = await groupWith(ctx, dm, 'generic', [player]);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const created = await roll(i % 2 ? dm : player, groupId, { notation: '1d6', label: `roll ${i}` });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
      const page = await ctx.as(player)('GET', `/v1/groups/${groupId}/rolls${query}`);
      expect(page.status).toBe(200);
      pages.push(page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor && pages.length < 5);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual([...ids].reverse());
    const all = await ctx.as(dm)('GET', `/v1/groups/${groupId}/rolls`);
    expect(all.body.items).toHaveLength(7);
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.items[0]).toMatchObject({ label: 'roll 6', userId: player.id });
    expect((await ctx.as(player)('GET', `/v1/groups/${groupId}/rolls?limit=0`)).status).toBe(400);
    expect((await ctx.as(player)('GET', `/v1/groups/${groupId}/rolls?limit=101`)).status).toBe(400);
    expect((await ctx.as(player)('GET', `/v1/groups/${groupId}/rolls?cursor=bogus`)).status).toBe(400);
  });

  it('draws uniform server faces: 600 d20 faces from 30 API rolls of 20d20 pass chi-square at p = 0.001', async () => {
    const counts = new Array<number>(20).fill(0);
    for (let i = 0; i < 30; i++) {
      const created = await roll(player, genericGroup, { notation: '20d20' });
      expect(created.status).toBe(201);
      for (const face of created.body.groups[0].dice[0].faces as number[]) counts[face - 1] += 1;
    }
    const expected = 600 / 20;
    const chiSquare = counts.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(600);
    expect(chiSquare).toBeLessThan(43.82); // df = 19, p = 0.001
  });
});
