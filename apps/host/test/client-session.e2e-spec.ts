import { createApi, memoryLock, memoryTokenStore, Session, unwrap, type RefreshTokenStore } from '@cm/client';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mailedToken } from './support/auth.js';
import { cookieJar, countingFetch, shortLivedTokens } from './support/client.js';
import { startCampaignHost, type CampaignHost } from './support/users.js';

/**
 * @cm/client's Session and API client against a real host (real refresh-token rotation and reuse detection):
 * the cookie transport through a browser-like cookie jar shared by "tabs", the body transport with a store.
 */
describe('@cm/client sessions against the host', () => {
  let ctx: CampaignHost;
  const sessions: Session[] = [];
  let names = 0;
  const password = 'correct horse battery';

  beforeAll(async () => {
    ctx = await startCampaignHost(['generic'], { COOKIE_SECURE: 'false' });
  });

  afterAll(async () => {
    for (const session of sessions) session.close();
    await ctx?.stop();
  });

  /** Sessions sharing one browser profile: fetch (cookie jar), refresh lock and BroadcastChannel name. */
  function browser(fetcher: typeof fetch, count: number, store?: RefreshTokenStore): Session[] {
    names += 1;
    const name = `cm-e2e-${names}`;
    const tabs = Array.from(
      { length: count },
      () => new Session({ baseUrl: ctx.host.url, fetch: fetcher, store, lock: memoryLock(name), channel: name }),
    );
    sessions.push(...tabs);
    return tabs;
  }

  async function account(label: string): Promise<string> {
    const email = `${label}-${Date.now().toString(36)}-${names}@example.com`;
    const [session] = browser(fetch, 1);
    await session.register({ email, password, displayName: label });
    const api = createApi({ baseUrl: ctx.host.url });
    await unwrap(api.POST('/v1/auth/verify-email', { body: { token: await mailedToken(ctx.smtp, email, 'verify') } }));
    return email;
  }

  it('registers, logs in with the cookie transport, and restores the login in a new tab', async () => {
    const email = await account('Cookie');
    const jar = cookieJar();
    const [first, reloaded] = browser(jar.fetch, 2);
    await first.restore();
    expect(first.get().status).toBe('anonymous');
    const user = await first.login(email, password);
    expect(user.email).toBe(email);
    expect(jar.cookies.get('cm_rt')?.path).toBe('/v1/auth');
    first.close();
    const state = await reloaded.restore();
    expect(state).toMatchObject({ status: 'authenticated', user: { email, emailVerified: true } });
    const api = createApi({ baseUrl: ctx.host.url, session: reloaded });
    expect(await unwrap(api.GET('/v1/groups'))).toEqual([]);
  });

  it('answers concurrent 401s with one refresh, then retries each request once', async () => {
    const email = await account('Concurrent');
    const counting = countingFetch();
    // The first access token is already expired, though the session believes it valid for 15 minutes.
    const fetch = shortLivedTokens(cookieJar().fetch, { lifetimeSeconds: -30, claimValidity: 900, only: 'login' });
    const [session] = browser(fetch, 1);
    await session.login(email, password);
    const api = createApi({ baseUrl: ctx.host.url, session, fetch: counting.fetch });
    const [groups, me, characters] = await Promise.all([
      unwrap(api.GET('/v1/groups')),
      unwrap(api.GET('/v1/me')),
      unwrap(api.GET('/v1/characters')),
    ]);
    expect([groups, me.email, characters]).toEqual([[], email, []]);
    expect(session.refreshCount).toBe(1);
    expect(counting.calls.filter((call) => call === 'GET /v1/groups')).toHaveLength(2);
    expect(session.get().status).toBe('authenticated');
  });

  it('keeps the login of two tabs that need a refresh at the same moment: one refresh for both', async () => {
    const email = await account('Tabs');
    const jar = cookieJar();
    const fetch = shortLivedTokens(jar.fetch, { lifetimeSeconds: -30, claimValidity: 900, only: 'login' });
    const [a, b] = browser(fetch, 2);
    await a.login(email, password);
    await b.restore();
    expect(b.get().status).toBe('authenticated');
    const [apiA, apiB] = [a, b].map((session) => createApi({ baseUrl: ctx.host.url, session }));
    const [meA, meB] = await Promise.all([unwrap(apiA.GET('/v1/me')), unwrap(apiB.GET('/v1/me'))]);
    expect([meA.email, meB.email]).toEqual([email, email]);
    expect(a.refreshCount + b.refreshCount).toBe(1);
    // The login survived: the rotated cookie still refreshes.
    expect(await b.refresh()).toEqual(expect.any(String));
    expect([a.get().status, b.get().status]).toEqual(['authenticated', 'authenticated']);
  });

  it('shows what the shared lock prevents: two tabs refreshing one cookie at once end the login', async () => {
    const email = await account('Unshared');
    const jar = cookieJar();
    const open = (): Session => {
      names += 1;
      const session = new Session({
        baseUrl: ctx.host.url,
        fetch: jar.fetch,
        lock: memoryLock(`solo-${names}`),
        channel: null,
      });
      sessions.push(session);
      return session;
    };
    const [a, b] = [open(), open()];
    await a.login(email, password);
    await Promise.allSettled([a.refresh(), b.refresh()]);
    // The host saw the same refresh token twice and revoked the login.
    expect(await open().restore()).toMatchObject({ status: 'anonymous' });
  });

  it('uses the body transport with a store (the Symbiote), and logout revokes the stored token', async () => {
    const email = await account('Body');
    const store = memoryTokenStore();
    const [session] = browser(fetch, 1, store);
    await session.login(email, password);
    const issued = store.token;
    expect(issued).toEqual(expect.any(String));
    const [booted] = browser(fetch, 1, store);
    expect((await booted.restore()).status).toBe('authenticated');
    expect(store.token).not.toBe(issued);
    const kept = store.token;
    await booted.logout();
    expect(store.token).toBeNull();
    const stale = await ctx.http('POST', '/v1/auth/refresh', { body: { refreshToken: kept } });
    expect(stale.status).toBe(401);
  });

  it('refuses wrong credentials with a typed problem and stays anonymous', async () => {
    const email = await account('Wrong');
    const [session] = browser(fetch, 1);
    await session.restore();
    await expect(session.login(email, 'not the password')).rejects.toMatchObject({
      status: 401,
      code: 'unauthenticated',
      title: 'Unauthorized',
    });
    expect(session.get().status).toBe('anonymous');
  });
});
