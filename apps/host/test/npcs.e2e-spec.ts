import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestSocket } from './support/ws-client.js';
import {
  groupWith,
  registerVerifiedUser,
  startCampaignHost,
  type CampaignHost,
  type TestUser,
} from './support/users.js';

const goblin = {
  name: 'Goblin',
  hp: { current: 7, max: 7 },
  fields: [{ key: 'secret', value: 'Works for the baron' }],
  notes: 'Cowardly',
  initiativeBonus: 2,
  dice: [{ id: 'stab', label: 'Stab', diceString: '1d20+4' }],
};

describe('group NPCs (/v1/groups/:id/npcs)', () => {
  let ctx: CampaignHost;
  let dm: TestUser;
  let player: TestUser;
  let outsider: TestUser;
  let groupId: string;

  const npcCount = async (): Promise<number> =>
    (await ctx.db.query(`SELECT count(*)::int AS n FROM npcs WHERE group_id = $1`, [groupId])).rows[0].n;

  beforeAll(async () => {
    ctx = await startCampaignHost(['generic']);
    [dm, player, outsider] = await Promise.all([
      registerVerifiedUser(ctx.http, ctx.smtp, 'Npc DM'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Npc Player'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Npc Outsider'),
    ]);
    groupId = await groupWith(ctx, dm, 'generic', [player]);
  });

  afterAll(async () => {
    await ctx?.stop();
  });

  it('lets only the DM create NPCs, validated by the ruleset, and refuses bad input without writing', async () => {
    const base = `/v1/groups/${groupId}/npcs`;
    expect((await ctx.as(undefined)('POST', base, { name: 'X' })).status).toBe(401);
    expect((await ctx.as(outsider)('POST', base, { name: 'X' })).status).toBe(404);
    expect((await ctx.as(player)('POST', base, { name: 'X' })).status).toBe(403);
    const invalid = await ctx.as(dm)('POST', base, { name: 'Broken', sheet: { ...goblin, hp: { current: 'x' } } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors[0].path).toMatch(/^sheet\.hp/);
    expect((await ctx.as(dm)('POST', base, { name: 'X', total: 3 })).status).toBe(400);
    expect((await ctx.as(dm)('POST', base, { name: '' })).status).toBe(400);
    expect(await npcCount()).toBe(0);
    const created = await ctx.as(dm)('POST', base, { name: 'Goblin', sheet: goblin, key: 'goblin' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Goblin', revealed: false, version: 1, key: 'goblin', sheet: goblin });
    expect(created.body.statBlocks.map((block: { id: string }) => block.id)).toEqual(['vitals', 'fields']);
    expect((await ctx.as(dm)('POST', base, { name: 'Goblin 2', key: 'goblin' })).status).toBe(409);
    expect(await npcCount()).toBe(1);
  });

  it('hides NPCs from players until revealed, then shows only name, portrait and public stat blocks', async () => {
    const base = `/v1/groups/${groupId}/npcs`;
    const [npc] = (await ctx.as(dm)('GET', base)).body;
    expect((await ctx.as(player)('GET', base)).body).toEqual([]);
    expect((await ctx.as(player)('GET', `${base}/${npc.id}`)).status).toBe(404);
    expect((await ctx.as(outsider)('GET', base)).status).toBe(404);
    expect((await ctx.as(undefined)('GET', base)).status).toBe(401);

    const socket = await TestSocket.connect(ctx.host.url, player.accessToken);
    socket.subscribe(groupId);
    await socket.waitFor((m) => m.type === 'subscribed');
    expect((await ctx.as(player)('PATCH', `${base}/${npc.id}`, { version: 1, revealed: true })).status).toBe(403);
    const revealed = await ctx.as(dm)('PATCH', `${base}/${npc.id}`, {
      version: 1,
      revealed: true,
      publicStatBlocks: ['vitals'],
      portraitUrl: 'https://images.example.com/goblin.png',
    });
    expect(revealed.status).toBe(200);
    expect(revealed.body.version).toBe(2);
    const event = await socket.waitFor((m) => m.type === 'event' && m.event.type === 'npc.changed');
    expect((event as any).event.payload).toEqual({ npcId: npc.id, change: 'updated', revealed: true, version: 2 });
    socket.close();

    const seen = (await ctx.as(player)('GET', base)).body;
    expect(seen).toHaveLength(1);
    expect(Object.keys(seen[0]).sort()).toEqual([
      'id',
      'name',
      'portraitUrl',
      'revealed',
      'statBlocks',
      'updatedAt',
      'version',
    ]);
    expect(seen[0].statBlocks.map((block: { id: string }) => block.id)).toEqual(['vitals']);
    expect(JSON.stringify(seen)).not.toContain('Works for the baron');
    expect((await ctx.as(player)('GET', `${base}/${npc.id}`)).body.name).toBe('Goblin');
  });

  it('refuses a stale write with 409, keeps history for the DM, and deletes for the DM only', async () => {
    const base = `/v1/groups/${groupId}/npcs`;
    const [npc] = (await ctx.as(dm)('GET', base)).body;
    const stale = await ctx.as(dm)('PATCH', `${base}/${npc.id}`, { version: 1, name: 'Old' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('stale_version');
    const renamed = await ctx.as(dm)('PATCH', `${base}/${npc.id}`, { version: npc.version, name: 'Goblin Chief' });
    expect(renamed.body.name).toBe('Goblin Chief');
    const history = await ctx.as(dm)('GET', `${base}/${npc.id}/versions`);
    expect(history.body.map((entry: { name: string }) => entry.name)).toEqual(['Goblin Chief', 'Goblin']);
    expect((await ctx.as(player)('GET', `${base}/${npc.id}/versions`)).status).toBe(403);
    expect((await ctx.as(outsider)('GET', `${base}/${npc.id}/versions`)).status).toBe(404);
    expect((await ctx.as(undefined)('GET', `${base}/${npc.id}/versions`)).status).toBe(401);
    expect((await ctx.as(dm)('GET', `${base}/not-a-uuid`)).status).toBe(404);
    expect((await ctx.as(dm)('PATCH', `${base}/${npc.id}`, { name: 'No version' })).status).toBe(400);

    expect((await ctx.as(dm)('PATCH', `/v1/groups/${groupId}`, { rulesetId: 'dsa5e' })).status).toBeGreaterThanOrEqual(
      409,
    );
    expect((await ctx.as(player)('DELETE', `${base}/${npc.id}`)).status).toBe(403);
    expect((await ctx.as(outsider)('DELETE', `${base}/${npc.id}`)).status).toBe(404);
    expect((await ctx.as(undefined)('DELETE', `${base}/${npc.id}`)).status).toBe(401);
    expect((await ctx.as(dm)('DELETE', `${base}/${npc.id}`)).status).toBe(204);
    expect(await npcCount()).toBe(0);
    expect((await ctx.as(dm)('DELETE', `${base}/${npc.id}`)).status).toBe(404);
  });
});
