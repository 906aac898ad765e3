import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from './support/database.js';
import { createHttp, type Http } from './support/http.js';
import { REPO_PLUGINS_DIR } from './support/plugins.js';
import { startTestHost, TEST_REDIS_URL, uniqueRedisPrefix, type TestHost } from './support/test-host.js';

const SHEET = { sheet: { name: 'Ada' } };

/** The public routes that run plugin code share one budget per client, across instances (Redis). */
describe('rate limit of public plugin computations', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const hosts: TestHost[] = [];
  let first: Http;
  let second: Http;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.url,
      PLUGINS_DIR: REPO_PLUGINS_DIR,
      PLUGINS_WATCH: 'false',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: uniqueRedisPrefix(),
      PLUGIN_RATE_LIMIT_MAX: '4',
      PLUGIN_RATE_LIMIT_WINDOW_MS: '60000',
    };
    hosts.push(await startTestHost(env), await startTestHost(env));
    [first, second] = hosts.map((host) => createHttp(host.url));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(hosts.map((host) => host.stop()));
    await database?.drop();
  }, 30_000);

  it('counts validations, default sheets and feature trials on both instances, then answers 429 with Retry-After', async () => {
    const statuses = [
      (await first('POST', '/v1/rulesets/generic/validate', { body: SHEET })).status,
      (await second('GET', '/v1/rulesets/generic/default-sheet')).status,
      (
        await first('POST', '/v1/plugins/initiative/try/actions/start', {
          body: { state: {}, isDm: true, characters: [] },
        })
      ).status,
      (await second('POST', '/v1/rulesets/generic/validate', { body: SHEET })).status,
    ];
    expect(statuses).toEqual([200, 200, 200, 200]);
    for (const http of [first, second]) {
      const limited = await http('POST', '/v1/rulesets/generic/validate', { body: SHEET });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toContain('application/problem+json');
      expect(limited.body).toMatchObject({ code: 'rate_limited', retryAfterSeconds: expect.any(Number) });
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    const trial = await second('POST', '/v1/plugins/initiative/try/actions/start', {
      body: { state: {}, isDm: true, characters: [] },
    });
    expect(trial.status).toBe(429);
  });

  it('does not count what runs no plugin code: the catalog, plugin statuses and health', async () => {
    expect((await first('GET', '/v1/rulesets')).status).toBe(200);
    expect((await first('GET', '/v1/rulesets/generic')).status).toBe(200);
    expect((await second('GET', '/v1/plugins')).status).toBe(200);
    expect((await second('GET', '/health/live')).status).toBe(200);
  });
});
