import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from './support/database.js';
import { createHttp, type Http } from './support/http.js';
import { REPO_PLUGINS_DIR } from './support/plugins.js';
import { startTestHost, type TestHost } from './support/test-host.js';

describe('the bundled plugins in plugins/', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let host: TestHost;
  let http: Http;
  let folders: string[];

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'cm-bundled-plugins-'));
    await cp(REPO_PLUGINS_DIR, dir, { recursive: true, filter: (source) => !source.includes('node_modules') });
    folders = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    host = await startTestHost({ DATABASE_URL: database.url, PLUGINS_DIR: dir, PLUGINS_WATCH: 'false' });
    http = createHttp(host.url);
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
    await rm(dir, { recursive: true, force: true });
    await database?.drop();
  }, 30_000);

  it('loads every one of them with all fixtures passing', async () => {
    const statuses = (await http('GET', '/v1/plugins')).body as Array<{
      folder: string;
      status: string;
      errors: string[];
      fixtures: { failed: number; passed: number };
    }>;
    expect(statuses.map((s) => s.folder).sort()).toEqual(folders.filter((f) => !f.startsWith('.')).sort());
    for (const status of statuses) {
      expect({ folder: status.folder, status: status.status, errors: status.errors }).toEqual({
        folder: status.folder,
        status: 'loaded',
        errors: [],
      });
      expect(status.fixtures.failed).toBe(0);
    }
    const rulesets = (await http('GET', '/v1/rulesets')).body as Array<{ id: string }>;
    expect(rulesets.map((r) => r.id)).toEqual(expect.arrayContaining(['dsa5e', 'generic']));
  });

  it.each(['generic', 'dsa5e'])(
    'serves %s: a valid default sheet, stat blocks, dice actions and its UI bundle',
    async (id) => {
      const sheet = (await http('GET', `/v1/rulesets/${id}/default-sheet`)).body;
      expect((await http('POST', `/v1/rulesets/${id}/validate`, { body: { sheet } })).body).toEqual({
        valid: true,
        errors: [],
      });
      expect((await http('POST', `/v1/rulesets/${id}/stat-blocks`, { body: { sheet } })).status).toBe(200);
      const actions = await http('POST', `/v1/rulesets/${id}/dice-actions`, { body: { sheet } });
      expect(actions.status).toBe(200);
      const url = (await http('GET', `/v1/rulesets/${id}`)).body.ui.url as string;
      const ui = await fetch(`${host.url}${url}`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toMatch(/\/v1\/plugins\/assets\/vendor-svelte/);
    },
  );
});
