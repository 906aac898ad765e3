import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  registerUnverifiedUser,
  registerVerifiedUser,
  startCampaignHost,
  type CampaignHost,
  type TestUser,
} from './support/users.js';

describe('groups, members and invites', () => {
  let ctx: CampaignHost;
  let dm: TestUser;
  let player: TestUser;
  let outsider: TestUser;
  let unverified: TestUser;

  beforeAll(async () => {
    ctx = await startCampaignHost(['generic', 'dsa5e']);
    [dm, player, outsider, unverified] = await Promise.all([
      registerVerifiedUser(ctx.http, ctx.smtp, 'Dungeon Master'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Player One'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Outsider'),
      registerUnverifiedUser(ctx.http, ctx.smtp, 'Unverified'),
    ]);
  }, 60_000);

  afterAll(async () => {
    await ctx?.stop();
  });

  async function createGroup(owner: TestUser, name = 'The Party', rulesetId = 'generic'): Promise<string> {
    const created = await ctx.as(owner)('POST', '/v1/groups', { name, rulesetId, description: 'A campaign' });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  async function invite(
    groupId: string,
    body: Record<string, unknown> = {},
  ): Promise<{ token: string; id: string; url: string }> {
    const created = await ctx.as(dm)('POST', `/v1/groups/${groupId}/invite`, body);
    expect(created.status).toBe(201);
    return created.body;
  }

  async function events(
    groupId: string,
  ): Promise<Array<{ seq: number; type: string; payload: Record<string, unknown> }>> {
    const { rows } = await ctx.db.query(
      `SELECT seq::int AS seq, type, payload FROM group_events WHERE group_id = $1 ORDER BY seq`,
      [groupId],
    );
    return rows;
  }

  it('creates a group whose creator is the DM, and lists it with the role', async () => {
    const groupId = await createGroup(dm);
    const mine = await ctx.as(dm)('GET', '/v1/groups');
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: groupId, myRole: 'dm', rulesetId: 'generic', dmUserId: dm.id }),
      ]),
    );
    const members = await ctx.as(dm)('GET', `/v1/groups/${groupId}/members`);
    expect(members.body).toEqual([
      expect.objectContaining({ userId: dm.id, role: 'dm', displayName: 'Dungeon Master' }),
    ]);
  });

  it('refuses to create a group for an unverified account or an uninstalled ruleset', async () => {
    const unverifiedCreate = await ctx.as(unverified)('POST', '/v1/groups', { name: 'Nope', rulesetId: 'generic' });
    expect(unverifiedCreate.status).toBe(403);
    expect(unverifiedCreate.body.code).toBe('email_not_verified');
    const unknownRuleset = await ctx.as(dm)('POST', '/v1/groups', { name: 'Nope', rulesetId: 'no-such-ruleset' });
    expect(unknownRuleset.status).toBe(422);
    expect(unknownRuleset.body.errors).toEqual([expect.objectContaining({ path: 'rulesetId' })]);
    const { rows } = await ctx.db.query(`SELECT count(*)::int AS n FROM groups WHERE name = 'Nope'`);
    expect(rows[0].n).toBe(0);
  });

  it('lets a verified player join with an invite, idempotently, and never lets an outsider read the group', async () => {
    const groupId = await createGroup(dm);
    expect((await ctx.as(outsider)('GET', `/v1/groups/${groupId}`)).status).toBe(404);
    const link = await invite(groupId, { maxUses: 5 });
    expect(link.url).toMatch(new RegExp(`/join/${groupId}/${link.token}$`));
    const joined = await ctx.as(player)('POST', `/v1/groups/${groupId}/join/${link.token}`);
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ id: groupId, myRole: 'player' });
    const again = await ctx.as(player)('POST', `/v1/groups/${groupId}/join/${link.token}`);
    expect(again.status).toBe(200);
    const invites = await ctx.as(dm)('GET', `/v1/groups/${groupId}/invites`);
    expect(invites.body).toEqual([
      expect.objectContaining({ id: link.id, uses: 1, maxUses: 5, revoked: false, expired: false }),
    ]);
    expect(JSON.stringify(invites.body)).not.toContain(link.token);
    const { rows } = await ctx.db.query(`SELECT token_hash FROM group_invites WHERE group_id = $1`, [groupId]);
    expect(rows[0].token_hash).not.toBe(link.token);
    expect((await ctx.as(player)('GET', `/v1/groups/${groupId}`)).body.myRole).toBe('player');
    const unverifiedJoin = await ctx.as(unverified)('POST', `/v1/groups/${groupId}/join/${link.token}`);
    expect(unverifiedJoin.status).toBe(403);
    expect(unverifiedJoin.body.code).toBe('email_not_verified');
  });

  it('answers expired, revoked, used-up and unknown invites with 410 codes and 404', async () => {
    const groupId = await createGroup(dm);
    const otherGroupId = await createGroup(dm, 'Other');
    const expired = await invite(groupId);
    await ctx.db.query(
      `UPDATE group_invites SET expires_at = now() - interval '1 minute' WHERE token_hash LIKE $1 || '%'`,
      [expired.id],
    );
    const expiredJoin = await ctx.as(outsider)('POST', `/v1/groups/${groupId}/join/${expired.token}`);
    expect(expiredJoin.status).toBe(410);
    expect(expiredJoin.body.code).toBe('invite_expired');

    const revoked = await invite(groupId);
    expect((await ctx.as(player)('DELETE', `/v1/groups/${groupId}/invites/${revoked.id}`)).status).toBe(404);
    expect((await ctx.as(dm)('DELETE', `/v1/groups/${groupId}/invites/${revoked.id}`)).status).toBe(204);
    const revokedJoin = await ctx.as(outsider)('POST', `/v1/groups/${groupId}/join/${revoked.token}`);
    expect(revokedJoin.status).toBe(410);
    expect(revokedJoin.body.code).toBe('invite_revoked');
    expect((await ctx.as(dm)('DELETE', `/v1/groups/${groupId}/invites/0123456789abcdef`)).status).toBe(404);

    const unknown = await ctx.as(outsider)('POST', `/v1/groups/${groupId}/join/${'x'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    const valid = await invite(groupId);
    const wrongGroup = await ctx.as(outsider)('POST', `/v1/groups/${otherGroupId}/join/${valid.token}`);
    expect(wrongGroup.status).toBe(404);
    expect({ ...wrongGroup.body, instance: undefined }).toEqual({ ...unknown.body, instance: undefined });
    expect((await ctx.as(outsider)('GET', `/v1/groups/${groupId}`)).status).toBe(404);
    const seqBefore = (await events(groupId)).length;
    expect(seqBefore).toBe(0);
  });

  it('previews an invite for anyone holding the link: group, DM and whether it can be used now', async () => {
    const groupId = await createGroup(dm, 'Preview table', 'dsa5e');
    const otherGroupId = await createGroup(dm, 'Other');
    const valid = await invite(groupId, { maxUses: 1 });
    const anonymous = ctx.as(undefined);
    const preview = await anonymous('GET', `/v1/groups/${groupId}/join/${valid.token}`);
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({
      groupId,
      groupName: 'Preview table',
      rulesetId: 'dsa5e',
      dmDisplayName: 'Dungeon Master',
      status: 'valid',
      expiresAt: expect.any(String),
    });
    // The link the host hands out is the web app's join page for exactly this group and token.
    expect(new URL(valid.url).pathname).toBe(`/join/${groupId}/${valid.token}`);
    expect((await ctx.as(player)('POST', `/v1/groups/${groupId}/join/${valid.token}`)).status).toBe(200);
    expect((await anonymous('GET', `/v1/groups/${groupId}/join/${valid.token}`)).body.status).toBe('used_up');
    const revoked = await invite(groupId);
    await ctx.as(dm)('DELETE', `/v1/groups/${groupId}/invites/${revoked.id}`);
    expect((await anonymous('GET', `/v1/groups/${groupId}/join/${revoked.token}`)).body.status).toBe('revoked');
    const expired = await invite(groupId);
    await ctx.db.query(
      `UPDATE group_invites SET expires_at = now() - interval '1 minute' WHERE token_hash LIKE $1 || '%'`,
      [expired.id],
    );
    expect((await anonymous('GET', `/v1/groups/${groupId}/join/${expired.token}`)).body.status).toBe('expired');
    // Unknown tokens, another group's token and malformed ids answer one 404; previewing changes nothing.
    const unknown = await anonymous('GET', `/v1/groups/${groupId}/join/${'x'.repeat(43)}`);
    const wrongGroup = await anonymous('GET', `/v1/groups/${otherGroupId}/join/${valid.token}`);
    const malformed = await anonymous('GET', `/v1/groups/not-a-uuid/join/${valid.token}`);
    for (const result of [unknown, wrongGroup, malformed]) {
      expect(result.status).toBe(404);
      expect({ ...result.body, instance: undefined }).toEqual({ ...unknown.body, instance: undefined });
    }
    const { rows } = await ctx.db.query(`SELECT uses FROM group_invites WHERE group_id = $1 ORDER BY created_at`, [
      groupId,
    ]);
    expect(rows.map((row) => row.uses)).toEqual([1, 0, 0]);
  });

  it('never lets concurrent joins exceed max uses, and a refused join writes no event', async () => {
    const groupId = await createGroup(dm);
    const link = await invite(groupId, { maxUses: 2 });
    const joiners = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => registerVerifiedUser(ctx.http, ctx.smtp, `Joiner ${n}`)),
    );
    const results = await Promise.all(
      joiners.map((user) => ctx.as(user)('POST', `/v1/groups/${groupId}/join/${link.token}`)),
    );
    const statuses = results.map((result) => result.status).sort();
    expect(statuses).toEqual([200, 200, 410, 410, 410]);
    expect(
      results.filter((result) => result.status === 410).every((result) => result.body.code === 'invite_used_up'),
    ).toBe(true);
    const { rows } = await ctx.db.query(`SELECT uses FROM group_invites WHERE group_id = $1`, [groupId]);
    expect(rows[0].uses).toBe(2);
    const members = await ctx.as(dm)('GET', `/v1/groups/${groupId}/members`);
    expect(members.body).toHaveLength(3);
    const log = await events(groupId);
    expect(log.map((event) => event.type)).toEqual(['member.joined', 'member.joined']);
    expect(log.map((event) => event.seq)).toEqual([1, 2]);
  });

  it('transfers the DM role; the DM cannot leave; the database allows only one DM', async () => {
    const groupId = await createGroup(dm);
    const link = await invite(groupId);
    await ctx.as(player)('POST', `/v1/groups/${groupId}/join/${link.token}`);
    const leave = await ctx.as(dm)('DELETE', `/v1/groups/${groupId}/members/${dm.id}`);
    expect(leave.status).toBe(409);
    expect(leave.body.code).toBe('dm_cannot_leave');
    expect((await ctx.as(player)('POST', `/v1/groups/${groupId}/transfer-dm`, { userId: player.id })).status).toBe(403);
    const notMember = await ctx.as(dm)('POST', `/v1/groups/${groupId}/transfer-dm`, { userId: outsider.id });
    expect(notMember.status).toBe(422);
    expect(notMember.body.errors).toEqual([expect.objectContaining({ path: 'userId' })]);

    const transferred = await ctx.as(dm)('POST', `/v1/groups/${groupId}/transfer-dm`, { userId: player.id });
    expect(transferred.status).toBe(200);
    expect(transferred.body).toMatchObject({ dmUserId: player.id, myRole: 'player' });
    const members = await ctx.as(player)('GET', `/v1/groups/${groupId}/members`);
    expect(members.body.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([
      [player.id, 'dm'],
      [dm.id, 'player'],
    ]);
    const { rows } = await ctx.db.query(`SELECT dm_user_id FROM groups WHERE id = $1`, [groupId]);
    expect(rows[0].dm_user_id).toBe(player.id);

    await expect(
      ctx.db.query(`UPDATE group_members SET role = 'dm' WHERE group_id = $1 AND user_id = $2`, [groupId, dm.id]),
    ).rejects.toMatchObject({
      code: '23505',
    });
    const outsiderRow = ctx.db.query(`INSERT INTO group_members (group_id, user_id, role) VALUES ($1, $2, 'dm')`, [
      groupId,
      outsider.id,
    ]);
    await expect(outsiderRow).rejects.toMatchObject({ code: '23505', constraint: 'UQ_group_members_one_dm' });

    // The old DM, now a player, may leave.
    expect((await ctx.as(dm)('DELETE', `/v1/groups/${groupId}/members/${dm.id}`)).status).toBe(204);
    expect((await ctx.as(dm)('GET', `/v1/groups/${groupId}`)).status).toBe(404);
    const log = await events(groupId);
    expect(log.map((event) => event.type)).toEqual(['member.joined', 'group.updated', 'member.left']);
    expect(log[1].payload).toMatchObject({ dmUserId: player.id, changedFields: ['dmUserId'] });
  });

  it('lets only the DM change settings and remove players; a player may leave', async () => {
    const groupId = await createGroup(dm);
    const link = await invite(groupId);
    const second = await registerVerifiedUser(ctx.http, ctx.smtp, 'Second');
    await ctx.as(player)('POST', `/v1/groups/${groupId}/join/${link.token}`);
    await ctx.as(second)('POST', `/v1/groups/${groupId}/join/${link.token}`);
    expect((await ctx.as(player)('PATCH', `/v1/groups/${groupId}`, { name: 'Mine now' })).status).toBe(403);
    expect((await ctx.as(outsider)('PATCH', `/v1/groups/${groupId}`, { name: 'Mine now' })).status).toBe(404);
    const renamed = await ctx.as(dm)('PATCH', `/v1/groups/${groupId}`, { name: 'Renamed', description: 'New text' });
    expect(renamed.body).toMatchObject({ name: 'Renamed', description: 'New text' });
    expect((await ctx.as(player)('DELETE', `/v1/groups/${groupId}/members/${second.id}`)).status).toBe(403);
    expect((await ctx.as(dm)('DELETE', `/v1/groups/${groupId}/members/${outsider.id}`)).status).toBe(404);
    expect((await ctx.as(dm)('DELETE', `/v1/groups/${groupId}/members/${second.id}`)).status).toBe(204);
    expect((await ctx.as(player)('DELETE', `/v1/groups/${groupId}/members/${player.id}`)).status).toBe(204);
    const log = await events(groupId);
    expect(log.map((event) => `${event.seq}:${event.type}`)).toEqual([
      '1:member.joined',
      '2:member.joined',
      '3:group.updated',
      '4:member.removed',
      '5:member.left',
    ]);
    expect(log[3].payload).toEqual({ userId: second.id, removedBy: dm.id });
    const { rows } = await ctx.db.query(`SELECT event_seq::int AS seq FROM groups WHERE id = $1`, [groupId]);
    expect(rows[0].seq).toBe(5);
  });

  it('keeps an active group per user, cleared when they leave or the group is deleted', async () => {
    const groupId = await createGroup(dm);
    const otherId = await createGroup(dm, 'Second campaign');
    const link = await invite(groupId);
    await ctx.as(player)('POST', `/v1/groups/${groupId}/join/${link.token}`);
    expect((await ctx.as(player)('GET', '/v1/me/active-group')).body).toEqual({ groupId: null, group: null });
    expect((await ctx.as(player)('PUT', '/v1/me/active-group', { groupId: otherId })).status).toBe(404);
    const set = await ctx.as(player)('PUT', '/v1/me/active-group', { groupId });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ groupId, group: { id: groupId, myRole: 'player' } });
    expect((await ctx.as(player)('GET', '/v1/me/active-group')).body.groupId).toBe(groupId);
    await ctx.as(player)('DELETE', `/v1/groups/${groupId}/members/${player.id}`);
    expect((await ctx.as(player)('GET', '/v1/me/active-group')).body.groupId).toBeNull();

    await ctx.as(dm)('PUT', '/v1/me/active-group', { groupId: otherId });
    expect((await ctx.as(dm)('DELETE', `/v1/groups/${otherId}`)).status).toBe(204);
    expect((await ctx.as(dm)('GET', '/v1/me/active-group')).body).toEqual({ groupId: null, group: null });
    expect((await ctx.as(dm)('PUT', '/v1/me/active-group', { groupId: null })).body.groupId).toBeNull();
  });

  it('deletes a group with its memberships, invites, assignments and log, but keeps the characters', async () => {
    const groupId = await createGroup(dm);
    const link = await invite(groupId);
    await ctx.as(player)('POST', `/v1/groups/${groupId}/join/${link.token}`);
    const character = await ctx.as(player)('POST', '/v1/characters', { rulesetId: 'generic', name: 'Survivor' });
    expect(character.status).toBe(201);
    expect(
      (await ctx.as(player)('POST', `/v1/groups/${groupId}/characters`, { characterId: character.body.id })).status,
    ).toBe(200);
    const patchRuleset = await ctx.as(dm)('PATCH', `/v1/groups/${groupId}`, { rulesetId: 'dsa5e' });
    expect(patchRuleset.status).toBe(409);
    expect(patchRuleset.body.code).toBe('characters_assigned');
    expect((await ctx.as(player)('DELETE', `/v1/groups/${groupId}`)).status).toBe(403);
    expect((await ctx.as(dm)('DELETE', `/v1/groups/${groupId}`)).status).toBe(204);
    expect((await ctx.as(dm)('GET', `/v1/groups/${groupId}`)).status).toBe(404);
    const kept = await ctx.as(player)('GET', `/v1/characters/${character.body.id}`);
    expect(kept.status).toBe(200);
    expect(kept.body.groups).toEqual([]);
    for (const table of ['group_members', 'group_invites', 'group_characters', 'group_events']) {
      const { rows } = await ctx.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE group_id = $1`, [groupId]);
      expect([table, rows[0].n]).toEqual([table, 0]);
    }
  });

  it('announces a deletion with an inline NOTIFY, since the log goes with the group', async () => {
    const groupId = await createGroup(dm);
    const client = await ctx.db.connect();
    try {
      const received: string[] = [];
      client.on('notification', (message) => received.push(message.payload ?? ''));
      await client.query('LISTEN group_events');
      await ctx.as(dm)('PATCH', `/v1/groups/${groupId}`, { name: 'Last name' });
      expect((await ctx.as(dm)('DELETE', `/v1/groups/${groupId}`)).status).toBe(204);
      const deadline = Date.now() + 3000;
      while (received.filter((p) => p.includes(groupId)).length < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      const mine = received.map((payload) => JSON.parse(payload)).filter((payload) => payload.g === groupId);
      expect(mine).toEqual([
        { g: groupId, s: 1 },
        { g: groupId, s: 2, deleted: true, t: 'group.deleted', p: { deletedBy: dm.id } },
      ]);
    } finally {
      await client.query('UNLISTEN *');
      client.release();
    }
  });
});
