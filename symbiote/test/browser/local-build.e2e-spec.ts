import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestUser } from '../../../apps/host/test/support/auth.js';
import { freePort } from '../../../apps/host/test/support/ports.js';
import { registerVerifiedUser } from '../../../apps/host/test/support/users.js';
import { startWebApp, type WebApp } from '../../../web/test/support/web-app.js';
import { attachTaleSpire } from '../simulator/page.js';
import { SimulatedBoard, SimulatedClient, type Manifest } from '../simulator/simulator.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
};

/** Serves symbiote/dist from another origin, as a local Symbiotes folder would be (its own origin, not the host's). */
function serveDist(port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    readFile(join(DIST, path === '/' ? 'index.html' : path)).then(
      (body) => response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** The offline build: the server is chosen on the Login view, and the host's CORS_ORIGINS decides. */
describe('Symbiote local build', () => {
  let app: WebApp;
  let server: Server;
  let allowed: string;
  let player: TestUser;
  let manifest: Manifest;

  beforeAll(async () => {
    const port = await freePort();
    allowed = `http://127.0.0.1:${port}`;
    server = await serveDist(port);
    app = await startWebApp({ CORS_ORIGINS: allowed });
    player = await registerVerifiedUser(app.http, app.smtp, 'Lokal');
    const group = await app.http('POST', '/v1/groups', {
      body: { name: 'Offline table', rulesetId: 'dsa5e' },
      token: player.accessToken,
    });
    expect(group.status).toBe(201);
    manifest = JSON.parse(await readFile(join(DIST, 'manifest.json'), 'utf8'));
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('ships a manifest with a local entry point and the icons', async () => {
    expect(manifest).toMatchObject({ entryPoint: '/index.html', icons: { '64x64': '/icon64.png' } });
    await expect(readFile(join(DIST, 'icon64.png'))).resolves.toBeInstanceOf(Buffer);
  });

  it('asks for the server, logs in across origins, keeps both across a reload and goes live', async () => {
    const client = new SimulatedClient(manifest, { id: 'p-lokal', name: 'Lokal' });
    client.joinBoard(new SimulatedBoard('b', { id: 'c', name: 'Campaign' }));
    const { page } = await app.person({ width: 420, baseUrl: allowed });
    await attachTaleSpire(page, client);
    await page.goto('/');
    await page.getByLabel('Server').fill(app.host.url);
    await page.getByLabel('Email').fill(player.email);
    await page.getByLabel('Password').fill(player.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Your groups' }).waitFor();
    expect(JSON.parse(client.storage.get('global')!)).toMatchObject({ serverUrl: app.host.url });
    await page.reload();
    await page.getByRole('button', { name: 'Open Offline table' }).click();
    // The WebSocket to the other origin opens too (the live indicator).
    await page.locator('[data-connection="open"]').waitFor();
  });

  it('explains a refusal by CORS with the Symbiote’s origin', async () => {
    const other = await freePort();
    const second = await serveDist(other);
    try {
      const client = new SimulatedClient(manifest, { id: 'p-2', name: 'Zwei' });
      const { page } = await app.person({ width: 420, baseUrl: `http://127.0.0.1:${other}` });
      await attachTaleSpire(page, client);
      await page.goto('/');
      await page.getByLabel('Server').fill(app.host.url);
      await page.getByLabel('Email').fill(player.email);
      await page.getByLabel('Password').fill(player.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      await expect(alert.innerText()).resolves.toContain(`(http://127.0.0.1:${other}) in CORS_ORIGINS`);
    } finally {
      await new Promise((resolve) => second.close(resolve));
    }
  });
});
