import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import WebSocket from 'ws';
import { AccessTokenService } from '../src/auth/access-token.service.js';
import { GroupEventStream } from '../src/events/group-event-stream.js';
import { RealtimeGateway } from '../src/realtime/realtime.gateway.js';
import { createUser, type TestUser } from './support/auth.js';
import { createTestDatabase } from './support/database.js';
import { createHttp } from './support/http.js';
import { SmtpReceiver } from './support/smtp-receiver.js';
import { startTestHost, type TestHost } from './support/test-host.js';
import { TestSocket } from './support/ws-client.js';

/**
 * Realtime delivery over real sockets, two host instances and one database. Events are written the way any
 * writer does (an UPDATE of the group's seq under its row lock, an INSERT, a NOTIFY, one transaction), here
 * straight through SQL: a direct database write must reach the sockets like a change made through the API.
 */
describe('realtime delivery', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let smtp: SmtpReceiver;
  let smtpUrl: string;
  let first: TestHost;
  let second: TestHost;
  let sql: pg.Pool;
  let dm: TestUser;
  let player: TestUser;
  let outsider: TestUser;
  const sockets: TestSocket[] = [];

  const env = (smtpUrl: string) => ({
    DATABASE_URL: database.url,
    SMTP_URL: smtpUrl,
    AUTH_RATE_LIMIT_MAX: '100000',
    REALTIME_RETAINED_EVENTS: '20',
    REALTIME_HEARTBEAT_MS: '300',
    REALTIME_MESSAGES_PER_SECOND: '5',
    REALTIME_MESSAGE_BURST: '10',
    REALTIME_MAX_BUFFERED_BYTES: '262144',
  });

  async function connect(host: TestHost, user: TestUser, options = {}): Promise<TestSocket> {
    const socket = await TestSocket.connect(host.url, user.accessToken, options);
    sockets.push(socket);
    return socket;
  }

  async function createGroup(members: TestUser[]): Promise<string> {
    const id = randomUUID();
    await sql.query(`INSERT INTO groups (id, name, dm_user_id, ruleset_id) VALUES ($1, 'Test group', $2, 'generic')`, [
      id,
      members[0].id,
    ]);
    for (const [index, member] of members.entries()) {
      await sql.query(`INSERT INTO group_members (group_id, user_id, role) VALUES ($1, $2, $3)`, [
        id,
        member.id,
        index === 0 ? 'dm' : 'player',
      ]);
    }
    return id;
  }

  async function appendEvent(groupId: string, type: string, payload: object): Promise<number> {
    const client = await sql.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(
        'UPDATE groups SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq',
        [groupId],
      );
      const seq = Number(rows[0].event_seq);
      await client.query('INSERT INTO group_events (group_id, seq, type, payload) VALUES ($1, $2, $3, $4)', [
        groupId,
        seq,
        type,
        payload,
      ]);
      await client.query('SELECT pg_notify($1, $2)', ['group_events', JSON.stringify({ g: groupId, s: seq })]);
      await client.query('COMMIT');
      return seq;
    } finally {
      client.release();
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = new SmtpReceiver();
    smtpUrl = await smtp.start();
    first = await startTestHost(env(smtpUrl));
    second = await startTestHost(env(smtpUrl));
    sql = new pg.Pool({ connectionString: database.url, max: 4 });
    const http = createHttp(first.url);
    dm = await createUser(http, smtp);
    player = await createUser(http, smtp);
    outsider = await createUser(http, smtp);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await first?.stop();
    await second?.stop();
    await sql?.end();
    await smtp?.stop();
    await database?.drop();
  });

  it('delivers an event written on the database to members on both instances', async () => {
    const groupId = await createGroup([dm, player]);
    const onFirst = await connect(first, dm);
    const onSecond = await connect(second, player);
    onFirst.subscribe(groupId);
    onSecond.subscribe(groupId);
    await onFirst.waitFor((m) => m.type === 'subscribed' && m.groupId === groupId);
    await onSecond.waitFor((m) => m.type === 'subscribed' && m.groupId === groupId);

    const seq = await appendEvent(groupId, 'roll.created', { id: randomUUID(), total: 17 });
    const [atFirst] = await onFirst.waitForEvents(groupId, 1);
    const [atSecond] = await onSecond.waitForEvents(groupId, 1);
    expect(atFirst).toMatchObject({ groupId, seq, type: 'roll.created', payload: { total: 17 } });
    expect(atSecond).toEqual(atFirst);
  });

  it('refuses a non-member exactly like a group that does not exist', async () => {
    const groupId = await createGroup([dm]);
    const socket = await connect(first, outsider);
    const missingId = randomUUID();
    socket.subscribe(groupId);
    socket.subscribe(missingId);
    const forMissing = await socket.waitFor((m) => m.type === 'error' && m.groupId === missingId);
    const errors = socket.messages.filter((m) => m.type === 'error');
    expect(errors.map((m) => (m as { groupId?: string }).groupId)).toEqual([groupId, missingId]);
    const forMember = errors[0];
    expect(forMember).toMatchObject({ type: 'error', code: 'not_found', groupId });
    expect({ ...forMember, groupId: 'x', message: '' }).toEqual({ ...forMissing, groupId: 'x', message: '' });
    // A member on the same instance receives the event; the outsider's ping answered after that shows the
    // instance sent the outsider nothing.
    const member = await connect(first, dm);
    member.subscribe(groupId);
    await member.waitFor((m) => m.type === 'subscribed' && m.groupId === groupId);
    await appendEvent(groupId, 'roll.created', { secret: true });
    await member.waitForEvents(groupId, 1);
    await socket.roundTrip();
    expect(socket.events(groupId)).toEqual([]);
  });

  it('closes a socket without a valid token', async () => {
    const socket = await TestSocket.connect(first.url, 'not-a-token');
    expect((await socket.waitForClose()).code).toBe(4401);
  });

  it('resumes after a disconnect with exactly the missed events, in order, without duplicates', async () => {
    const groupId = await createGroup([dm, player]);
    const before = await connect(first, player);
    before.subscribe(groupId);
    await before.waitFor((m) => m.type === 'subscribed');
    await appendEvent(groupId, 'character.updated', { n: 1 });
    const [seen] = await before.waitForEvents(groupId, 1);
    before.close();
    await before.waitForClose();

    const missed: number[] = [];
    for (let n = 2; n <= 6; n += 1) missed.push(await appendEvent(groupId, 'character.updated', { n }));

    const after = await connect(second, player);
    after.subscribe(groupId, seen.seq);
    const replayed = await after.waitForEvents(groupId, 5);
    expect(replayed.map((event) => event.seq)).toEqual(missed);
    expect(replayed.map((event) => (event.payload as unknown as { n: number }).n)).toEqual([2, 3, 4, 5, 6]);

    const live = await appendEvent(groupId, 'character.updated', { n: 7 });
    const all = await after.waitForEvents(groupId, 6);
    expect(all.map((event) => event.seq)).toEqual([...missed, live]);
  });

  it('tells a client too far behind the retained log to reload', async () => {
    const groupId = await createGroup([dm]);
    for (let n = 0; n < 30; n += 1) await appendEvent(groupId, 'character.updated', { n });
    const removed = await first.app.get(GroupEventStream).prune();
    expect(removed).toBeGreaterThanOrEqual(10);
    const socket = await connect(first, dm);
    socket.subscribe(groupId, 1);
    expect(await socket.waitFor((m) => m.type === 'resync_required')).toMatchObject({
      groupId,
      reason: 'too_far_behind',
    });
    socket.subscribe(groupId, 999);
    expect(await socket.waitFor((m) => m.type === 'resync_required' && m.reason === 'seq_ahead')).toMatchObject({
      groupId,
    });
  });

  it('loses nothing when the LISTEN connection is killed', async () => {
    const groupId = await createGroup([dm, player]);
    const socket = await connect(first, dm);
    socket.subscribe(groupId);
    await socket.waitFor((m) => m.type === 'subscribed');
    const realtime = first.app.get(GroupEventStream);
    const pid = realtime.listener.backendPid;
    expect(pid).toBeDefined();
    await sql.query('SELECT pg_terminate_backend($1)', [pid]);
    const written: number[] = [];
    for (let n = 0; n < 5; n += 1) written.push(await appendEvent(groupId, 'roll.created', { n }));
    const delivered = await socket.waitForEvents(groupId, 5, 10_000);
    expect(delivered.map((event) => event.seq)).toEqual(written);
    expect(realtime.listener.backendPid).not.toBe(pid);
  });

  it('ends a removed member’s subscription after telling them', async () => {
    const groupId = await createGroup([dm, player]);
    const dmSocket = await connect(first, dm);
    const playerSocket = await connect(second, player);
    dmSocket.subscribe(groupId);
    playerSocket.subscribe(groupId);
    await playerSocket.waitFor((m) => m.type === 'subscribed');
    await sql.query('DELETE FROM group_members WHERE group_id = $1 AND user_id = $2', [groupId, player.id]);
    await appendEvent(groupId, 'member.removed', { userId: player.id, removedBy: dm.id });
    expect(await playerSocket.waitFor((m) => m.type === 'unsubscribed')).toEqual({
      type: 'unsubscribed',
      groupId,
      reason: 'member.removed',
    });
    // A witness on the player's instance receives the next event; the player's answered ping then shows it got none.
    const witness = await connect(second, dm);
    witness.subscribe(groupId);
    await witness.waitFor((m) => m.type === 'subscribed' && m.groupId === groupId);
    await appendEvent(groupId, 'roll.created', { after: true });
    await dmSocket.waitForEvents(groupId, 2);
    await witness.waitForEvents(groupId, 1);
    await playerSocket.roundTrip();
    expect(playerSocket.events(groupId).map((event) => event.type)).toEqual(['member.removed']);
    playerSocket.subscribe(groupId);
    await playerSocket.waitFor((m) => m.type === 'error' && m.code === 'not_found');
  });

  it('tells who is online in the group, across instances', async () => {
    const groupId = await createGroup([dm, player]);
    const dmSocket = await connect(first, dm);
    dmSocket.subscribe(groupId);
    await dmSocket.waitFor(
      (m) =>
        m.type === 'event' &&
        m.event.type === 'presence.changed' &&
        (m.event.payload as { userId: string }).userId === dm.id,
    );
    const playerSocket = await connect(second, player);
    playerSocket.subscribe(groupId);
    const online = (userId: string, value: boolean) => (m: any) =>
      m.type === 'event' &&
      m.event.groupId === groupId &&
      m.event.type === 'presence.changed' &&
      m.event.payload.userId === userId &&
      m.event.payload.online === value;
    await dmSocket.waitFor(online(player.id, true));
    await playerSocket.waitFor(online(dm.id, true));
    playerSocket.close();
    await dmSocket.waitFor(online(player.id, false));
    // Presence is not in the log: it has no seq, so the next logged event's seq is the only one of its number.
    const seq = await appendEvent(groupId, 'roll.created', { id: randomUUID(), total: 3 });
    await dmSocket.waitForEvents(groupId, 1);
    const received = dmSocket.messages.flatMap((m) =>
      m.type === 'event' && m.event.groupId === groupId ? [m.event] : [],
    );
    const presence = received.filter((event) => event.type === 'presence.changed');
    expect(presence.length).toBeGreaterThanOrEqual(3);
    expect(presence.every((event) => !('seq' in event))).toBe(true);
    expect(received.filter((event) => event.seq === seq)).toHaveLength(1);
  });

  it('answers bad messages with an error event and keeps the connection', async () => {
    const socket = await connect(first, dm);
    socket.send('{not json');
    socket.send({ type: 'subscribe', groups: [{ groupId: 'nope' }] });
    socket.send({ type: 'explode' });
    await socket.waitFor((m) => m.type === 'error' && m.code === 'bad_message' && /type/.test(m.message));
    expect(socket.messages.filter((m) => m.type === 'error' && m.code === 'bad_message')).toHaveLength(3);
    socket.send({ type: 'ping' });
    await socket.waitFor((m) => m.type === 'pong');
    expect(socket.closed).toBeUndefined();
  });

  it('limits message size and rate per connection', async () => {
    const big = await connect(first, dm);
    big.send({ type: 'ping', pad: 'x'.repeat(20_000) });
    expect((await big.waitForClose()).code).toBe(1009);

    const chatty = await connect(first, dm);
    for (let n = 0; n < 15; n += 1) chatty.send({ type: 'ping' });
    await chatty.waitFor((m) => m.type === 'error' && m.code === 'rate_limited');
    expect(chatty.messages.filter((m) => m.type === 'pong').length).toBeLessThanOrEqual(11);
  });

  it('cuts off a consumer that stops reading instead of buffering for it, and lets it resume', async () => {
    // A host whose heartbeat does not fire during the test: it must be the send buffer that cuts the client off.
    const patient = await startTestHost({ ...env(`smtp://127.0.0.1:${smtp.port}`), REALTIME_HEARTBEAT_MS: '60000' });
    const groupId = await createGroup([dm]);
    const slow = await connect(patient, dm);
    slow.subscribe(groupId);
    await slow.waitFor((m) => m.type === 'subscribed');
    slow.socket.pause(); // stops reading: the kernel buffers fill, then the server's send buffer grows
    const padding = 'x'.repeat(12_000);
    const written: number[] = [];
    for (let n = 0; n < 400; n += 1) written.push(await appendEvent(groupId, 'character.updated', { n, padding }));
    slow.socket.resume();
    expect((await slow.waitForClose(15_000)).code).toBe(4008);
    const received = slow.events(groupId).map((event) => event.seq);
    expect(received.length).toBeLessThan(written.length);
    expect(received).toEqual(written.slice(0, received.length));

    const resumed = await connect(patient, dm);
    resumed.subscribe(groupId, received.at(-1) ?? 0);
    const rest = await resumed.waitForEvents(groupId, written.length - received.length, 15_000);
    expect([...received, ...rest.map((event) => event.seq)]).toEqual(written);
    resumed.close();
    await patient.stop();
  });

  it('drops a connection that stops answering heartbeats', async () => {
    const silent = await connect(first, dm, { autoPong: false });
    expect((await silent.waitForClose(5000)).code).toBe(1006);
  });

  it('forgets clients that drop while their token is being verified', async () => {
    const host = await startTestHost(env(smtpUrl));
    try {
      await dropDuringVerification(host);
    } finally {
      await host.stop();
    }
  });

  async function dropDuringVerification(second: TestHost): Promise<void> {
    const gateway = second.app.get(RealtimeGateway, { strict: false });
    const tokens = second.app.get(AccessTokenService, { strict: false });
    const server = second.app.getHttpServer();
    const openConnections = () =>
      new Promise<number>((resolve, reject) =>
        server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      );
    const baseline = await openConnections();
    // Verification waits until every client has dropped and the server has seen its TCP connection close.
    let release!: () => void;
    const dropped = new Promise<void>((resolve) => (release = resolve));
    const verifications: Promise<unknown>[] = [];
    const verify = tokens.verify.bind(tokens);
    tokens.verify = (token: string) => {
      const result = dropped.then(() => verify(token));
      verifications.push(result.catch(() => undefined));
      return result;
    };
    try {
      const url = `${second.url.replace(/^http/, 'ws')}/v1/ws?token=${encodeURIComponent(player.accessToken)}`;
      const clients = Array.from({ length: 20 }, () => new WebSocket(url));
      await Promise.all(
        clients.map(
          (client) =>
            new Promise<void>((resolve) => {
              client.on('error', () => undefined);
              client.once('open', () => client.terminate());
              client.once('close', () => resolve());
            }),
        ),
      );
      while ((await openConnections()) > baseline) await new Promise((resolve) => setTimeout(resolve, 10));
      release();
      await Promise.all(verifications);
    } finally {
      tokens.verify = verify;
    }
    // A live client's subscription is answered after every earlier handshake has finished.
    const groupId = await createGroup([player]);
    const live = await connect(second, player);
    live.subscribe(groupId);
    await live.waitFor((m) => m.type === 'subscribed' && m.groupId === groupId);
    expect(gateway.connectionCount).toBe(1);
    live.close();
    await live.waitForClose();
    while (gateway.connectionCount > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }
});
