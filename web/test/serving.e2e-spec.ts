import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from '../../apps/host/test/support/database.js';
import { startTestHost, type TestHost } from '../../apps/host/test/support/test-host.js';

/** The host serves the built web app at `/`: hashed assets immutable, the shell for the app's own routes only. */
describe('the host serves the built web app', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let host: TestHost;
  let shell: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    host = await startTestHost({ DATABASE_URL: database.url, PLUGINS_WATCH: 'false' });
    shell = await (await fetch(`${host.url}/`)).text();
  }, 60_000);

  afterAll(async () => {
    await host?.stop();
    await database?.drop();
  });

  it('answers the SPA shell for every route of the app, revalidated with an ETag and a CSP', async () => {
    const id = '6f1c7a52-8d0e-4d55-9a57-2a4b1b1a0c11';
    for (const path of [
      '/',
      '/login',
      '/register',
      '/verify-email?token=x',
      '/reset-password',
      `/join/${id}/tok`,
      '/groups',
      `/groups/${id}`,
      `/groups/${id}/settings`,
      '/characters',
      `/characters/${id}`,
      '/me',
    ]) {
      const response = await fetch(`${host.url}${path}`);
      expect([path, response.status, response.headers.get('content-type')]).toEqual([
        path,
        200,
        'text/html; charset=utf-8',
      ]);
      expect(await response.text()).toBe(shell);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
    expect(shell).toContain('/_app/immutable/');
    const etag = (await fetch(`${host.url}/groups`)).headers.get('etag');
    const again = await fetch(`${host.url}/groups`, { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
  });

  it('serves hashed assets immutable and precompressed', async () => {
    const asset = /\/_app\/immutable\/[^"']+\.js/.exec(shell)?.[0];
    expect(asset).toBeDefined();
    const brotli = await fetch(`${host.url}${asset}`, { headers: { 'accept-encoding': 'br' } });
    expect(brotli.status).toBe(200);
    expect(brotli.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(brotli.headers.get('content-encoding')).toBe('br');
    expect(brotli.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const plain = await fetch(`${host.url}${asset}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect((await plain.text()).length).toBeGreaterThan(0);
  });

  it('never answers the shell for the API, health, the Symbiote, the playground or unknown paths', async () => {
    const api = await fetch(`${host.url}/v1/no-such-route`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    expect((await fetch(`${host.url}/health/live`)).headers.get('content-type')).toContain('application/json');
    for (const path of ['/symbiote/groups', '/nope', '/groupsx', '/_app/immutable/missing.js']) {
      const response = await fetch(`${host.url}${path}`);
      expect([path, response.status]).toEqual([path, 404]);
      expect(await response.text()).not.toBe(shell);
    }
    const playground = await fetch(`${host.url}/playground`);
    expect(playground.status).toBe(200);
    expect(await playground.text()).not.toBe(shell);
  });
});
