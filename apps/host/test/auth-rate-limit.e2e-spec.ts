import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createUser } from './support/auth.js';
import { createTestDatabase } from './support/database.js';
import { createHttp, type Http } from './support/http.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { startTestHost, TEST_REDIS_URL, uniqueRedisPrefix, type TestHost } from './support/test-host.js';

const LOGIN = { email: 'nobody@example.com', password: 'wrong password' };

async function burn(http: Http, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) statuses.push((await http('POST', '/v1/auth/login', { body: LOGIN })).status);
  return statuses;
}

describe('auth rate limit', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const hosts: TestHost[] = [];

  const start = async (env: Record<string, string>): Promise<Http> => {
    const host = await startTestHost({ DATABASE_URL: database.url, AUTH_RATE_LIMIT_MAX: '10', ...env });
    hosts.push(host);
    return createHttp(host.url);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((host) => host.stop()));
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('answers the 11th auth request within a minute with 429 and Retry-After (in-process store)', async () => {
    const http = await start({});
    expect(await burn(http, 10)).toEqual(Array(10).fill(401));
    const limited = await http('POST', '/v1/auth/register', {
      body: { email: 'x@example.com', password: 'password123', displayName: 'X' },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(limited.body.code).toBe('rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Only /v1/auth/* is limited.
    expect((await http('GET', '/v1/me')).status).toBe(401);
    expect((await http('GET', '/health/live')).status).toBe(200);
  });

  it('opens again when the window has passed', async () => {
    const http = await start({ AUTH_RATE_LIMIT_WINDOW_MS: '3000' });
    expect(await burn(http, 11)).toEqual([...Array(10).fill(401), 429]);
    await new Promise((resolve) => setTimeout(resolve, 3200));
    expect(await burn(http, 1)).toEqual([401]);
  });

  it('shares one budget between two instances on the same Redis', async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: uniqueRedisPrefix() };
    const first = await start(env);
    const second = await start(env);
    expect(await burn(first, 5)).toEqual(Array(5).fill(401));
    expect(await burn(second, 5)).toEqual(Array(5).fill(401));
    const limitedFirst = await first('POST', '/v1/auth/login', { body: LOGIN });
    const limitedSecond = await second('POST', '/v1/auth/login', { body: LOGIN });
    expect([limitedFirst.status, limitedSecond.status]).toEqual([429, 429]);
    expect(Number(limitedSecond.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A third instance on another prefix has its own budget.
    const other = await start({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: uniqueRedisPrefix() });
    expect(await burn(other, 1)).toEqual([401]);
  });

  it('fails closed with 503 while Redis is unreachable and recovers when it returns', async () => {
    const proxy = new TcpProxy('127.0.0.1', Number(new URL(TEST_REDIS_URL).port || 6379));
    const port = await proxy.start();
    try {
      const http = await start({
        REDIS_URL: `redis://127.0.0.1:${port}`,
        REDIS_KEY_PREFIX: uniqueRedisPrefix(),
        AUTH_RATE_LIMIT_MAX: '1000',
      });
      const user = await createUser(http, { dataDir: hosts.at(-1)!.dataDir });
      expect(await burn(http, 1)).toEqual([401]);
      await proxy.stop();
      // A password change needs the session store to revoke other sessions: 503, and nothing changed.
      const change = await http('PATCH', '/v1/me', {
        token: user.accessToken,
        body: { currentPassword: user.password, newPassword: 'changed while down' },
      });
      expect(change.status).toBe(503);
      expect(change.body.code).toBe('dependency_unavailable');
      // Access tokens are verified without any store, so reads keep working.
      expect((await http('GET', '/v1/me', { token: user.accessToken })).status).toBe(200);
      for (const [method, path, body] of [
        ['POST', '/v1/auth/login', LOGIN],
        ['POST', '/v1/auth/register', { email: 'down@example.com', password: 'password123', displayName: 'Down' }],
        ['POST', '/v1/auth/refresh', { refreshToken: 'whatever' }],
      ] as const) {
        const result = await http(method, path, { body });
        expect(result.status).toBe(503);
        expect(result.headers.get('content-type')).toContain('application/problem+json');
        expect(result.body.code).toBe('dependency_unavailable');
      }
      expect((await http('GET', '/health/ready')).status).toBe(503);
      // Nothing was registered while the store was down.
      const db = new pg.Client({ connectionString: database.url });
      await db.connect();
      const rows = await db
        .query(`SELECT count(*) AS n FROM users WHERE email = 'down@example.com'`)
        .finally(() => db.end());
      expect(rows.rows[0].n).toBe('0');
      await proxy.start();
      const deadline = Date.now() + 10_000;
      let status = 0;
      while (Date.now() < deadline && status !== 401) {
        status = (await http('POST', '/v1/auth/login', { body: LOGIN })).status;
        if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(status).toBe(401);
      expect(
        (await http('POST', '/v1/auth/login', { body: { email: user.email, password: user.password } })).status,
      ).toBe(200);
    } finally {
      await proxy.stop();
    }
  });
});
