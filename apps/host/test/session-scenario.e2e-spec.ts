import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { createUser, type TestUser } from './support/auth.js';
import { createTestDatabase } from './support/database.js';
import { createHttp, type Http } from './support/http.js';
import { SmtpReceiver } from './support/smtp-receiver.js';
import { startTestHost, type TestHost } from './support/test-host.js';
import { TestSocket } from './support/ws-client.js';

const PLUGINS_DIR = resolve(import.meta.dirname, '../../../plugins');

/**
 * The scenario end to end through the HTTP API and real sockets: a DM and three players, one player
 * on another host instance, roll and take damage; one player's connection drops and comes back.
 */
describe('a session across two host instances', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let smtp: SmtpReceiver;
  let hostA: TestHost;
  let hostB: TestHost;
  let httpA: Http;
  let httpB: Http;
  let dm: TestUser;
  let players: TestUser[];
  let groupId: string;
  const characters = new Map<string, string>();
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = new SmtpReceiver();
    const env = { DATABASE_URL: database.url, SMTP_URL: await smtp.start(), PLUGINS_DIR, PLUGINS_WATCH: 'false' };
    hostA = await startTestHost(env);
    hostB = await startTestHost(env);
    httpA = createHttp(hostA.url);
    httpB = createHttp(hostB.url);
    dm = await createUser(httpA, smtp, { displayName: 'The DM' });
    players = [await createUser(httpA, smtp), await createUser(httpA, smtp), await createUser(httpB, smtp)];

    const group = await httpA('POST', '/v1/groups', {
      token: dm.accessToken,
      body: { name: 'Borbarad Campaign', rulesetId: 'generic' },
    });
    expect(group.status).toBe(201);
    groupId = group.body.id;
    const invite = await httpA('POST', `/v1/groups/${groupId}/invite`, { token: dm.accessToken, body: { maxUses: 3 } });
    expect(invite.status).toBe(201);
    for (const [index, player] of players.entries()) {
      const http = index === 2 ? httpB : httpA;
      expect(
        (await http('POST', `/v1/groups/${groupId}/join/${invite.body.token}`, { token: player.accessToken })).status,
      ).toBeLessThan(300);
      const created = await http('POST', '/v1/characters', {
        token: player.accessToken,
        body: { rulesetId: 'generic', name: `Hero ${index + 1}` },
      });
      expect(created.status).toBe(201);
      characters.set(player.id, created.body.id);
      const assigned = await http('POST', `/v1/groups/${groupId}/characters`, {
        token: player.accessToken,
        body: { characterId: created.body.id },
      });
      expect(assigned.status).toBeLessThan(300);
    }
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await hostA?.stop();
    await hostB?.stop();
    await smtp?.stop();
    await database?.drop();
  });

  async function connect(host: TestHost, user: TestUser, lastSeq?: number): Promise<TestSocket> {
    const socket = await TestSocket.connect(host.url, user.accessToken);
    sockets.push(socket);
    socket.subscribe(groupId, lastSeq);
    await socket.waitFor((m) => m.type === 'subscribed' && m.groupId === groupId);
    return socket;
  }

  it('delivers rolls and damage to everyone, and the dropped player gets exactly what they missed', async () => {
    const dmSocket = await connect(hostA, dm);
    const first = await connect(hostA, players[0]);
    const second = await connect(hostA, players[1]);
    let remote = await connect(hostB, players[2]);
    const everyone = () => [dmSocket, first, second, remote];
    const eventsSeen = (socket: TestSocket) =>
      socket.events(groupId).filter((e) => e.type === 'roll.created' || e.type === 'character.resource_changed');

    const roll = await httpA('POST', `/v1/groups/${groupId}/rolls`, {
      token: players[0].accessToken,
      body: { notation: '1d20+5', label: 'Attack' },
    });
    expect(roll.status).toBe(201);
    const damage = await httpA('POST', `/v1/characters/${characters.get(players[0].id)}/resources`, {
      token: dm.accessToken,
      body: { resource: 'hp', delta: -4 },
    });
    expect(damage.status).toBeLessThan(300);
    for (const socket of everyone()) {
      await socket.waitFor((m) => m.type === 'event' && m.event.type === 'character.resource_changed');
      const [rolled, hurt] = eventsSeen(socket);
      expect(rolled).toMatchObject({
        type: 'roll.created',
        payload: { id: roll.body.id, diceTotal: roll.body.diceTotal, label: 'Attack' },
      });
      expect(hurt).toMatchObject({ type: 'character.resource_changed', payload: { resource: 'hp', delta: -4 } });
    }

    const lastSeen = eventsSeen(remote).at(-1)!.seq;
    remote.close();
    await remote.waitForClose();
    const missed = [
      await httpB('POST', `/v1/groups/${groupId}/rolls`, {
        token: players[1].accessToken,
        body: { notation: '2d6', label: 'Damage' },
      }),
      await httpA('POST', `/v1/characters/${characters.get(players[2].id)}/resources`, {
        token: dm.accessToken,
        body: { resource: 'hp', delta: -3 },
      }),
      await httpA('POST', `/v1/groups/${groupId}/rolls`, {
        token: dm.accessToken,
        body: { notation: '1d20', label: 'Perception' },
      }),
    ];
    for (const response of missed) expect(response.status).toBeLessThan(300);
    await dmSocket.waitFor(
      (m) =>
        m.type === 'event' &&
        m.event.type === 'roll.created' &&
        (m.event.payload as { label: string }).label === 'Perception',
    );

    remote = await connect(hostB, players[2], lastSeen);
    await remote.waitFor(
      (m) =>
        m.type === 'event' &&
        m.event.type === 'roll.created' &&
        (m.event.payload as { label: string }).label === 'Perception',
    );
    const replayed = remote.events(groupId);
    const expected = dmSocket.events(groupId).filter((e) => e.seq !== undefined && e.seq > lastSeen);
    expect(replayed.map((e) => e.seq)).toEqual(expected.map((e) => e.seq));
    expect(new Set(replayed.map((e) => e.seq)).size).toBe(replayed.length);
    expect(replayed.map((e) => e.type)).toEqual(['roll.created', 'character.resource_changed', 'roll.created']);

    const sheet = await httpA('GET', `/v1/characters/${characters.get(players[2].id)}`, {
      token: players[2].accessToken,
    });
    expect(sheet.body.sheet.hp.current).toBe(sheet.body.sheet.hp.max - 3);
  });

  it('stops delivering to a member the DM removes', async () => {
    const dmSocket = await connect(hostA, dm);
    const leaving = await connect(hostB, players[1]);
    const removed = await httpA('DELETE', `/v1/groups/${groupId}/members/${players[1].id}`, { token: dm.accessToken });
    expect(removed.status).toBeLessThan(300);
    expect(await leaving.waitFor((m) => m.type === 'unsubscribed')).toMatchObject({
      groupId,
      reason: 'member.removed',
    });
    await httpA('POST', `/v1/groups/${groupId}/rolls`, {
      token: dm.accessToken,
      body: { notation: '1d6', label: 'After removal' },
    });
    await dmSocket.waitFor(
      (m) => m.type === 'event' && (m.event.payload as { label?: string }).label === 'After removal',
    );
    expect(leaving.events(groupId).some((e) => (e.payload as { label?: string }).label === 'After removal')).toBe(
      false,
    );
  });
});
