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

/**
 * A test feature plugin: `touch` stores a counter, `onGroupEvent` counts `roll.created` events (so a double
 * delivery would show), `boom` throws, `bad` returns a malformed result, `refuse` refuses.
 */
const COUNTER_SERVER = `
export default {
  actions: {
    touch: (_input, context) => ({ state: { count: context.state.count ?? 0, touched: context.userId }, reply: 'ok' }),
    boom: () => { throw new Error('kaboom'); },
    bad: () => ({ state: ['not', 'an', 'object'] }),
    refuse: () => ({ error: { code: 'conflict', message: 'not now' }, state: { count: -1 } }),
  },
  onGroupEvent(event, context) {
    if (event.type === 'member.joined') throw new Error('handler failure on purpose');
    if (event.type !== 'roll.created') return {};
    // slow on purpose (15 ms per event), so both instances' batches overlap in time
    const until = Date.now() + 15;
    while (Date.now() < until) { /* busy */ }
    return { state: { count: (context.state.count ?? 0) + 1 } };
  },
};
`;

describe('feature plugin failures and group-event delivery across two host instances', () => {
  let database: { url: string; drop: () => Promise<void> };
  let smtp: SmtpReceiver;
  let plugins: TempPluginsDir;
  let first: TestHost;
  let second: TestHost;
  let sql: pg.Pool;
  let httpA: Http;
  let httpB: Http;
  let dm: TestUser;
  let groupId: string;

  const call = (http: Http, method: string, path: string, body?: unknown) =>
    http(method, path, { token: dm.accessToken, body });
  const counterState = async (): Promise<Record<string, unknown>> =>
    (await call(httpA, 'GET', `/v1/groups/${groupId}/plugins/counter/state`)).body.state;

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
    await mkdir(join(counter, 'fixtures', 'actions'), { recursive: true });
    const touchContext = { groupId: 'g', userId: 'u', isDm: true, state: { count: 3 }, characters: [], entropy: [] };
    await writeFile(
      join(counter, 'fixtures/actions/touch.json'),
      JSON.stringify({ action: 'touch', context: touchContext, expectedState: { count: 3, touched: 'u' } }),
    );
    await writeFile(
      join(counter, 'fixtures/actions/refuse.json'),
      JSON.stringify({ action: 'refuse', context: touchContext, expectedError: 'conflict' }),
    );
    // the same plugin under another id, with a fixture it does not meet: the host must refuse to load it
    const liar = join(plugins.dir, 'liar');
    await mkdir(join(liar, 'fixtures', 'actions'), { recursive: true });
    await writeFile(
      join(liar, 'plugin.json'),
      JSON.stringify({
        id: 'liar',
        name: 'Liar',
        version: '1.0.0',
        kind: 'feature',
        hostApi: '^1.0.0',
        entry: { server: 'server.js' },
      }),
    );
    await writeFile(join(liar, 'server.js'), COUNTER_SERVER);
    await writeFile(
      join(liar, 'fixtures/actions/touch.json'),
      JSON.stringify({ action: 'touch', context: touchContext, expectedState: { count: 4 } }),
    );
    const env = {
      DATABASE_URL: database.url,
      SMTP_URL: smtpUrl,
      PLUGINS_DIR: plugins.dir,
      PLUGINS_WATCH: 'false',
      AUTH_RATE_LIMIT_MAX: '100000',
    };
    first = await startTestHost(env);
    second = await startTestHost(env);
    sql = new pg.Pool({ connectionString: database.url, max: 3 });
    httpA = createHttp(first.url);
    httpB = createHttp(second.url);
    const status = await httpA('GET', '/v1/plugins');
    expect(status.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'counter', status: 'loaded', fixtures: { passed: 2, failed: 0, failures: [] } }),
        expect.objectContaining({
          id: 'liar',
          status: 'failed',
          fixtures: expect.objectContaining({
            passed: 0,
            failed: 1,
            failures: [expect.objectContaining({ fixture: 'actions/touch.json' })],
          }),
        }),
      ]),
    );
    dm = await createUser(httpA, smtp);
    const group = await call(httpA, 'POST', '/v1/groups', { name: 'Counting', rulesetId: 'generic' });
    expect(group.status).toBe(201);
    groupId = group.body.id;
  }, 90_000);

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await sql?.end();
    await smtp?.stop();
    await plugins?.remove();
    await database?.drop();
  });

  async function stateRows(): Promise<number> {
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM plugin_state WHERE group_id = $1`, [groupId]);
    return rows[0].n;
  }

  it('answers 502 when the plugin throws or returns a malformed result, and 409 for a declared refusal; nothing changes', async () => {
    const boom = await call(httpA, 'POST', `/v1/groups/${groupId}/plugins/counter/actions/boom`, {});
    expect(boom.status).toBe(502);
    expect(boom.body).toMatchObject({ code: 'plugin_failed', detail: expect.stringContaining('kaboom') });
    const bad = await call(httpA, 'POST', `/v1/groups/${groupId}/plugins/counter/actions/bad`, {});
    expect(bad.status).toBe(502);
    expect(bad.body.detail).toMatch(/bad_result/);
    const refused = await call(httpA, 'POST', `/v1/groups/${groupId}/plugins/counter/actions/refuse`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe('not now');
    expect(await stateRows()).toBe(0);
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n FROM group_events WHERE group_id = $1 AND type = 'plugin.state_changed'`,
      [groupId],
    );
    expect(rows[0].n).toBe(0);
  });

  it('delivers each group event exactly once although both instances listen', async () => {
    const touched = await call(httpA, 'POST', `/v1/groups/${groupId}/plugins/counter/actions/touch`, {});
    expect(touched.status).toBe(200);
    expect(touched.body).toEqual({ reply: 'ok', state: { count: 0, touched: dm.id } });
    const rolls = 20;
    // concurrent rolls through both instances: both dispatchers see every NOTIFY at about the same time
    const created = await Promise.all(
      Array.from({ length: rolls }, (_, i) =>
        call(i % 2 ? httpA : httpB, 'POST', `/v1/groups/${groupId}/rolls`, { notation: '1d6' }),
      ),
    );
    expect(created.map((response) => response.status)).toEqual(new Array(rolls).fill(201));
    // a handler that throws on one event skips it and keeps going
    await sql.query(
      `WITH s AS (UPDATE groups SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq)
       INSERT INTO group_events (group_id, seq, type, payload) SELECT $1, event_seq, 'member.joined', '{}'::jsonb FROM s`,
      [groupId],
    );
    expect((await call(httpB, 'POST', `/v1/groups/${groupId}/rolls`, { notation: '1d6' })).status).toBe(201);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (await counterState()).count !== rolls + 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await counterState()).count).toBe(rolls + 1);
    // Both instances are done once the cursor reached the end of the log (the plugin's own state changes are
    // skipped, never handled): a second delivery could only happen before that.
    const caughtUp = async () =>
      (
        await sql.query(
          `SELECT c.last_seq = g.event_seq AS done FROM plugin_event_cursors c JOIN groups g ON g.id = c.group_id WHERE c.group_id = $1 AND c.plugin_id = 'counter'`,
          [groupId],
        )
      ).rows[0].done as boolean;
    const settled = Date.now() + 15_000;
    while (Date.now() < settled && !(await caughtUp())) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await caughtUp()).toBe(true);
    expect((await counterState()).count).toBe(rolls + 1);
    const { rows } = await sql.query(
      `SELECT c.last_seq::int AS cursor, g.event_seq::int AS seq FROM plugin_event_cursors c JOIN groups g ON g.id = c.group_id WHERE c.group_id = $1 AND c.plugin_id = 'counter'`,
      [groupId],
    );
    // a batch handled twice would announce the same count twice: the announced counts strictly increase
    const { rows: changes } = await sql.query(
      `SELECT (payload->'value')::int AS count FROM group_events
        WHERE group_id = $1 AND type = 'plugin.state_changed' AND payload->>'key' = 'count' AND payload->>'changedBy' IS NULL ORDER BY seq`,
      [groupId],
    );
    const counts = changes.map((row: { count: number }) => row.count);
    expect(counts.at(-1)).toBe(rolls + 1);
    expect(counts).toEqual([...new Set(counts)].sort((a, b) => a - b));
    // the cursor reached the last event that is not the plugin's own state change
    const { rows: last } = await sql.query(
      `SELECT max(seq)::int AS seq FROM group_events WHERE group_id = $1 AND type <> 'plugin.state_changed'`,
      [groupId],
    );
    expect(rows[0].cursor).toBeGreaterThanOrEqual(last[0].seq);
  });
});
