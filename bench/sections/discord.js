// Issue 11: Discord interaction latency, request to response, on a host process from the build: autocomplete of
// `/campaign switch` for a user in 1,000 groups (read from the database on every keystroke), `/roll` with notation
// and `/roll action:` (a character's dice action resolved by the ruleset in the plugin sandbox), each stored,
// announced and answered inline. Every request is signed with Ed25519 like Discord's and verified by the host.
// Sequential requests (Discord sends one interaction per user action), after a warm-up.
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SignJWT } from 'jose';
import pg from 'pg';
import { createBenchDatabase, percentile, startHostProcess } from '../lib/harness.js';

const GROUPS = 1000;
const SAMPLES = Number(process.env.DISCORD_BENCH_SAMPLES ?? 300);
const WARM_UP = 30;
const TARGET = 'p99 ≤ 100 ms';
const REPO_PLUGINS = new URL('../../plugins/', import.meta.url).pathname;
const GUILD = '290926798626357999';
const DISCORD_USER = '53908232506183680';

export const title = `Discord: interaction latency (autocomplete over ${GROUPS} groups, /roll), ${SAMPLES} sequential requests each`;

export async function run() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const database = await createBenchDatabase();
  const jwtSecret = `bench-secret-${randomUUID()}`;
  const host = await startHostProcess({
    DATABASE_URL: database.url,
    JWT_SECRET: jwtSecret,
    PLUGINS_DIR: REPO_PLUGINS,
    DISCORD_PUBLIC_KEY: publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex'),
    DISCORD_APPLICATION_ID: '1240000000000000000',
  });
  const sql = new pg.Pool({ connectionString: database.url, max: 4 });
  try {
    const userId = await seed(sql, host.url, jwtSecret);
    const send = (interaction) => signedPost(host.url, privateKey, interaction);
    const rows = [];
    const cases = [
      ['autocomplete /campaign switch, nothing typed (25 of 1,000)', () => autocomplete('')],
      ['autocomplete /campaign switch, typed "quest 42"', () => autocomplete('quest 42')],
      ['/roll notation:2d20kh1+3', () => command('roll', [{ name: 'notation', type: 3, value: '2d20kh1+3' }])],
      [
        '/roll action:Longbow (ruleset resolves it)',
        () => command('roll', [{ name: 'action', type: 3, value: 'custom:bow' }]),
      ],
    ];
    for (const [name, interaction] of cases) {
      const latencies = await sample(send, interaction);
      rows.push([
        name,
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
        TARGET,
      ]);
    }
    const stored = (
      await sql.query(`SELECT count(*)::int AS n FROM rolls WHERE source = 'discord' AND user_id = $1`, [userId])
    ).rows[0].n;
    rows.push(['rolls stored with source discord', String(stored), String(2 * (SAMPLES + WARM_UP))]);
    return rows;
  } finally {
    await sql.end();
    await host.stop();
    await database.drop();
  }
}

function base(type) {
  return {
    id: randomUUID(),
    application_id: '1240000000000000000',
    type,
    version: 1,
    token: `bench-${randomUUID()}`,
    guild_id: GUILD,
    member: { user: { id: DISCORD_USER, username: 'bench', global_name: 'Bench' }, roles: [] },
  };
}

function autocomplete(typed) {
  return {
    ...base(4),
    data: {
      name: 'campaign',
      type: 1,
      options: [{ name: 'switch', type: 1, options: [{ name: 'name', type: 3, value: typed, focused: true }] }],
    },
  };
}

function command(name, options) {
  return { ...base(2), data: { name, type: 1, options } };
}

async function sample(send, makeInteraction) {
  const latencies = [];
  for (let n = 0; n < WARM_UP + SAMPLES; n += 1) {
    const interaction = makeInteraction();
    const started = performance.now();
    const response = await send(interaction);
    const elapsed = performance.now() - started;
    if (response.status !== 200)
      throw new Error(`interaction answered ${response.status}: ${JSON.stringify(response.body)}`);
    if (response.body.data?.flags === 64) throw new Error(`interaction refused: ${response.body.data.content}`);
    if (n >= WARM_UP) latencies.push(elapsed);
  }
  return latencies;
}

async function signedPost(url, privateKey, interaction) {
  const body = JSON.stringify(interaction);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = sign(null, Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), privateKey).toString('hex');
  const response = await fetch(`${url}/v1/discord/interactions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-signature-ed25519': signature,
      'x-signature-timestamp': timestamp,
    },
    body,
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** A linked user in 1,000 groups (SQL), the guild playing one of them, and an active character there (API). */
async function seed(sql, hostUrl, jwtSecret) {
  const userId = randomUUID();
  await sql.query(
    `INSERT INTO users (id, email, password_hash, display_name, email_verified) VALUES ($1, $2, 'x', 'Bench', true)`,
    [userId, `${userId}@example.com`],
  );
  await sql.query(
    `WITH created AS (
       INSERT INTO groups (name, ruleset_id, description, dm_user_id)
       SELECT 'Side quest ' || n, 'generic', '', $1 FROM generate_series(1, $2) AS n RETURNING id)
     INSERT INTO group_members (group_id, user_id, role) SELECT id, $1, 'dm' FROM created`,
    [userId, GROUPS - 1],
  );
  await sql.query(`INSERT INTO discord_accounts (discord_user_id, user_id, username) VALUES ($1, $2, 'bench')`, [
    DISCORD_USER,
    userId,
  ]);
  const token = await mint(jwtSecret, userId);
  const api = async (method, path, body) => {
    const response = await fetch(`${hostUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await response.json().catch(() => null);
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const group = await api('POST', '/v1/groups', { name: 'The bench table', rulesetId: 'generic' });
  const character = await api('POST', '/v1/characters', {
    rulesetId: 'generic',
    name: 'Aria',
    sheet: {
      name: 'Aria',
      hp: { current: 10, max: 10 },
      fields: [],
      notes: '',
      dice: [{ id: 'bow', label: 'Longbow', diceString: '1d20+7' }],
    },
  });
  await api('POST', `/v1/groups/${group.id}/characters`, { characterId: character.id });
  await sql.query(`INSERT INTO discord_links (scope, group_id, set_by_user_id) VALUES ($1, $2, $3)`, [
    `guild:${GUILD}`,
    group.id,
    userId,
  ]);
  return userId;
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
