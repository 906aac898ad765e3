// Issue 5: latency from a roll POST to its delivery at every member's socket, with 1,000 sockets in
// 100 groups, on one host instance and across two; host RSS under that load.
// Users, groups and memberships are seeded with SQL (creating 1,000 accounts through argon2 would only
// measure hashing); access tokens are minted with the hosts' JWT secret. Rolls go through the real API.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import pg from 'pg';
import WebSocket from 'ws';
import { percentile, startHostProcess, createBenchDatabase, rssMb } from '../lib/harness.js';

const GROUPS = 100;
const MEMBERS_PER_GROUP = 10;
const ROLLS = 300;

export const title = 'Realtime: roll POST → delivery at every member (1,000 sockets, 100 groups)';

export async function run() {
  const database = await createBenchDatabase();
  const jwtSecret = `bench-secret-${randomUUID()}`;
  const env = { DATABASE_URL: database.url, JWT_SECRET: jwtSecret, AUTH_RATE_LIMIT_MAX: '1000000', LOG_LEVEL: 'warn' };
  const first = await startHostProcess(env);
  const second = await startHostProcess(env);
  const sql = new pg.Pool({ connectionString: database.url, max: 4 });
  const sockets = [];
  try {
    const groups = await seed(sql);
    const tokens = new Map();
    for (const group of groups) for (const userId of group.members) tokens.set(userId, await mint(jwtSecret, userId));

    const single = await measure({ groups, tokens, hostFor: () => first, post: first, sockets });
    const rssSingle = rssMb(first.pid);
    closeAll(sockets);

    const split = await measure({
      groups,
      tokens,
      hostFor: (index) => (index % 2 === 0 ? first : second),
      post: first,
      sockets,
      remoteOnly: true,
    });
    const rssFirst = rssMb(first.pid);
    const rssSecond = rssMb(second.pid);
    closeAll(sockets);

    return [
      ['one instance: delivery p50 / p99', `${single.p50.toFixed(1)} ms / ${single.p99.toFixed(1)} ms`, 'p99 < 50 ms'],
      [
        'two instances (POST on A, sockets on B): p50 / p99',
        `${split.p50.toFixed(1)} ms / ${split.p99.toFixed(1)} ms`,
        'p99 < 100 ms',
      ],
      ['rolls measured / deliveries', `${single.rolls} / ${single.deliveries}`, ''],
      ['host RSS with 1,000 sockets (one instance)', `${rssSingle.toFixed(0)} MB`, ''],
      ['host RSS with 500 sockets each (A / B)', `${rssFirst.toFixed(0)} MB / ${rssSecond.toFixed(0)} MB`, ''],
    ];
  } finally {
    closeAll(sockets);
    await sql.end();
    await first.stop();
    await second.stop();
    await database.drop();
  }
}

async function seed(sql) {
  const groups = [];
  for (let g = 0; g < GROUPS; g += 1) {
    const members = Array.from({ length: MEMBERS_PER_GROUP }, () => randomUUID());
    const values = members
      .map((id, i) => `('${id}', 'bench-${id}@example.com', 'x', 'Bench ${g}-${i}', true)`)
      .join(',');
    await sql.query(`INSERT INTO users (id, email, password_hash, display_name, email_verified) VALUES ${values}`);
    const groupId = randomUUID();
    await sql.query(`INSERT INTO groups (id, name, dm_user_id, ruleset_id) VALUES ($1, $2, $3, 'generic')`, [
      groupId,
      `Bench ${g}`,
      members[0],
    ]);
    const rows = members.map((id, i) => `('${groupId}', '${id}', '${i === 0 ? 'dm' : 'player'}')`).join(',');
    await sql.query(`INSERT INTO group_members (group_id, user_id, role) VALUES ${rows}`);
    groups.push({ id: groupId, members });
  }
  return groups;
}

function mint(secret, userId) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: randomUUID() })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer('campaign-manager')
    .setIssuedAt(now)
    .setExpirationTime(now + 15 * 60)
    .sign(new TextEncoder().encode(secret));
}

/**
 * Connects every member, then posts rolls one at a time and waits until every intended socket has the
 * roll. One roll is in flight at a time, so "a roll.created of the current group" identifies it even when
 * the event reaches a socket before the HTTP response does.
 */
async function measure({ groups, tokens, hostFor, post, sockets, remoteOnly = false }) {
  let current;
  let deliveries = 0;
  const latencies = [];
  const ready = [];
  for (const group of groups) {
    group.expected = 0;
    for (const [index, userId] of group.members.entries()) {
      const host = hostFor(index);
      const counted = !remoteOnly || host !== post;
      if (counted) group.expected += 1;
      const socket = new WebSocket(`${host.url.replace('http', 'ws')}/v1/ws?token=${tokens.get(userId)}`);
      sockets.push(socket);
      ready.push(
        new Promise((resolve, reject) => {
          socket.on('message', (data) => {
            const message = JSON.parse(data.toString());
            if (message.type === 'subscribed') resolve();
            if (
              counted &&
              message.type === 'event' &&
              message.event.type === 'roll.created' &&
              current?.groupId === group.id
            ) {
              deliveries += 1;
              current.arrived += 1;
              if (current.arrived === group.expected) current.resolve(performance.now() - current.started);
            }
          });
          socket.on('open', () => socket.send(JSON.stringify({ type: 'subscribe', groups: [{ groupId: group.id }] })));
          socket.on('error', reject);
        }),
      );
    }
  }
  await Promise.all(ready);
  for (let n = 0; n < ROLLS; n += 1) {
    const group = groups[n % groups.length];
    const delivered = new Promise((resolve) => {
      current = { groupId: group.id, arrived: 0, started: performance.now(), resolve };
    });
    const response = await fetch(`${post.url}/v1/groups/${group.id}/rolls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(group.members[0])}` },
      body: JSON.stringify({ notation: '1d20+5', label: 'bench' }),
    });
    if (response.status !== 201) throw new Error(`roll failed: ${response.status} ${await response.text()}`);
    latencies.push(await delivered);
  }
  current = undefined;
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), rolls: ROLLS, deliveries };
}

function closeAll(sockets) {
  for (const socket of sockets.splice(0)) socket.terminate();
}
