import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { createUser, type TestUser } from './support/auth.js';
import { createTestDatabase } from './support/database.js';
import { createHttp, type Http } from './support/http.js';
import { createTempPluginsDir, REPO_PLUGINS_DIR, type TempPluginsDir } from './support/plugins.js';
import { SmtpReceiver } from './support/smtp-receiver.js';
import { startTestHost, type TestHost } from './support/test-host.js';

/** Counts `roll.created` events per group; `touch` stores state, which starts the group's delivery. */
const COUNTER_SERVER = `
export default {
  actions: { touch: (_input, context) => ({ state: { count: context.state.count ?? 0 }, reply: 'ok' }) },
  onGroupEvent(event, context) {
    if (event.type !== 'roll.created') return {};
    return { state: { count: (context.state.count ?? 0) + 1 } };
  },
};
`;

const POOL_SIZE = 4;
const GROUPS = 4 * POOL_SIZE;
const EVENTS_PER_GROUP = 3;

/**
 * The feature-event dispatcher with the pool at its size: events land in many groups at once, each waking a
 * (plugin, group) batch, while members keep reading. A batch that held a pooled connection while it asked the
 * pool for another (or fanned out without a bound) starved the pool: acquisitions timed out after 3 s and the
 * events waited for the next sweep (30 s).
 */
describe('group-event delivery with the database pool at its size', () => {
  let database: { url: string; drop: () => Promise<void> };
  let smtp: SmtpReceiver;
  let plugins: TempPluginsDir;
  let host: TestHost;
  let sql: pg.Pool;
  let http: Http;
  let dm: TestUser;
  const groupIds: string[] = [];

  const call = (method: string, path: string, body?: unknown) => http(method, path, { token: dm.accessToken, body });

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = new SmtpReceiver();
    const smtpUrl = await smtp.start();
    plugins = await createTempPluginsDir(REPO_PLUGINS_DIR);
    await plugins.add('generic');
    const counter = join(plugins.dir, 'counter');
    await mkdir(counter);
    await writeFile(
      join(counter, 'plugin.json'),
      JSON.stringify({
        id: 'counter',
        name: 'Counter',
        version: '1.0.0',
        kind: 'feature',
        hostApi: '^1.0.0',
        entry: { server: 'server.js' },
      }),
    );
    await writeFile(join(counter, 'server.js'), COUNTER_SERVER);
    host = await startTestHost({
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      SMTP_URL: smtpUrl,
      PLUGINS_DIR: plugins.dir,
      PLUGINS_WATCH: 'false',
      AUTH_RATE_LIMIT_MAX: '100000',
    });
    sql = new pg.Pool({ connectionString: database.url, max: GROUPS });
    // The database is dropped WITH (FORCE) at the end; an idle client cut then must not crash the run.
    sql.on('error', () => undefined);
    sql.on('error', () => undefined);
    http = createHttp(host.url);
    dm = await createUser(http, smtp);
    for (let i = 0; i < GROUPS; i += 1) {
      const group = await call('POST', '/v1/groups', { name: `Table ${i}`, rulesetId: 'generic' });
      expect(group.status).toBe(201);
      groupIds.push(group.body.id);
      const character = await call('POST', '/v1/characters', {
        name: `Hero ${i}`,
        rulesetId: 'generic',
        sheet: { name: `Hero ${i}`, hp: { current: 5, max: 10 }, fields: [], notes: '' },
      });
      expect(character.status).toBe(201);
      expect(
        (await call('POST', `/v1/groups/${group.body.id}/characters`, { characterId: character.body.id })).status,
      ).toBe(200);
      expect((await call('POST', `/v1/groups/${group.body.id}/plugins/counter/actions/touch`, {})).status).toBe(200);
    }
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
    await sql?.end();
    await smtp?.stop();
    await plugins?.remove();
    await database?.drop();
  });

  /** Appends a roll.created event the way every writer does (seq under the group's row lock, NOTIFY). */
  async function appendRoll(groupId: string): Promise<void> {
    await sql.query(
      `WITH s AS (UPDATE groups SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq),
            e AS (INSERT INTO group_events (group_id, seq, type, payload) SELECT $1, event_seq, 'roll.created', '{}'::jsonb FROM s RETURNING seq)
       SELECT pg_notify('group_events', json_build_object('g', $1::text, 's', e.seq)::text) FROM e`,
      [groupId],
    );
  }

  async function counts(): Promise<number[]> {
    const { rows } = await sql.query<{ group_id: string; count: number }>(
      `SELECT group_id, (value)::int AS count FROM plugin_state WHERE plugin_id = 'counter' AND key = 'count' AND group_id = ANY($1::uuid[])`,
      [groupIds],
    );
    const byGroup = new Map(rows.map((row) => [row.group_id, row.count]));
    return groupIds.map((id) => byGroup.get(id) ?? -1);
  }

  it('delivers events of many groups at once without starving the pool or the requests', async () => {
    const writes = groupIds.flatMap((groupId) => Array.from({ length: EVENTS_PER_GROUP }, () => appendRoll(groupId)));
    // members keep reading while the dispatcher works: each request needs a pooled connection too
    const reads = groupIds.map((groupId) => call('GET', `/v1/groups/${groupId}/characters`));
    await Promise.all(writes);
    const statuses = (await Promise.all(reads)).map((response) => response.status);
    expect(statuses).toEqual(new Array(GROUPS).fill(200));
    // Well inside the 30 s sweep that would pick up batches that failed on an acquire timeout.
    const deadline = Date.now() + 10_000;
    const expected = new Array(GROUPS).fill(EVENTS_PER_GROUP);
    let seen = await counts();
    while (Date.now() < deadline && JSON.stringify(seen) !== JSON.stringify(expected)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await counts();
    }
    expect(seen).toEqual(expected);
  });
});
