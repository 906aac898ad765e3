import {
  createApi,
  memoryLock,
  memoryTokenStore,
  RealtimeClient,
  Session,
  unwrap,
  type ConnectionState,
} from '@cm/client';
import type { AnyGroupEvent } from '@cm/contracts';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { GroupEventStream } from '../src/events/group-event-stream.js';
import { shortLivedTokens } from './support/client.js';
import { TcpProxy } from './support/tcp-proxy.js';
import {
  groupWith,
  registerVerifiedUser,
  startCampaignHost,
  type CampaignHost,
  type TestUser,
} from './support/users.js';

/** Resolves when `check` holds (checked every 10 ms); the timeout only bounds a broken run. */
async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * @cm/client's RealtimeClient against a real host: the player's client reaches the host's WebSocket through a TCP
 * proxy the test can cut, while the DM rolls through the API. Every roll must arrive once, in seq order.
 */
describe('@cm/client realtime against the host', () => {
  let ctx: CampaignHost;
  let proxy: TcpProxy;
  let dm: TestUser;
  let player: TestUser;
  const closers: Array<() => void> = [];
  let names = 0;

  beforeAll(async () => {
    ctx = await startCampaignHost(['generic'], { REALTIME_RETAINED_EVENTS: '20' });
    proxy = new TcpProxy('127.0.0.1', Number(new URL(ctx.host.url).port));
    await proxy.start();
    [dm, player] = await Promise.all([
      registerVerifiedUser(ctx.http, ctx.smtp, 'Realtime DM'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Realtime Player'),
    ]);
  });

  afterAll(async () => {
    for (const close of closers) close();
    await proxy?.stop();
    await ctx?.stop();
  });

  async function playerClient(options: { fetch?: typeof fetch; renewBeforeMs?: number } = {}) {
    names += 1;
    const session = new Session({
      baseUrl: ctx.host.url,
      store: memoryTokenStore(),
      fetch: options.fetch,
      lock: memoryLock(`rt-${names}`),
      channel: null,
    });
    await session.login(player.email, player.password);
    const realtime = new RealtimeClient({
      baseUrl: `http://127.0.0.1:${proxy.port}`,
      session,
      backoff: { initialMs: 50, maxMs: 400 },
      renewBeforeMs: options.renewBeforeMs,
    });
    closers.push(
      () => realtime.close(),
      () => session.close(),
    );
    const states: ConnectionState[] = [];
    realtime.state.subscribe((state) => states.push(state));
    return { session, realtime, states, api: createApi({ baseUrl: ctx.host.url, session }) };
  }

  function collector() {
    const events: AnyGroupEvent[] = [];
    return {
      events,
      logged: () => events.filter((event) => event.type !== 'presence.changed'),
      rollIds: () => events.flatMap((event) => (event.type === 'roll.created' ? [event.payload.id] : [])),
      onEvent: (event: AnyGroupEvent) => events.push(event),
    };
  }

  async function roll(groupId: string): Promise<string> {
    const created = await ctx.as(dm)('POST', `/v1/groups/${groupId}/rolls`, { notation: '1d20' });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  it('resumes after the connection is cut mid-stream, with no gap and no duplicate', async () => {
    const groupId = await groupWith(ctx, dm, 'generic', [player]);
    const { realtime, api, states } = await playerClient();
    const group = await unwrap(api.GET('/v1/groups/{id}', { params: { path: { id: groupId } } }));
    const seen = collector();
    realtime.watch(groupId, { lastSeq: group.eventSeq, onEvent: seen.onEvent });
    await until(() => states.at(-1) === 'open', 'the connection');
    const rolled = [await roll(groupId), await roll(groupId), await roll(groupId)];
    await until(() => seen.rollIds().length === 3, 'the first rolls');

    await proxy.stop();
    await until(() => states.at(-1) === 'reconnecting', 'the reconnecting state');
    rolled.push(await roll(groupId), await roll(groupId), await roll(groupId));
    await proxy.start();
    await until(() => seen.rollIds().length === 6, 'the rolls made while disconnected');
    rolled.push(await roll(groupId));
    await until(() => seen.rollIds().length === 7, 'a live roll after the resume');

    expect(seen.rollIds()).toEqual(rolled);
    const seqs = seen.logged().map((event) => event.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => group.eventSeq + 1 + i));
    expect(states.slice(0, 3)).toEqual(['offline', 'connecting', 'open']);
    expect(states.at(-1)).toBe('open');
  });

  it('asks for a refetch when its last seq is older than the retained log, then continues after it', async () => {
    const groupId = await groupWith(ctx, dm, 'generic', [player]);
    for (let n = 0; n < 25; n += 1) await roll(groupId);
    await ctx.host.app.get(GroupEventStream).prune();
    const { realtime, api } = await playerClient();
    const seen = collector();
    const reasons: string[] = [];
    let refetchedSeq = 0;
    realtime.watch(groupId, {
      lastSeq: 1,
      onEvent: seen.onEvent,
      onResync: async (reason) => {
        reasons.push(reason);
        const group = await unwrap(api.GET('/v1/groups/{id}', { params: { path: { id: groupId } } }));
        refetchedSeq = group.eventSeq;
        return group.eventSeq;
      },
    });
    await until(() => reasons.length === 1, 'the resync');
    const next = await roll(groupId);
    await until(() => seen.rollIds().length === 1, 'the roll after the refetch');
    expect(reasons).toEqual(['too_far_behind']);
    expect(seen.rollIds()).toEqual([next]);
    expect(seen.logged().map((event) => event.seq)).toEqual([refetchedSeq + 1]);
  });

  it('renews its token before it expires and keeps delivering', async () => {
    const groupId = await groupWith(ctx, dm, 'generic', [player]);
    const fetch = shortLivedTokens(globalThis.fetch, { lifetimeSeconds: 6 });
    const { realtime, session, states } = await playerClient({ fetch });
    const firstToken = (await session.getAccessToken())!;
    const seen = collector();
    realtime.watch(groupId, { onEvent: seen.onEvent });
    await until(() => states.at(-1) === 'open', 'the connection');
    const rolled = [await roll(groupId)];
    await until(() => seen.rollIds().length === 1, 'a roll on the first token');
    const expiresAt = decodeJwt(firstToken).exp! * 1000;
    await until(() => Date.now() > expiresAt + 500, 'the first token’s expiry');
    rolled.push(await roll(groupId));
    await until(() => seen.rollIds().length === 2, 'a roll after the first token expired');
    expect(seen.rollIds()).toEqual(rolled);
    expect(session.refreshCount).toBeGreaterThanOrEqual(1);
    expect(states.lastIndexOf('offline')).toBe(0);
  });

  it('reconnects with a fresh token when the host closes the socket at expiry (4402)', async () => {
    const groupId = await groupWith(ctx, dm, 'generic', [player]);
    const fetch = shortLivedTokens(globalThis.fetch, { lifetimeSeconds: 3 });
    const { realtime, session, states } = await playerClient({ fetch, renewBeforeMs: 0 });
    const seen = collector();
    realtime.watch(groupId, { onEvent: seen.onEvent });
    await until(() => states.at(-1) === 'open', 'the connection');
    await until(() => states.includes('reconnecting') && states.at(-1) === 'open', 'the reconnect after 4402');
    const rolled = await roll(groupId);
    await until(() => seen.rollIds().length === 1, 'a roll on the new socket');
    expect(seen.rollIds()).toEqual([rolled]);
    expect(session.refreshCount).toBeGreaterThanOrEqual(1);
  });
});
