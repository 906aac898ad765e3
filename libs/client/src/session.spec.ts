import { describe, expect, it } from '@jest/globals';
import { createApi, unwrap } from './api.js';
import { ApiProblem } from './problem.js';
import { memoryLock } from './refresh-lock.js';
import { cookieTransport, memoryTokenStore } from './refresh-token-store.js';
import { Session, type SessionState } from './session.js';
import { fakeAuthHost, type FakeAuthHost } from './testing/fake-auth-host.js';

const BASE = 'http://host.test';
let names = 0;

/** Sessions ("tabs") of one browser: same host, same lock and channel names. */
function tabs(host: FakeAuthHost, count: number, store = memoryTokenStore()): Session[] {
  names += 1;
  const name = `cm-test-${names}`;
  return Array.from(
    { length: count },
    () => new Session({ baseUrl: BASE, store, fetch: host.fetch, lock: memoryLock(name), channel: name }),
  );
}

function statuses(session: Session): SessionState['status'][] {
  const seen: SessionState['status'][] = [];
  session.subscribe((state) => seen.push(state.status));
  return seen;
}

describe(Session.name, () => {
  it('restores to anonymous without a stored refresh token, sending nothing', async () => {
    const host = fakeAuthHost();
    const [session] = tabs(host, 1);
    const seen = statuses(session);
    expect(await session.restore()).toEqual({ status: 'anonymous', user: null });
    expect(seen).toEqual(['restoring', 'anonymous']);
    expect(host.refreshes).toBe(0);
    session.close();
  });

  it('logs in, keeps the refresh token in the store and the access token in memory', async () => {
    const host = fakeAuthHost();
    const store = memoryTokenStore();
    const [session] = tabs(host, 1, store);
    const user = await session.login('ada@example.com', 'correct horse');
    expect(user.displayName).toBe('Ada');
    expect(session.get()).toEqual({ status: 'authenticated', user });
    expect(store.token).toMatch(/^rt-/);
    expect(await session.getAccessToken()).toMatch(/^at-/);
    session.close();
  });

  it('refuses wrong credentials with an ApiProblem and stays anonymous', async () => {
    const host = fakeAuthHost();
    const [session] = tabs(host, 1);
    await session.restore();
    const failure = await session.login('ada@example.com', 'wrong').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiProblem);
    expect((failure as ApiProblem).code).toBe('unauthenticated');
    expect(session.get().status).toBe('anonymous');
    session.close();
  });

  it('restores a login from the stored refresh token on boot (a reload)', async () => {
    const host = fakeAuthHost();
    const store = memoryTokenStore();
    const [first] = tabs(host, 1, store);
    await first.login('ada@example.com', 'correct horse');
    first.close();
    const [reloaded] = tabs(host, 1, store);
    expect((await reloaded.restore()).user?.email).toBe('ada@example.com');
    expect(host.refreshes).toBe(1);
    reloaded.close();
  });

  it('shares one refresh between concurrent callers in a tab', async () => {
    const host = fakeAuthHost();
    const [session] = tabs(host, 1);
    await session.login('ada@example.com', 'correct horse');
    const tokens = await Promise.all([session.refresh(), session.refresh(), session.refresh()]);
    expect(new Set(tokens).size).toBe(1);
    expect(host.refreshes).toBe(1);
    session.close();
  });

  it('refreshes once for two tabs that both need it, and both stay logged in', async () => {
    const host = fakeAuthHost();
    const [a, b] = tabs(host, 2);
    await a.login('ada@example.com', 'correct horse');
    await new Promise<void>((resolve) => b.subscribe((state) => state.status === 'authenticated' && resolve()));
    const [tokenA, tokenB] = await Promise.all([a.refresh(), b.refresh()]);
    expect(host.refreshes).toBe(1);
    expect(host.reuses).toBe(0);
    expect(tokenA).toBe(tokenB);
    expect([a.get().status, b.get().status]).toEqual(['authenticated', 'authenticated']);
    a.close();
    b.close();
  });

  it('boots two tabs at once on the cookie transport without spending one cookie twice', async () => {
    const host = fakeAuthHost();
    names += 1;
    const name = `cm-cookie-${names}`;
    const open = (): Session =>
      new Session({ baseUrl: BASE, store: cookieTransport, fetch: host.fetch, lock: memoryLock(name), channel: name });
    const first = open();
    await first.login('ada@example.com', 'correct horse');
    first.close();
    const [a, b] = [open(), open()];
    const [stateA, stateB] = await Promise.all([a.restore(), b.restore()]);
    expect([stateA.status, stateB.status]).toEqual(['authenticated', 'authenticated']);
    expect(host.reuses).toBe(0);
    expect(host.refreshes).toBe(1);
    a.close();
    b.close();
  });

  it('goes anonymous in every tab when the refresh token is refused, and on logout', async () => {
    const host = fakeAuthHost();
    const [a, b] = tabs(host, 2);
    await a.login('ada@example.com', 'correct horse');
    await new Promise<void>((resolve) => b.subscribe((state) => state.status === 'authenticated' && resolve()));
    const bOut = new Promise<void>((resolve) => b.subscribe((state) => state.status === 'anonymous' && resolve()));
    await a.logout();
    expect(a.get().status).toBe('anonymous');
    await bOut;
    expect(await b.getAccessToken()).toBeNull();
    expect(await a.refresh()).toBeNull();
    a.close();
    b.close();
  });

  it('keeps the login when the host cannot refresh right now (503), rejecting that refresh', async () => {
    const host = fakeAuthHost();
    const store = memoryTokenStore();
    const [session] = tabs(host, 1, store);
    await session.login('ada@example.com', 'correct horse');
    host.failRefreshWith = 503;
    await expect(session.refresh()).rejects.toMatchObject({ status: 503, code: 'dependency_unavailable' });
    expect(session.get().status).toBe('authenticated');
    expect(store.token).toMatch(/^rt-/);
    host.failRefreshWith = null;
    expect(await session.refresh()).toMatch(/^at-/);
    session.close();
  });

  it('renews a token about to expire before handing it out', async () => {
    const host = fakeAuthHost();
    let now = 1_000_000;
    names += 1;
    const session = new Session({
      baseUrl: BASE,
      store: memoryTokenStore(),
      fetch: host.fetch,
      lock: memoryLock(`cm-clock-${names}`),
      channel: null,
      now: () => now,
    });
    await session.login('ada@example.com', 'correct horse');
    const first = await session.getAccessToken({ minValidityMs: 60_000 });
    now += 850_000;
    const second = await session.getAccessToken({ minValidityMs: 60_000 });
    expect(second).not.toBe(first);
    expect(host.refreshes).toBe(1);
    expect(session.accessTokenExpiresAt).toBe(now + 900_000);
  });
});

