import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from './support/database.js';
import { createHttp, type Http } from './support/http.js';
import { createTempPluginsDir, manifestEdit, type TempPluginsDir } from './support/plugins.js';
import { startTestHost, type TestHost } from './support/test-host.js';

const SHEET = { name: 'Ada', hp: { current: 7, max: 12 }, skill: 3 };

/** A copy of the basic test plugin whose validate misbehaves on request (by the sheet's name). */
const HOSTILE_VALIDATE = `validate(sheet) {
    if (sheet.name === 'loop') for (;;) {}
    if (sheet.name === 'oom') { const hoard: number[][] = []; for (;;) hoard.push(new Array(1e6).fill(1)); }
    if (sheet.name === 'env') {
      const g = globalThis as Record<string, unknown>;
      const proc = g.process as { env?: object } | undefined;
      return [{ path: 'probe', message: JSON.stringify({ process: typeof g.process, env: proc?.env ? Object.keys(proc.env).length : null, require: typeof g.require, fetch: typeof g.fetch }) }];
    }`;

describe('hostile plugins through the HTTP API', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let plugins: TempPluginsDir;
  let host: TestHost;
  let http: Http;

  beforeAll(async () => {
    database = await createTestDatabase();
    plugins = await createTempPluginsDir();
    await plugins.add('basic');
    await plugins.add('basic', 'hostile', {
      'plugin.json': manifestEdit((m) => (m.id = 'hostile')),
      'src/ruleset.ts': (code) => code.replace('validate(sheet) {', HOSTILE_VALIDATE),
    });
    host = await startTestHost({ DATABASE_URL: database.url, PLUGINS_DIR: plugins.dir, PLUGINS_WATCH: 'false' });
    http = createHttp(host.url);
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
    await plugins?.remove();
    await database?.drop();
  }, 30_000);

  it('loads the hostile plugin (its fixtures pass)', async () => {
    const statuses = (await http('GET', '/v1/plugins')).body as Array<{ id: string; status: string }>;
    expect(statuses.find((s) => s.id === 'hostile')?.status).toBe('loaded');
  });

  it('fails an endless loop with a quick 502 while the host keeps answering', async () => {
    const started = Date.now();
    const looping = http('POST', '/v1/rulesets/hostile/validate', { body: { sheet: { ...SHEET, name: 'loop' } } });
    // While the plugin spins, the host's event loop is free: liveness and other rulesets answer at once.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const liveStarted = Date.now();
    const live = await http('GET', '/health/live');
    const liveMs = Date.now() - liveStarted;
    const other = await http('POST', '/v1/rulesets/basic/validate', { body: { sheet: SHEET } });
    const response = await looping;
    const loopMs = Date.now() - started;
    process.stdout.write(`hostile: loop failed after ${loopMs} ms; /health/live answered in ${liveMs} ms meanwhile\n`);
    expect(live.status).toBe(200);
    expect(liveMs).toBeLessThan(200);
    expect(other.body).toEqual({ valid: true, errors: [] });
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.detail).toMatch(/^Plugin "hostile" failed: timeout/);
    expect(loopMs).toBeLessThan(3000);
  });

  it('fails a memory hog with a 502 and keeps serving afterwards', async () => {
    const response = await http('POST', '/v1/rulesets/hostile/validate', {
      body: { sheet: { ...SHEET, name: 'oom' } },
    });
    expect(response.status).toBe(502);
    expect(response.body.detail).toMatch(/^Plugin "hostile" failed: (out_of_memory|timeout|crashed)/);
    expect((await http('POST', '/v1/rulesets/hostile/validate', { body: { sheet: SHEET } })).body).toEqual({
      valid: true,
      errors: [],
    });
    expect((await http('GET', '/health/live')).status).toBe(200);
  });

  it('gives plugin code no process, environment, require or network', async () => {
    const response = await http('POST', '/v1/rulesets/hostile/validate', {
      body: { sheet: { ...SHEET, name: 'env' } },
    });
    const probe = JSON.parse(response.body.errors[0].message) as Record<string, unknown>;
    expect(probe).toEqual({ process: 'undefined', env: null, require: 'undefined', fetch: 'undefined' });
  });
});
