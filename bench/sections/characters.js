// Issue 4: GET /v1/characters/:id req/s and p99 at 32 connections beside a bare Fastify + pg route doing the
// same read (the character and the groups it is in), and full-sheet PUTs of a dsa5e character (validation
// in the plugin sandbox + a history row) per second.
// Users and the group are seeded with SQL and tokens minted with the host's JWT secret; characters are
// created, assigned and written through the API.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { SignJWT } from 'jose';
import pg from 'pg';
import { createBenchDatabase, percentile, startHostProcess } from '../lib/harness.js';
import { compare } from '../lib/load.js';

const CONNECTIONS = 32;
const WRITERS = 16;
const WRITE_SECONDS = 8;
const REPO_PLUGINS = new URL('../../plugins/', import.meta.url).pathname;

export const title = 'Characters: GET /v1/characters/:id vs bare Fastify + pg, full-sheet PUT of a dsa5e character';

export async function run() {
  const database = await createBenchDatabase();
  const jwtSecret = `bench-secret-${randomUUID()}`;
  const host = await startHostProcess({ DATABASE_URL: database.url, JWT_SECRET: jwtSecret, PLUGINS_DIR: REPO_PLUGINS });
  const sql = new pg.Pool({ connectionString: database.url, max: 10 });
  let bare;
  try {
    const owner = randomUUID();
    await sql.query(
      `INSERT INTO users (id, email, password_hash, display_name, email_verified) VALUES ($1, $2, 'x', 'Bench', true)`,
      [owner, `${owner}@example.com`],
    );
    const token = await mint(jwtSecret, owner);
    const api = (method, path, body) =>
      fetch(`${host.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      }).then(async (response) => ({ status: response.status, body: await response.json().catch(() => null) }));
    const group = await api('POST', '/v1/groups', { name: 'Bench campaign', rulesetId: 'dsa5e' });
    if (group.status !== 201) throw new Error(`group: ${group.status} ${JSON.stringify(group.body)}`);
    const characters = [];
    for (let n = 0; n < WRITERS; n += 1) {
      const created = await api('POST', '/v1/characters', { rulesetId: 'dsa5e', name: `Alrik ${n}` });
      if (created.status !== 201) throw new Error(`character: ${created.status} ${JSON.stringify(created.body)}`);
      characters.push(created.body);
    }
    await api('POST', `/v1/groups/${group.body.id}/characters`, { characterId: characters[0].id });

    bare = await startBareServer(database.url, owner);
    const read = await compare(
      { url: `${host.url}/v1/characters/${characters[0].id}`, headers: { authorization: `Bearer ${token}` } },
      { url: `${bare.url}/characters/${characters[0].id}` },
      { connections: CONNECTIONS },
    );
    const writes = await fullSheetWrites(api, characters);
    return [
      [
        `GET /v1/characters/:id (${CONNECTIONS} connections, median of 3 rounds)`,
        `${read.host.rps.toFixed(0)} req/s, p99 ${read.host.p99} ms${failures(read.host)}`,
        '',
      ],
      [
        'bare Fastify + pg, same read (alternating rounds)',
        `${read.bare.rps.toFixed(0)} req/s, p99 ${read.bare.p99} ms${failures(read.bare)}`,
        '',
      ],
      ['GET /v1/characters/:id / bare ratio', (read.host.rps / read.bare.rps).toFixed(2), '≥ 0.6'],
      [
        `PUT /v1/characters/:id, dsa5e full sheet (${WRITERS} writers)`,
        `${writes.rps.toFixed(0)} req/s, p50 ${writes.p50.toFixed(1)} ms, p99 ${writes.p99.toFixed(1)} ms${writes.failed ? `, ${writes.failed} failed` : ''}`,
        '',
      ],
    ];
  } finally {
    await bare?.close();
    await sql.end();
    await host.stop();
    await database.drop();
  }
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

/** The baseline: the owner's character row and the groups it is in, in one query. */
async function startBareServer(databaseUrl, ownerId) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const app = Fastify({ logger: false });
  app.get('/characters/:id', async (request, reply) => {
    const { rows } = await pool.query(
      `SELECT c.*, COALESCE((SELECT json_agg(json_build_object('groupId', g.id, 'groupName', g.name, 'isActive', gc.is_active))
                              FROM group_characters gc JOIN groups g ON g.id = gc.group_id WHERE gc.character_id = c.id), '[]') AS groups
         FROM characters c WHERE c.id = $1 AND c.owner_user_id = $2`,
      [request.params.id, ownerId],
    );
    const c = rows[0];
    if (!c) return reply.code(404).send({ status: 404 });
    return {
      id: c.id,
      name: c.name,
      rulesetId: c.ruleset_id,
      rulesetVersion: c.ruleset_version,
      version: c.version,
      portraitUrl: c.portrait_url,
      ownerId: c.owner_user_id,
      sheet: c.sheet_data,
      createdAt: c.created_at.toISOString(),
      updatedAt: c.updated_at.toISOString(),
      groups: c.groups,
    };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${app.server.address().port}`,
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}

/** One writer per character, each sending the version it got back (a shared character would only produce 409s). */
async function fullSheetWrites(api, characters) {
  const latencies = [];
  let failed = 0;
  const deadline = Date.now() + WRITE_SECONDS * 1000;
  const writer = async (character) => {
    let { version, sheet, name } = character;
    let n = 0;
    while (Date.now() < deadline) {
      n += 1;
      const next = { ...sheet, notes: `Session note ${n}` };
      const started = performance.now();
      const response = await api('PUT', `/v1/characters/${character.id}`, { name, sheet: next, version });
      latencies.push(performance.now() - started);
      if (response.status !== 200) {
        failed += 1;
        break;
      }
      ({ version, sheet } = response.body);
    }
  };
  const started = Date.now();
  await Promise.all(characters.map(writer));
  const seconds = (Date.now() - started) / 1000;
  return { rps: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failed };
}

function failures(result) {
  return result.non2xx || result.errors ? ` (${result.non2xx} non-2xx, ${result.errors} errors)` : '';
}
