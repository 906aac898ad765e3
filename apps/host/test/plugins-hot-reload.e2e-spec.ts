import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestDatabase } from './support/database.js';
import { createHttp, type Http } from './support/http.js';
import { createTempPluginsDir, manifestEdit, pollUntil, type TempPluginsDir } from './support/plugins.js';
import { startTestHost, type TestHost } from './support/test-host.js';

interface Status {
  id: string;
  folder: string;
  status: string;
  errors: string[];
  lastReloadError: string | null;
  version: string;
  ui: { url: string } | null;
}

/** Collects the host's Server-Sent Events. */
async function listen(
  url: string,
): Promise<{ events: Array<{ type: string; data: Record<string, unknown> }>; close(): void }> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  const events: Array<{ type: string; data: Record<string, unknown> }> = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (type && data) events.push({ type, data: JSON.parse(data) as Record<string, unknown> });
        }
      }
    } catch {
      // aborted
    }
  })();
  return { events, close: () => controller.abort() };
}

describe('plugin hot reload', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let plugins: TempPluginsDir;
  let host: TestHost;
  let http: Http;
  let stream: Awaited<ReturnType<typeof listen>>;
  const status = async (folder: string): Promise<Status | undefined> =>
    (await http<Status[]>('GET', '/v1/plugins')).body.find((s) => s.folder === folder);
  const uiUrl = async (id: string): Promise<string | undefined> =>
    (await http('GET', `/v1/rulesets/${id}`)).body?.ui?.url;

  beforeAll(async () => {
    database = await createTestDatabase();
    plugins = await createTempPluginsDir();
    await plugins.add('basic');
    host = await startTestHost({ DATABASE_URL: database.url, PLUGINS_DIR: plugins.dir, PLUGINS_WATCH: 'true' });
    http = createHttp(host.url);
    stream = await listen(`${host.url}/v1/plugins/events`);
  }, 120_000);

  afterAll(async () => {
    // Stopping with the event stream still open must not hang: the host ends open streams first.
    const started = Date.now();
    await host?.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    stream?.close();
    await plugins?.remove();
    await database?.drop();
  }, 30_000);

  it('loads a newly dropped plugin folder within a second', async () => {
    const started = Date.now();
    await plugins.add('basic', 'fresh', { 'plugin.json': manifestEdit((m) => ((m.id = 'fresh'), (m.name = 'Fresh'))) });
    const { value } = await pollUntil(
      async () => (await http<Array<{ id: string }>>('GET', '/v1/rulesets')).body.some((r) => r.id === 'fresh'),
      3000,
      10,
    );
    const ms = Date.now() - started;
    process.stdout.write(`hot reload: new plugin visible after ${ms} ms\n`);
    expect(value).toBe(true);
    expect(ms).toBeLessThan(1500);
    const event = await pollUntil(async () =>
      stream.events.find((e) => e.type === 'plugin.reloaded' && e.data.pluginId === 'fresh'),
    );
    // The same shape as the WebSocket's plugin.reloaded (libs/contracts PluginReloadedPayload).
    expect(event.value?.data).toEqual({
      pluginId: 'fresh',
      version: '1.1.0',
      kind: 'ruleset',
      status: 'loaded',
      uiUrl: await uiUrl('fresh'),
    });
  });

  it('serves an edited UI under a new hash and tells listeners', async () => {
    const before = (await uiUrl('fresh'))!;
    const started = Date.now();
    await plugins.edit('fresh', 'src/ui/Sheet.svelte', (text) => text.replace('Basic sheet', 'Fresh sheet v2'));
    const { value: after } = await pollUntil(async () => {
      const url = await uiUrl('fresh');
      return url !== before ? url : undefined;
    });
    process.stdout.write(`hot reload: edited UI served after ${Date.now() - started} ms\n`);
    expect(after).toMatch(/^\/v1\/plugins\/assets\/fresh-ui\.[0-9a-f]{16}\.js$/);
    expect(await (await fetch(`${host.url}${after}`)).text()).toContain('Fresh sheet v2');
    // The replaced bundle stays available to clients that have not re-imported yet.
    expect((await fetch(`${host.url}${before}`)).status).toBe(200);
    const event = await pollUntil(async () =>
      stream.events.find((e) => e.type === 'plugin.reloaded' && e.data.uiUrl === after),
    );
    expect(event.value).toBeDefined();
  });

  it('keeps the last good version serving when an edit breaks the plugin, and recovers when fixed', async () => {
    const good = (await uiUrl('fresh'))!;
    const source = await readFile(join(plugins.dir, 'fresh', 'src/ruleset.ts'), 'utf8');
    await writeFile(join(plugins.dir, 'fresh', 'src/ruleset.ts'), `${source}\nexport const broken = {{{;\n`);
    const { value: broken } = await pollUntil(async () => {
      const s = await status('fresh');
      return s?.lastReloadError ? s : undefined;
    });
    expect(broken).toMatchObject({ status: 'loaded', version: '1.1.0', ui: { url: good } });
    expect(broken!.lastReloadError).toMatch(/server build failed: .*src\/ruleset\.ts/);
    expect(broken!.errors.join()).toMatch(/server build failed/);
    expect(await uiUrl('fresh')).toBe(good);
    const failed = await pollUntil(async () =>
      stream.events.find((e) => e.type === 'plugin.reloaded' && e.data.status === 'failed'),
    );
    expect(failed.value?.data).toMatchObject({ pluginId: 'fresh', version: '1.1.0', kind: 'ruleset', uiUrl: good });
    expect(failed.value?.data.reason).toMatch(/server build failed/);
    const validate = await http('POST', '/v1/rulesets/fresh/validate', {
      body: { sheet: { name: 'A', hp: { current: 1, max: 2 }, skill: 1 } },
    });
    expect(validate.body).toEqual({ valid: true, errors: [] });

    await writeFile(join(plugins.dir, 'fresh', 'src/ruleset.ts'), source.replace("label: 'Damage'", "label: 'Hurt'"));
    const { value: fixed } = await pollUntil(async () => {
      const s = await status('fresh');
      return s && s.lastReloadError === null ? s : undefined;
    });
    expect(fixed).toMatchObject({ status: 'loaded', errors: [] });
    const actions = await http('POST', '/v1/rulesets/fresh/dice-actions', {
      body: { sheet: { name: 'A', hp: { current: 1, max: 2 }, skill: 1 } },
    });
    expect(actions.body.diceActions[1].label).toBe('Hurt');
  });

  it('does not swap in a version whose fixtures fail', async () => {
    await plugins.edit('fresh', 'fixtures/valid/ada.json', () =>
      JSON.stringify({ name: 'Ada', hp: { current: 50, max: 12 }, skill: 3 }),
    );
    const { value } = await pollUntil(async () => {
      const s = await status('fresh');
      return s?.lastReloadError ? s : undefined;
    });
    expect(value!.lastReloadError).toMatch(/1 of 4 fixtures failed/);
    expect(value!.status).toBe('loaded');
    await plugins.edit('fresh', 'fixtures/valid/ada.json', () =>
      JSON.stringify({ name: 'Ada', hp: { current: 7, max: 12 }, skill: 3 }),
    );
    expect((await pollUntil(async () => (await status('fresh'))?.lastReloadError === null)).value).toBe(true);
  });

  it('unloads a deleted plugin folder', async () => {
    const url = (await uiUrl('fresh'))!;
    await rm(join(plugins.dir, 'fresh'), { recursive: true, force: true });
    const { value } = await pollUntil(async () => (await http('GET', '/v1/rulesets/fresh')).status === 404);
    expect(value).toBe(true);
    expect(await status('fresh')).toBeUndefined();
    expect((await fetch(`${host.url}${url}`)).status).toBe(404);
    expect(
      (
        await pollUntil(async () =>
          stream.events.some((e) => e.type === 'plugin.removed' && e.data.pluginId === 'fresh'),
        )
      ).value,
    ).toBe(true);
    expect((await http('GET', '/v1/rulesets/basic')).status).toBe(200);
  });
});
