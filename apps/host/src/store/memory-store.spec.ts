import { afterEach, describe, expect, it } from '@jest/globals';
import { MemoryStore } from './memory-store.js';

describe(MemoryStore.name, () => {
  let now = 1_000_000;
  const store = new MemoryStore(() => now);

  afterEach(async () => {
    await store.del('k', 'counter', 'set', 'once');
  });

  it('expires values after their ttl', async () => {
    await store.set('k', 'v', 100);
    expect(await store.get('k')).toBe('v');
    now += 100;
    expect(await store.get('k')).toBeNull();
  });

  it('lets only the first setIfAbsent win until the key expires', async () => {
    expect(await store.setIfAbsent('once', 'a', 50)).toBe(true);
    expect(await store.setIfAbsent('once', 'b', 50)).toBe(false);
    expect(await store.get('once')).toBe('a');
    now += 50;
    expect(await store.setIfAbsent('once', 'c', 50)).toBe(true);
    expect(await store.get('once')).toBe('c');
  });

  it('counts hits in a fixed window that starts at the first hit', async () => {
    expect(await store.hit('counter', 1000)).toEqual({ count: 1, resetInMs: 1000 });
    now += 400;
    expect(await store.hit('counter', 1000)).toEqual({ count: 2, resetInMs: 600 });
    now += 600;
    expect(await store.hit('counter', 1000)).toEqual({ count: 1, resetInMs: 1000 });
  });

  it('keeps set members and deletes keys', async () => {
    await store.addToSet('set', 'a', 1000);
    await store.addToSet('set', 'b', 1000);
    await store.addToSet('set', 'a', 1000);
    expect((await store.setMembers('set')).sort()).toEqual(['a', 'b']);
    await store.del('set');
    expect(await store.setMembers('set')).toEqual([]);
  });
});
