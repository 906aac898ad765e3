import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RedisStore } from '../src/store/redis-store.js';

// Runs against the machine's real Redis, under a unique key prefix so parallel suites never collide.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `cmtest:store:${Math.random().toString(36).slice(2, 10)}:`;

describe(RedisStore.name, () => {
  const store = new RedisStore(REDIS_URL, PREFIX);
  /** Waits until Redis has expired a key: the observable end of a TTL, however slow the machine is. */
  async function expired(key: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while ((await store.client.exists(key)) === 1) {
      if (Date.now() > deadline) throw new Error(`${key} did not expire`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    await store.connect();
  });

  afterAll(async () => {
    await store.del('k', 'once', 'counter', 'set');
    await store.close();
  });

  it('stores values under the key prefix and expires them', async () => {
    await store.set('k', 'v', 150);
    expect(await store.get('k')).toBe('v');
    const ttl = await store.client.pttl('k');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(150);
    await expired('k');
    expect(await store.get('k')).toBeNull();
  });

  it('lets only one of many concurrent setIfAbsent calls win', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.setIfAbsent('once', String(i), 10_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.get('once')).toBe(String(results.indexOf(true)));
  });

  it('counts hits in a fixed window that starts at the first hit', async () => {
    const first = await store.hit('counter', 2000);
    expect(first.count).toBe(1);
    expect(first.resetInMs).toBeGreaterThan(0);
    expect(first.resetInMs).toBeLessThanOrEqual(2000);
    // Later hits do not extend the window: its expiry stays where the first hit set it.
    const expiresAt = await store.client.pexpiretime('counter');
    const second = await store.hit('counter', 2000);
    expect(second.count).toBe(2);
    expect(second.resetInMs).toBeLessThanOrEqual(first.resetInMs);
    expect(await store.client.pexpiretime('counter')).toBe(expiresAt);
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => store.hit('counter', 2000)));
    expect(concurrent.map((hit) => hit.count).sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await store.client.pexpiretime('counter')).toBe(expiresAt);
    await expired('counter');
    expect((await store.hit('counter', 400)).count).toBe(1);
  });

  it('keeps set members and deletes keys', async () => {
    await store.addToSet('set', 'a', 10_000);
    await store.addToSet('set', 'b', 10_000);
    expect((await store.setMembers('set')).sort()).toEqual(['a', 'b']);
    await store.del('set', 'once');
    expect(await store.setMembers('set')).toEqual([]);
    expect(await store.get('once')).toBeNull();
  });

  it('fails fast when Redis is unreachable', async () => {
    const down = new RedisStore('redis://127.0.0.1:1', PREFIX);
    await expect(down.connect()).rejects.toThrow();
    const started = Date.now();
    await expect(down.hit('x', 1000)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3000);
    await down.close();
  });
});
