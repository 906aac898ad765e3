import { Redis } from 'ioredis';
import type { KeyValueStore } from './key-value-store.js';

/** Redis (or Dragonfly) store shared by every host instance. Commands fail fast when Redis is down. */
export class RedisStore implements KeyValueStore {
  readonly kind = 'redis';
  readonly client: Redis;

  constructor(url: string, keyPrefix = '') {
    this.client = new Redis(url, {
      keyPrefix,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    // Errors surface on the commands; the 'error' event must still be handled or it crashes the process.
    this.client.on('error', () => undefined);
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  get(key: string): Promise<string | null> {
    return this.client.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(key, value, 'PX', ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.client.set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async del(...keys: string[]): Promise<void> {
    if (keys.length > 0) await this.client.del(...keys);
  }

  async hit(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }> {
    const results = await this.client.multi().incr(key).pexpire(key, windowMs, 'NX').pttl(key).exec();
    if (!results) throw new Error('Redis transaction aborted');
    const [[incrError, count], , [ttlError, ttl]] = results;
    const failure = incrError ?? ttlError;
    if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
    return { count: Number(count), resetInMs: Math.max(0, Number(ttl)) };
  }

  async addToSet(key: string, member: string, ttlMs: number): Promise<void> {
    await this.client.multi().sadd(key, member).pexpire(key, ttlMs).exec();
  }

  setMembers(key: string): Promise<string[]> {
    return this.client.smembers(key);
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
