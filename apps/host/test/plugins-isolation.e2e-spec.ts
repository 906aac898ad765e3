import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { PluginReloadedPayload } from '@cm/contracts';
import { PLUGIN_SANDBOX } from '../src/plugins/sandbox-provider.js';
import type { PluginSandbox } from '../src/plugins/sandbox/plugin-sandbox.js';
import { PluginsService } from '../src/plugins/plugins.service.js';
import { createTestDatabase } from './support/database.js';
import { addHostile, type HostileKind } from './support/hostile.js';
import { createHttp, type Http, type HttpResult } from './support/http.js';
import { createTempPluginsDir, pollUntil, type TempPluginsDir } from './support/plugins.js';
import { startTestHost, type TestHost } from './support/test-host.js';

const SHEET = { name: 'Ada', hp: { current: 7, max: 12 }, skill: 3 };
const ATTACK = { sheet: { ...SHEET, name: 'attack' } };
const QUARANTINE_MS = 1500;

interface Status {
  id: string;
  status: string;
  errors: string[];
  quarantinedUntil: string | null;
}

/** Resident memory of a process in MB (Linux). */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '')) / 1024;
}

/** No response may show the sandbox's files, stack frames or host paths. */
function expectNoInternals(response: HttpResult): void {
  const text = JSON.stringify(response.body);
  expect(text).not.toMatch(/cm-plugin-sandbox|runner-[0-9a-f]+|\.mjs|\/tmp\/|\n\s+at |node:internal/);
}

