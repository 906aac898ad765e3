import type { AnyGroupEvent } from '@cm/contracts';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { RealtimeClient, type ConnectionState } from './realtime.js';
import { FakeGateway, FakeSession } from './testing/fake-gateway.js';

const G1 = '0b7e6a52-3c4d-4e5f-8a9b-1c2d3e4f5a6b';
const G2 = 'f0e1d2c3-b4a5-4968-8776-655443322110';

/** Resolves when `check` holds, re-checking on every change it is told about (no fixed sleeps). */
function until(check: () => boolean, describe: string, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      if (check()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${describe}`));
      setTimeout(tick, 5);
    };
    tick();
  });
}

describe(RealtimeClient.name, () => {
  let gateway: FakeGateway;
  let baseUrl: string;
  let clients: RealtimeClient[];

  beforeEach(async () => {
    gateway = new FakeGateway();
    baseUrl = await gateway.start();
    clients = [];
  });

  afterEach(async () => {
    for (const client of clients) client.close();
    await gateway.stop();
  });

  function client(session = new FakeSession(), options: { renewBeforeMs?: number } = {}) {
    const realtime = new RealtimeClient({ baseUrl, session, backoff: { initialMs: 20, maxMs: 100 }, ...options });
    clients.push(realtime);
    const states: ConnectionState[] = [];
    realtime.state.subscribe((state) => states.push(state));
    return { realtime, session, states };
  }

  function collect(): { seqs: number[]; onEvent: (event: AnyGroupEvent) => void } {
    const seqs: number[] = [];
    return { seqs, onEvent: (event) => event.seq !== undefined && seqs.push(event.seq) };
  }

  it('subscribes with the last seq seen, gets what it missed, then live events', async () => {
    for (let i = 0; i < 5; i++) gateway.publish(G1);
    const { realtime, states } = client();
    const events = collect();
    realtime.watch(G1, { lastSeq: 2, onEvent: events.onEvent });
    await until(() => events.seqs.length === 3, 'the replay');
    gateway.publish(G1);
    await until(() => events.seqs.length === 4, 'a live event');
    expect(events.seqs).toEqual([3, 4, 5, 6]);
    expect(states).toEqual(['offline', 'connecting', 'open']);
    expect(gateway.received[0].message).toEqual({ type: 'subscribe', groups: [{ groupId: G1, lastSeq: 2 }] });
  });

  it('resumes after a dropped connection without a gap or a duplicate', async () => {
    const { realtime, states } = client();
    const events = collect();
    realtime.watch(G1, { onEvent: events.onEvent });
    await until(() => gateway.sockets.size === 1 && gateway.received.length === 1, 'the subscription');
    gateway.publish(G1);
    gateway.publish(G1);
    await until(() => events.seqs.length === 2, 'two events');
    gateway.dropAll();
    await until(() => states.at(-1) === 'reconnecting', 'the reconnecting state');
    gateway.publish(G1);
    gateway.publish(G1);
    await until(() => events.seqs.length === 4, 'the missed events');
    gateway.publish(G1);
    await until(() => events.seqs.length === 5, 'a live event after the resume');
    expect(events.seqs).toEqual([1, 2, 3, 4, 5]);
    expect(gateway.received.at(-1)?.message).toEqual({ type: 'subscribe', groups: [{ groupId: G1, lastSeq: 2 }] });
    expect(states).toEqual(['offline', 'connecting', 'open', 'reconnecting', 'open']);
  });

  it('reconnects at once with a fresh token when the server says the token expired (4402)', async () => {
    const { realtime, session } = client();
    const events = collect();
    realtime.watch(G1, { onEvent: events.onEvent });
    await until(() => gateway.received.length === 1, 'the subscription');
    const first = session.current;
    gateway.closeAll(4402);
    await until(() => gateway.connections.length === 2, 'the second connection');
    expect(session.refreshes).toBe(1);
    expect(gateway.connections).toEqual([first, session.current]);
    gateway.publish(G1);
    await until(() => events.seqs.length === 1, 'an event on the new socket');
  });

  it('goes offline when the server refuses the token and the login is over (4401)', async () => {
    const { realtime, session, states } = client();
    realtime.watch(G1, { onEvent: () => undefined });
    await until(() => gateway.received.length === 1, 'the subscription');
    session.canRefresh = false;
    gateway.closeAll(4401);
    await until(() => states.at(-1) === 'offline', 'the offline state');
    session.canRefresh = true;
    session.setStatus('authenticated');
    await until(() => gateway.connections.length === 2 && states.at(-1) === 'open', 'the reconnection after login');
  });

  it('renews its token before it expires: the new socket takes over before the old one closes', async () => {
    const session = new FakeSession(3);
    const { realtime, states } = client(session, { renewBeforeMs: 60_000 });
    const events = collect();
    realtime.watch(G1, { onEvent: events.onEvent });
    await until(() => gateway.received.length === 1, 'the subscription');
    gateway.publish(G1);
    await until(() => gateway.connections.length === 2, 'the renewed connection', 4000);
    await until(() => gateway.sockets.size === 1 && gateway.received.length === 2, 'the old socket closed');
    gateway.publish(G1);
    await until(() => events.seqs.length === 2, 'an event on the renewed socket');
    expect(events.seqs).toEqual([1, 2]);
    expect(session.refreshes).toBe(1);
    expect(states).toEqual(['offline', 'connecting', 'open']);
    expect(gateway.received[1]).toEqual({
      token: session.current,
      message: { type: 'subscribe', groups: [{ groupId: G1, lastSeq: 1 }] },
    });
  });

  it('asks the caller to refetch when it is too far behind, then resumes after the refetched seq', async () => {
    for (let i = 0; i < 10; i++) gateway.publish(G1);
    gateway.oldestRetained.set(G1, 8);
    const { realtime } = client();
    const events = collect();
    const reasons: string[] = [];
    realtime.watch(G1, {
      lastSeq: 2,
      onEvent: events.onEvent,
      onResync: (reason) => {
        reasons.push(reason);
        gateway.publish(G1);
        return gateway.seq(G1);
      },
    });
    await until(() => reasons.length === 1, 'the resync');
    gateway.publish(G1);
    await until(() => events.seqs.length === 1, 'the event after the refetch');
    expect(reasons).toEqual(['too_far_behind']);
    expect(events.seqs).toEqual([12]);
    expect(realtime.lastSeq(G1)).toBe(12);
  });

  it('tells a watcher when the server ends its watch, and stops connecting once nothing is watched', async () => {
    const { realtime, states } = client();
    const ended: string[] = [];
    realtime.watch(G1, { onEvent: () => undefined, onUnsubscribed: (reason) => ended.push(`G1 ${reason}`) });
    realtime.watch(G2, { onEvent: () => undefined, onUnsubscribed: (reason) => ended.push(`G2 ${reason}`) });
    await until(() => gateway.received.length === 1, 'the subscription');
    gateway.broadcast({ type: 'unsubscribed', groupId: G1, reason: 'member.removed' });
    gateway.broadcast({ type: 'error', code: 'not_found', message: 'Group not found', groupId: G2 });
    await until(() => ended.length === 2, 'both ends');
    expect(ended).toEqual(['G1 member.removed', 'G2 not_found']);
    await until(() => states.at(-1) === 'offline' && gateway.sockets.size === 0, 'the socket closed');
  });

  it('subscribes many groups in messages of at most 100 and unsubscribes what is no longer on screen', async () => {
    const { realtime } = client();
    const ids = Array.from({ length: 150 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const unwatch = ids.map((id) => realtime.watch(id, { onEvent: () => undefined }));
    await until(() => gateway.received.length === 2, 'two subscribe messages');
    const sizes = gateway.received.map(({ message }) => (message.type === 'subscribe' ? message.groups.length : 0));
    expect(sizes).toEqual([100, 50]);
    unwatch[0]();
    await until(() => gateway.received.length === 3, 'the unsubscribe');
    expect(gateway.received[2].message).toEqual({ type: 'unsubscribe', groupIds: [ids[0]] });
  });

  it('lets two views watch one group, each with its own last seq, over one subscription', async () => {
    for (let i = 0; i < 4; i++) gateway.publish(G1);
    const { realtime } = client();
    const log = collect();
    const panel = collect();
    const stopLog = realtime.watch(G1, { lastSeq: 1, onEvent: log.onEvent });
    await until(() => log.seqs.length === 3, 'the replay for the first view');
    realtime.watch(G1, { lastSeq: 3, onEvent: panel.onEvent });
    await until(() => gateway.received.length === 2, 'the second subscribe');
    expect(gateway.received[1].message).toEqual({ type: 'subscribe', groups: [{ groupId: G1, lastSeq: 3 }] });
    await until(() => panel.seqs.length === 1, 'the replay for the second view');
    gateway.publish(G1);
    await until(() => log.seqs.length === 4 && panel.seqs.length === 2, 'a live event for both');
    expect(log.seqs).toEqual([2, 3, 4, 5]);
    expect(panel.seqs).toEqual([4, 5]);
    stopLog();
    gateway.publish(G1);
    await until(() => panel.seqs.length === 3, 'the next event for the remaining view');
    expect(log.seqs).toHaveLength(4);
    expect(gateway.received.map(({ message }) => message.type)).toEqual(['subscribe', 'subscribe']);
  });
});