describe(createApi.name, () => {
  it('sends the bearer token, and after concurrent 401s refreshes once and retries each request once', async () => {
    const host = fakeAuthHost();
    const [session] = tabs(host, 1);
    await session.login('ada@example.com', 'correct horse');
    const api = createApi({ baseUrl: BASE, session, fetch: host.fetch });
    expect(await unwrap(api.GET('/v1/groups'))).toHaveLength(1);
    host.expireAccessTokens();
    const results = await Promise.all(Array.from({ length: 5 }, () => unwrap(api.GET('/v1/groups'))));
    expect(results.every((groups) => groups.length === 1)).toBe(true);
    expect(host.refreshes).toBe(1);
    expect(host.refusedCalls).toBe(5);
    expect(host.groupCalls).toBe(1 + 5 + 5);
    session.close();
  });

  it('retries a request with its body intact', async () => {
    const host = fakeAuthHost();
    const [session] = tabs(host, 1);
    await session.login('ada@example.com', 'correct horse');
    const api = createApi({ baseUrl: BASE, session, fetch: host.fetch });
    host.expireAccessTokens();
    const { data, response } = await api.POST('/v1/groups', { body: { name: 'New table', rulesetId: 'generic' } });
    expect(response.status).toBe(200);
    expect((data as unknown as Array<{ echo: unknown }>)[0].echo).toEqual({ name: 'New table', rulesetId: 'generic' });
    session.close();
  });

  it('gives up after one retry and surfaces the 401 as a problem when the login is over', async () => {
    const host = fakeAuthHost();
    const [session] = tabs(host, 1);
    await session.login('ada@example.com', 'correct horse');
    await session.logout();
    const api = createApi({ baseUrl: BASE, session, fetch: host.fetch });
    const failure = await unwrap(api.GET('/v1/groups')).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(host.refreshes).toBe(0);
    session.close();
  });

  it('turns an error that is not a problem into one', async () => {
    const host = fakeAuthHost();
    const api = createApi({ baseUrl: BASE, fetch: host.fetch });
    const { error, response } = await api.GET('/v1/broken' as '/v1/groups');
    expect(response.status).toBe(502);
    expect(error).toMatchObject({ status: 502, code: 'internal_error', title: 'Bad Gateway' });
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});