describe('plugin isolation and fairness through the HTTP API', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let plugins: TempPluginsDir;
  let host: TestHost;
  let http: Http;
  const events: PluginReloadedPayload[] = [];
  const statusOf = async (id: string): Promise<Status | undefined> =>
    ((await http('GET', '/v1/plugins')).body as Status[]).find((s) => s.id === id);
  const validate = (id: string, body: unknown = { sheet: SHEET }): Promise<HttpResult> =>
    http('POST', `/v1/rulesets/${id}/validate`, { body });

  beforeAll(async () => {
    database = await createTestDatabase();
    plugins = await createTempPluginsDir();
    await plugins.add('basic');
    await plugins.add('counter');
    const kinds = [
      'loop',
      'arrays',
      'buffers',
      'load-loop',
      'huge-result',
      'stateful',
      'stateful-feature',
      'ui-throws',
    ];
    for (const kind of kinds as HostileKind[]) await addHostile(plugins, kind);
    host = await startTestHost({
      DATABASE_URL: database.url,
      PLUGINS_DIR: plugins.dir,
      PLUGINS_WATCH: 'false',
      PLUGIN_QUARANTINE_MS: String(QUARANTINE_MS),
      // Filling 48 MB or writing 20 MB of JSON takes well under 250 ms, but not always on a busy shared machine.
      PLUGIN_TIMEOUT_MS: '1000',
    });
    http = createHttp(host.url);
    host.app.get(PluginsService).events.events.subscribe((event) => {
      if (event.type === 'plugin.reloaded') events.push(event.payload);
    });
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
    await plugins?.remove();
    await database?.drop();
  }, 30_000);

  it('refuses at load a plugin that loops at its top level, and one whose answers depend on earlier calls', async () => {
    const loadLoop = await statusOf('hostile-load-loop');
    expect(loadLoop).toMatchObject({ status: 'failed' });
    expect(loadLoop!.errors.join(' ')).toMatch(/server module failed to load: .*timeout/);
    const stateful = await statusOf('hostile-stateful');
    expect(stateful).toMatchObject({ status: 'failed' });
    expect(stateful!.errors.join(' ')).toMatch(/answers depend on earlier calls/);
    expect((await validate('hostile-stateful')).status).toBe(404);
    const feature = await statusOf('hostile-stateful-feature');
    expect(feature).toMatchObject({ status: 'failed' });
    expect(feature!.errors.join(' ')).toMatch(/fixture actions\/\w+\.json: answers depend on earlier calls/);
    for (const id of ['basic', 'counter', 'hostile-loop', 'hostile-arrays', 'hostile-buffers', 'hostile-huge-result'])
      expect((await statusOf(id))?.status).toBe('loaded');
  });

  it('blames an endless loop on its plugin, keeps others answering, quarantines it, and retries after the back-off', async () => {
    const failures: HttpResult[] = [];
    const hammer = Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 2; i++) failures.push(await validate('hostile-loop', ATTACK));
      }),
    );
    const others: HttpResult[] = [];
    while (failures.length < 8) {
      others.push(await validate('basic'));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await hammer;
    expect(others.length).toBeGreaterThan(3);
    for (const response of others) expect(response.body).toEqual({ valid: true, errors: [] });
    // Every failure is the loop's own: timeouts (or calls queued behind them on its workers), then fast refusals.
    const failed = failures.filter((r) => r.status === 502);
    expect(failed.filter((r) => r.body.failure === 'timeout').length).toBeGreaterThanOrEqual(1);
    expect(failed.length).toBeGreaterThanOrEqual(3);
    for (const response of failures) {
      expect(response.body).toMatchObject({ pluginId: 'hostile-loop' });
      expect(response.body.failure ?? response.body.code).toMatch(/^(timeout|crashed|quarantined)$/);
      expectNoInternals(response);
    }
    const quarantined = await statusOf('hostile-loop');
    expect(quarantined).toMatchObject({ status: 'quarantined', quarantinedUntil: expect.any(String) });
    expect(quarantined!.errors[0]).toMatch(/calls failed within 60 s \(last: timeout/);
    expect(events).toContainEqual(
      expect.objectContaining({ pluginId: 'hostile-loop', status: 'quarantined', reason: expect.any(String) }),
    );
    // Refused without running plugin code (how fast is the bench's business).
    const fast = await validate('hostile-loop');
    expect(fast.status).toBe(503);
    expect(fast.body).toMatchObject({ code: 'plugin_quarantined', pluginId: 'hostile-loop' });
    expect(Number(fast.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await statusOf('basic'))?.status).toBe('loaded');
    // After the back-off the plugin is loaded and checked again; clients are told it is back.
    const { value } = await pollUntil(async () => (await statusOf('hostile-loop'))?.status === 'loaded', 10_000);
    expect(value).toBe(true);
    expect(events.filter((e) => e.pluginId === 'hostile-loop').map((e) => e.status)).toEqual(['quarantined', 'loaded']);
    expect((await validate('hostile-loop')).body).toEqual({ valid: true, errors: [] });
  }, 30_000);

  it('fails unbounded JS arrays as memory or time, only for their plugin', async () => {
    const response = await validate('hostile-arrays', ATTACK);
    expect(response.status).toBe(502);
    expect(response.body).toMatchObject({
      pluginId: 'hostile-arrays',
      failure: expect.stringMatching(/^(out_of_memory|timeout)$/),
    });
    expectNoInternals(response);
    expect((await validate('basic')).body).toEqual({ valid: true, errors: [] });
  }, 30_000);

  it('fails the call that keeps too many ArrayBuffers as memory, recycles only that worker, and frees the memory', async () => {
    const sandbox = host.app.get<symbol, PluginSandbox>(PLUGIN_SANDBOX);
    const pid = sandbox.processId!;
    const before = rssMb(pid);
    // The plugin keeps 48 MB per call in module state (64 MB allowed): the second call goes over.
    const kept: HttpResult[] = [];
    for (let i = 0; i < 4 && kept.every((r) => r.status === 200); i++)
      kept.push(await validate('hostile-buffers', ATTACK));
    const over = kept.at(-1)!;
    expect(over.status).toBe(502);
    expect(over.body).toMatchObject({ pluginId: 'hostile-buffers', failure: 'out_of_memory' });
    expect(over.body.detail).toMatch(/ArrayBuffer/);
    expectNoInternals(over);
    // 8 GiB at once: refused (the process ceiling, or the check after the call), the process does not grow.
    const huge = await validate('hostile-buffers', { sheet: { ...SHEET, name: 'huge' } });
    expect(huge.status).toBe(502);
    expect(huge.body.failure).toMatch(/^(threw|out_of_memory)$/);
    expect((await validate('hostile-buffers')).body).toEqual({ valid: true, errors: [] });
    expect((await validate('basic')).body).toEqual({ valid: true, errors: [] });
    expect(sandbox.processId).toBe(pid);
    const { value: settled } = await pollUntil(async () => rssMb(pid) < before + 100, 5000);
    process.stdout.write(`isolation: sandbox RSS ${before.toFixed(0)} MB before, ${rssMb(pid).toFixed(0)} MB after\n`);
    expect(settled).toBe(true);
  }, 30_000);

  it('refuses a huge result as a bad result', async () => {
    const response = await validate('hostile-huge-result', ATTACK);
    expect(response.status).toBe(502);
    expect(response.body).toMatchObject({ pluginId: 'hostile-huge-result', failure: 'bad_result' });
    expectNoInternals(response);
    expect((await validate('basic')).body).toEqual({ valid: true, errors: [] });
  });

  it('serves a UI that throws on mount like any other (the clients show an error card)', async () => {
    const status = (await http('GET', '/v1/plugins')).body.find((s: { id: string }) => s.id === 'hostile-ui-throws');
    expect(status).toMatchObject({ status: 'loaded', ui: { url: expect.any(String) } });
    const asset = await fetch(`${host.url}${status.ui.url as string}`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toContain('this UI always fails to mount');
    expect((await validate('hostile-ui-throws')).body).toEqual({ valid: true, errors: [] });
  });
});
