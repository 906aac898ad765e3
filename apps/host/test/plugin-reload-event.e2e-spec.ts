import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createUser, type TestUser } from './support/auth.js';
import { createTestDatabase } from './support/database.js';
import { createHttp } from './support/http.js';
import { SmtpReceiver } from './support/smtp-receiver.js';
import { startTestHost, type TestHost } from './support/test-host.js';
import { sleep, TestSocket } from './support/ws-client.js';

const REPO_PLUGINS = resolve(import.meta.dirname, '../../../plugins');

/** A hot-reloaded plugin reaches the clients of every group that uses it, once, whatever the number of instances. */
describe('plugin.reloaded events', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let smtp: SmtpReceiver;
  let pluginsDir: string;
  let hosts: TestHost[];
  let dm: TestUser;
  let groupId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = new SmtpReceiver();
    pluginsDir = await mkdtemp(join(tmpdir(), 'cm-plugins-'));
    await cp(join(REPO_PLUGINS, 'generic'), join(pluginsDir, 'generic'), { recursive: true });
    const env = {
      DATABASE_URL: database.url,
      SMTP_URL: await smtp.start(),
      PLUGINS_DIR: pluginsDir,
      PLUGINS_WATCH: 'true',
    };
    hosts = [await startTestHost(env), await startTestHost(env)];
    const http = createHttp(hosts[0].url);
    dm = await createUser(http, smtp);
    const group = await http('POST', '/v1/groups', {
      token: dm.accessToken,
      body: { name: 'Reload table', rulesetId: 'generic' },
    });
    expect(group.status).toBe(201);
    groupId = group.body.id;
  });

  afterAll(async () => {
    for (const host of hosts ?? []) await host.stop();
    await smtp?.stop();
    await database?.drop();
    await rm(pluginsDir, { recursive: true, force: true });
  });

  it('writes one plugin.reloaded with the new bundle URL into the groups using the ruleset', async () => {
    const socket = await TestSocket.connect(hosts[1].url, dm.accessToken);
    socket.subscribe(groupId);
    await socket.waitFor((m) => m.type === 'subscribed');
    const before = (await createHttp(hosts[0].url)('GET', '/v1/rulesets/generic')).body.ui.url as string;

    const uiFile = join(pluginsDir, 'generic', 'src', 'ui', 'index.ts');
    await writeFile(
      uiFile,
      `${await readFile(uiFile, 'utf8')}\n(globalThis as Record<string, unknown>).cmEditedWhileRunning = true;\n`,
    );

    const message = await socket.waitFor((m) => m.type === 'event' && m.event.type === 'plugin.reloaded', 10_000);
    const payload = (message as { event: { payload: { pluginId: string; uiUrl: string; status: string } } }).event
      .payload;
    expect(payload).toMatchObject({ pluginId: 'generic', kind: 'ruleset', status: 'loaded' });
    expect(Object.keys(payload).sort()).toEqual(['kind', 'pluginId', 'status', 'uiUrl', 'version']);
    expect(payload.uiUrl).not.toBe(before);
    await sleep(1500);
    expect(socket.events(groupId, 'plugin.reloaded')).toHaveLength(1);
    socket.close();
  });
});
