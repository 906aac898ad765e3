import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_DATABASE_URL, createTestDatabase } from './support/database.js';
import { createHttp, type Http, type HttpResult } from './support/http.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { startTestHost, TEST_REDIS_URL, uniqueRedisPrefix, type TestHost } from './support/test-host.js';

/** Polls /health/ready until it answers `status`, returning that answer (or the last one seen on timeout). */
async function waitForReady(http: Http, status: number, timeoutMs = 8000): Promise<HttpResult> {
  const deadline = Date.now() + timeoutMs;
  let last = await http('GET', '/health/ready');
  while (last.status !== status && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await http('GET', '/health/ready');
  }
  return last;
}

describe('readiness through dependency outages', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let host: TestHost;
  let http: Http;
  const postgresProxy = new TcpProxy('127.0.0.1', Number(new URL(ADMIN_DATABASE_URL).port || 5432));
  const redisProxy = new TcpProxy('127.0.0.1', Number(new URL(TEST_REDIS_URL).port || 6379));

  beforeAll(async () => {
    database = await createTestDatabase();
    const databaseUrl = new URL(database.url);
    databaseUrl.port = String(await postgresProxy.start());
    const redisUrl = new URL(TEST_REDIS_URL);
    redisUrl.port = String(await redisProxy.start());
    host = await startTestHost({
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: redisUrl.toString(),
      REDIS_KEY_PREFIX: uniqueRedisPrefix(),
    });
    http = createHttp(host.url);
  });

  afterAll(async () => {
    // Every test brings its proxy back in `finally`, so the host shuts down against live services.
    await host?.stop();
    await postgresProxy.stop();
    await redisProxy.stop();
    await database?.drop();
  });

  it('is ready while the database and Redis answer', async () => {
    const ready = await http('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
  });

  it('stays live and reports not ready while the database is down, then recovers without a restart', async () => {
    await postgresProxy.stop();
    try {
      const down = await waitForReady(http, 503);
      expect(down.status).toBe(503);
      expect(down.headers.get('content-type')).toContain('application/problem+json');
      expect(down.body).toMatchObject({ status: 503, code: 'not_ready', checks: { database: 'down', redis: 'up' } });
      expect((await http('GET', '/health/live')).status).toBe(200);
    } finally {
      await postgresProxy.start();
    }
    const back = await waitForReady(http, 200);
    expect(back.status).toBe(200);
    expect(back.body.checks).toEqual({ database: 'up', redis: 'up' });
  });

  it('answers a database-backed route with 503 dependency_unavailable while the database is down', async () => {
    const email = `outage-${Date.now()}@example.com`;
    const password = 'outage-password-123';
    expect((await http('POST', '/v1/auth/register', { body: { email, password, displayName: 'Outage' } })).status).toBe(
      202,
    );
    const login = await http('POST', '/v1/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    const token: string = login.body.accessToken;
    expect((await http('GET', '/v1/me', { token })).status).toBe(200);

    await postgresProxy.stop();
    try {
      const me = await http('GET', '/v1/me', { token });
      expect(me.status).toBe(503);
      expect(me.headers.get('content-type')).toContain('application/problem+json');
      expect(me.body).toMatchObject({ status: 503, code: 'dependency_unavailable', instance: '/v1/me' });
    } finally {
      await postgresProxy.start();
    }
    await waitForReady(http, 200);
    expect((await http('GET', '/v1/me', { token })).status).toBe(200);
  });

  it('reports not ready while Redis is down, then recovers without a restart', async () => {
    await redisProxy.stop();
    try {
      const down = await waitForReady(http, 503);
      expect(down.status).toBe(503);
      expect(down.headers.get('content-type')).toContain('application/problem+json');
      expect(down.body).toMatchObject({ status: 503, code: 'not_ready', checks: { database: 'up', redis: 'down' } });
    } finally {
      await redisProxy.start();
    }
    const back = await waitForReady(http, 200);
    expect(back.status).toBe(200);
    expect(back.body.checks).toEqual({ database: 'up', redis: 'up' });
  });

  it('reports both dependencies when both are down at once', async () => {
    await Promise.all([postgresProxy.stop(), redisProxy.stop()]);
    try {
      const down = await waitForReady(http, 503);
      expect(down.body.checks).toEqual({ database: 'down', redis: 'down' });
    } finally {
      await Promise.all([postgresProxy.start(), redisProxy.start()]);
    }
    expect((await waitForReady(http, 200)).status).toBe(200);
  });
});
