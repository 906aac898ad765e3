import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { unzipSync, strFromU8 } from 'fflate';
import { readFileSync } from 'node:fs';
import { createTestDatabase } from './support/database.js';
import { freePort } from './support/ports.js';
import { startTestHost, type TestHost } from './support/test-host.js';

const source = JSON.parse(readFileSync(new URL('../../../symbiote/manifest.json', import.meta.url), 'utf8'));

/** The hosted install: the manifest made from PUBLIC_URL and the zip players unpack once. */
describe('Symbiote install routes', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let host: TestHost;

  beforeAll(async () => {
    database = await createTestDatabase();
    host = await startTestHost({ DATABASE_URL: database.url, PUBLIC_URL: 'https://cm.example.com/' });
  });

  afterAll(async () => {
    await host?.stop();
    await database?.drop();
  });

  it('serves a manifest whose entry point is the public URL, with the app’s handlers and interop id, to anyone', async () => {
    const response = await fetch(`${host.url}/symbiote/manifest.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const manifest = await response.json();
    expect(manifest).toEqual({ ...source, entryPoint: 'https://cm.example.com/symbiote/' });
    expect(manifest.api.subscriptions.dice.onRollResults).toBe('tsOnRollResults');
    expect(manifest.api.interop.id).toMatch(/^[0-9a-f-]{36}$/);
    const again = await fetch(`${host.url}/symbiote/manifest.json`, {
      headers: { 'if-none-match': response.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('offers install.zip: a folder with that manifest and the 64×64 and notification icons', async () => {
    const response = await fetch(`${host.url}/symbiote/install.zip`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toContain(
      'attachment; filename="campaign-manager-symbiote.zip"',
    );
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual([
      'campaign-manager/icon24.png',
      'campaign-manager/icon64.png',
      'campaign-manager/manifest.json',
    ]);
    expect(JSON.parse(strFromU8(files['campaign-manager/manifest.json'])).entryPoint).toBe(
      'https://cm.example.com/symbiote/',
    );
    const icon = Buffer.from(files['campaign-manager/icon64.png']);
    expect(icon.subarray(1, 4).toString()).toBe('PNG');
    expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([64, 64]);
    const small = Buffer.from(files['campaign-manager/icon24.png']);
    expect([small.readUInt32BE(16), small.readUInt32BE(20)]).toEqual([24, 24]);
  });

  it('redirects /symbiote to /symbiote/ (the build’s relative URLs need the slash) and takes no writes', async () => {
    const response = await fetch(`${host.url}/symbiote`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/symbiote/');
    const write = await fetch(`${host.url}/symbiote/manifest.json`, { method: 'POST' });
    expect(write.status).toBe(405);
    expect(write.headers.get('content-type')).toContain('application/problem+json');
  });

  it('points the manifest at http://localhost:PORT without PUBLIC_URL (usable on this machine only)', async () => {
    const port = await freePort();
    const local = await startTestHost({ DATABASE_URL: database.url, PORT: String(port) });
    try {
      const manifest = await (await fetch(`${local.url}/symbiote/manifest.json`)).json();
      expect(manifest.entryPoint).toBe(`http://localhost:${port}/symbiote/`);
    } finally {
      await local.stop();
    }
  });

  it.each(['not a url', 'ftp://cm.example.com'])(
    'refuses to start with PUBLIC_URL=%j, naming the variable',
    async (value) => {
      await expect(startTestHost({ DATABASE_URL: database.url, PUBLIC_URL: value })).rejects.toThrow(/PUBLIC_URL/);
    },
  );
});

/** A local Symbiote (offline build) calls the host cross-origin: CORS_ORIGINS must name its origin. */
describe('CORS for a local Symbiote', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let host: TestHost;

  beforeAll(async () => {
    database = await createTestDatabase();
    host = await startTestHost({ DATABASE_URL: database.url, CORS_ORIGINS: 'null, http://localhost:8080' });
  });

  afterAll(async () => {
    await host?.stop();
    await database?.drop();
  });

  const preflight = (origin: string) =>
    fetch(`${host.url}/v1/auth/login`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });

  it.each(['null', 'http://localhost:8080'])('lets the listed origin %s call the API', async (origin) => {
    const response = await preflight(origin);
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
  });

  it('does not allow an origin that is not listed', async () => {
    const response = await preflight('https://elsewhere.example');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
