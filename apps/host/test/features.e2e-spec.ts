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

interface Combatant {
  id: string;
  characterId?: string;
  name: string;
  initiative: number;
  roll: number | null;
}
interface Encounter {
  active: boolean;
  round: number;
  turn: number;
  combatants: Combatant[];
}

describe('feature plugins: the initiative tracker over HTTP', () => {
  let ctx: CampaignHost;
  let dm: TestUser;
  let player: TestUser;
  let player2: TestUser;
  let outsider: TestUser;
  let dsaGroup: string;
  let alrik: string;
  let elf: string;
  let heroSheet: Record<string, unknown>;

  const act = (user: TestUser, groupId: string, action: string, input?: unknown) =>
    ctx.as(user)(
      'POST',
      `/v1/groups/${groupId}/plugins/initiative/actions/${action}`,
      input === undefined ? {} : { input },
    );

  async function encounter(groupId: string, user: TestUser = dm): Promise<Encounter | undefined> {
    const response = await ctx.as(user)('GET', `/v1/groups/${groupId}/plugins/initiative/state`);
    expect(response.status).toBe(200);
    return response.body.state.encounter;
  }

  async function stateEvents(
    groupId: string,
  ): Promise<
    Array<{ seq: number; payload: { pluginId: string; key: string; value: unknown; changedBy: string | null } }>
  > {
    const { rows } = await ctx.db.query(
      `SELECT seq::int AS seq, payload FROM group_events WHERE group_id = $1 AND type = 'plugin.state_changed' ORDER BY seq`,
      [groupId],
    );
    return rows;
  }

  async function iniBase(sheet: unknown): Promise<number> {
    const actions = await ctx.http('POST', '/v1/rulesets/dsa5e/dice-actions', { body: { sheet } });
    const ini = actions.body.diceActions.find((action: { category: string }) => action.category === 'initiative');
    expect(ini.diceString).toMatch(/^1d6\+\d+$/);
    return Number(ini.diceString.split('+')[1]);
  }

  /** Position in the turn order across rounds, so wrap-arounds count. */
  const position = (e: Encounter): number => (e.round - 1) * e.combatants.length + e.turn;

  beforeAll(async () => {
    ctx = await startCampaignHost(['generic', 'dsa5e']);
    const plugins = await ctx.http('GET', '/v1/plugins');
    expect(plugins.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 'initiative',
          kind: 'feature',
          status: 'loaded',
          fixtures: expect.objectContaining({ failed: 0, passed: 4 }),
        }),
      ]),
    );
    [dm, player, player2, outsider] = await Promise.all([
      registerVerifiedUser(ctx.http, ctx.smtp, 'Init DM'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Init Player'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Init Player Two'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Init Outsider'),
    ]);
    dsaGroup = await groupWith(ctx, dm, 'dsa5e', [player, player2]);
    heroSheet = JSON.parse(
      await readFile(join(REPO_PLUGINS_DIR, 'dsa5e/fixtures/valid/human-worked-example.json'), 'utf8'),
    );
    const elfSheet = JSON.parse(
      await readFile(join(REPO_PLUGINS_DIR, 'dsa5e/fixtures/valid/elf-guildmage-play.json'), 'utf8'),
    );
    alrik = await assignedCharacter(ctx, player, 'dsa5e', 'Alrik', heroSheet, dsaGroup);
    elf = await assignedCharacter(ctx, player2, 'dsa5e', 'Elf', elfSheet, dsaGroup);
  }, 90_000);

  afterAll(async () => {
    await ctx?.stop();
  });

  it('answers state to members only, and 404 for unknown plugins, rulesets and actions', async () => {
    expect((await ctx.as(player)('GET', `/v1/groups/${dsaGroup}/plugins/initiative/state`)).body).toEqual({
      state: {},
    });
    expect((await ctx.as(outsider)('GET', `/v1/groups/${dsaGroup}/plugins/initiative/state`)).status).toBe(404);
    expect((await ctx.as(outsider)('POST', `/v1/groups/${dsaGroup}/plugins/initiative/actions/start`, {})).status).toBe(
      404,
    );
    expect((await ctx.as(undefined)('GET', `/v1/groups/${dsaGroup}/plugins/initiative/state`)).status).toBe(401);
    expect((await ctx.as(dm)('GET', `/v1/groups/${dsaGroup}/plugins/nope/state`)).status).toBe(404);
    expect((await ctx.as(dm)('GET', `/v1/groups/${dsaGroup}/plugins/generic/state`)).status).toBe(404);
    expect((await act(dm, dsaGroup, 'explode')).status).toBe(404);
    expect((await act(dm, dsaGroup, 'constructor')).status).toBe(404);
    expect((await act(dm, dsaGroup, 'start', 'x'.repeat(20_000))).status).toBe(413);
    expect(
      (await ctx.as(dm)('POST', `/v1/groups/${dsaGroup}/plugins/initiative/actions/start`, { input: null, extra: 1 }))
        .status,
    ).toBe(400);
    expect(await stateEvents(dsaGroup)).toEqual([]);
  });

  it('refuses a player starting the encounter with 403 and changes nothing', async () => {
    const refused = await act(player, dsaGroup, 'start');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'forbidden', detail: expect.stringMatching(/DM/) });
    expect(await encounter(dsaGroup)).toBeUndefined();
  });

  it("lets the DM start: every character rolls its ruleset's initiative action, sorted descending", async () => {
    const started = await act(dm, dsaGroup, 'start');
    expect(started.status).toBe(200);
    const state: Encounter = started.body.state.encounter;
    expect(started.body.reply).toEqual(state);
    expect(state).toMatchObject({ active: true, round: 1, turn: 0 });
    expect(state.combatants.map((c) => c.characterId).sort()).toEqual([alrik, elf].sort());
    const alrikEntry = state.combatants.find((c) => c.characterId === alrik)!;
    expect(alrikEntry.roll).toBeGreaterThanOrEqual(1);
    expect(alrikEntry.roll).toBeLessThanOrEqual(6);
    expect(alrikEntry.initiative - alrikEntry.roll!).toBe(await iniBase(heroSheet));
    const [first, second] = state.combatants;
    expect(first.initiative).toBeGreaterThanOrEqual(second.initiative);
    expect(await encounter(dsaGroup, player)).toEqual(state);
    const events = await stateEvents(dsaGroup);
    expect(events.at(-1)!.payload).toEqual({
      pluginId: 'initiative',
      key: 'encounter',
      value: state,
      changedBy: dm.id,
    });
  });

  it('advances with next/previous, wrapping rounds, and refuses players with 403', async () => {
    expect((await act(dm, dsaGroup, 'next')).body.state.encounter).toMatchObject({ round: 1, turn: 1 });
    expect((await act(dm, dsaGroup, 'next')).body.state.encounter).toMatchObject({ round: 2, turn: 0 });
    expect((await act(dm, dsaGroup, 'previous')).body.state.encounter).toMatchObject({ round: 1, turn: 1 });
    const eventsBefore = (await stateEvents(dsaGroup)).length;
    const refused = await act(player, dsaGroup, 'next');
    expect(refused.status).toBe(403);
    expect(await encounter(dsaGroup)).toMatchObject({ round: 1, turn: 1 });
    expect(await stateEvents(dsaGroup)).toHaveLength(eventsBefore);
  });

  it('adds and removes free combatants, validating input', async () => {
    const added = await act(dm, dsaGroup, 'add', { name: 'Goblin', initiative: 99 });
    expect(added.status).toBe(200);
    const state: Encounter = added.body.state.encounter;
    expect(state.combatants[0]).toMatchObject({ name: 'Goblin', initiative: 99, roll: null });
    expect(state.combatants).toHaveLength(3);
    expect((await act(dm, dsaGroup, 'add', { name: '', initiative: 1 })).status).toBe(400);
    expect((await act(player, dsaGroup, 'add', { name: 'Sneaky', initiative: 1 })).status).toBe(403);
    const ogre = await act(dm, dsaGroup, 'add', { name: 'Ogre', initiative: -5 });
    const ogreId = (ogre.body.state.encounter as Encounter).combatants.find((c) => c.name === 'Ogre')!.id;
    const removed = await act(dm, dsaGroup, 'remove', { combatantId: ogreId });
    expect(removed.status).toBe(200);
    expect((removed.body.state.encounter as Encounter).combatants.map((c) => c.name)).not.toContain('Ogre');
    expect((await act(dm, dsaGroup, 'remove', { combatantId: ogreId })).status).toBe(404);
  });

  it('serialises concurrent actions: 10 concurrent next calls advance exactly 10 turns with 10 events', async () => {
    const before = (await encounter(dsaGroup))!;
    const eventsBefore = (await stateEvents(dsaGroup)).length;
    const responses = await Promise.all(Array.from({ length: 10 }, () => act(dm, dsaGroup, 'next')));
    expect(responses.map((r) => r.status)).toEqual(new Array(10).fill(200));
    const after = (await encounter(dsaGroup))!;
    expect(after.combatants).toHaveLength(before.combatants.length);
    expect(position(after) - position(before)).toBe(10);
    const seen = responses.map((r) => position(r.body.state.encounter)).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => position(before) + i + 1));
    expect(await stateEvents(dsaGroup)).toHaveLength(eventsBefore + 10);
  });

  it("drops a combatant when its character is unassigned (the plugin's onGroupEvent)", async () => {
    const before = (await encounter(dsaGroup))!;
    expect(before.combatants.some((c) => c.characterId === alrik)).toBe(true);
    expect((await ctx.as(player)('DELETE', `/v1/groups/${dsaGroup}/characters/${alrik}`)).status).toBe(204);
    let after: Encounter | undefined;
    for (let i = 0; i < 100; i++) {
      after = await encounter(dsaGroup);
      if (!after!.combatants.some((c) => c.characterId === alrik)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(after!.combatants.map((c) => c.characterId ?? c.name)).toEqual(
      before.combatants.filter((c) => c.characterId !== alrik).map((c) => c.characterId ?? c.name),
    );
    expect(after!.turn).toBeLessThan(after!.combatants.length);
    const last = (await stateEvents(dsaGroup)).at(-1)!;
    expect(last.payload).toMatchObject({ pluginId: 'initiative', key: 'encounter', changedBy: null });
    const { rows } = await ctx.db.query(
      `SELECT last_seq::int AS seq FROM plugin_event_cursors WHERE plugin_id = 'initiative' AND group_id = $1`,
      [dsaGroup],
    );
    expect(rows[0].seq).toBeGreaterThanOrEqual(last.seq - 1);
  });

  it("drops a removed member's character (member removal unassigns it)", async () => {
    expect((await encounter(dsaGroup))!.combatants.some((c) => c.characterId === elf)).toBe(true);
    expect((await ctx.as(dm)('DELETE', `/v1/groups/${dsaGroup}/members/${player2.id}`)).status).toBe(204);
    let after: Encounter | undefined;
    for (let i = 0; i < 100; i++) {
      after = await encounter(dsaGroup);
      if (!after!.combatants.some((c) => c.characterId === elf)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(after!.combatants.some((c) => c.characterId === elf)).toBe(false);
    expect(after!.combatants.map((c) => c.name)).toEqual(['Goblin']);
  });

  it('ends the encounter: the state key is deleted and announced with value null', async () => {
    const ended = await act(dm, dsaGroup, 'end');
    expect(ended.status).toBe(200);
    expect(ended.body).toEqual({ reply: { ended: true }, state: {} });
    expect(await encounter(dsaGroup)).toBeUndefined();
    expect((await stateEvents(dsaGroup)).at(-1)!.payload).toEqual({
      pluginId: 'initiative',
      key: 'encounter',
      value: null,
      changedBy: dm.id,
    });
    expect((await act(dm, dsaGroup, 'next')).status).toBe(409);
    const { rows } = await ctx.db.query(`SELECT count(*)::int AS n FROM plugin_state WHERE group_id = $1`, [dsaGroup]);
    expect(rows[0].n).toBe(0);
  });

  it('rolls a generic character with its 1d20+bonus initiative action', async () => {
    const genericGroup = await groupWith(ctx, dm, 'generic', [player]);
    const aria = await assignedCharacter(
      ctx,
      player,
      'generic',
      'Aria',
      { name: 'Aria', hp: { current: 5, max: 5 }, fields: [], notes: '', initiativeBonus: 4 },
      genericGroup,
    );
    const started = await act(dm, genericGroup, 'start');
    expect(started.status).toBe(200);
    const [combatant] = (started.body.state.encounter as Encounter).combatants;
    expect(combatant).toMatchObject({ characterId: aria, name: 'Aria' });
    expect(combatant.roll).toBeGreaterThanOrEqual(1);
    expect(combatant.roll).toBeLessThanOrEqual(20);
    expect(combatant.initiative).toBe(combatant.roll! + 4);
  });
});
