import { Injectable, Logger } from '@nestjs/common';
import type { EventMessage, ServerMessage, UnsubscribeReason } from '@cm/contracts';
import { GroupEventReader, type StoredGroupEvent } from '../events/group-event-reader.js';

/** What the hub needs of one client connection (a WebSocket in production). */
export interface RealtimeConnection {
  readonly id: string;
  readonly userId: string;
  /** Sends a server message; false when the connection was cut for being too slow. */
  send(message: ServerMessage): boolean;
}

interface Subscription {
  connection: RealtimeConnection;
  groupId: string;
  /** Highest seq delivered to this connection for this group. */
  sentSeq: number;
  pumping: boolean;
  pumpAgain: boolean;
}

interface GroupState {
  /** Highest seq this instance has read from the table. */
  seq: number;
  /** The newest events, ascending, to serve live delivery without a query per subscriber. */
  recent: StoredGroupEvent[];
  subscriptions: Map<string, Subscription>;
  refreshing: Promise<void> | undefined;
  refreshAgain: boolean;
}

const RECENT_EVENTS = 256;
const DEPARTURE_EVENTS = new Set(['member.removed', 'member.left']);

/**
 * Fans group events out to this instance's subscribers. The table is the truth: a NOTIFY only says
 * "group g reached seq s", and every subscriber receives exactly the events after the last seq it saw, in order.
 */
@Injectable()
export class RealtimeHub {
  private readonly logger = new Logger(RealtimeHub.name);
  private readonly groups = new Map<string, GroupState>();

  constructor(private readonly reader: GroupEventReader) {}

  /** Subscribes a connection; with `lastSeq` it first receives everything it missed. */
  async subscribe(connection: RealtimeConnection, groupId: string, lastSeq: number | undefined): Promise<void> {
    const position = await this.reader.position(groupId);
    if (!position) {
      connection.send({ type: 'error', code: 'not_found', message: `Group ${groupId} not found` });
      return;
    }
    const tooOld = lastSeq !== undefined && lastSeq < position.oldestRetained - 1;
    if (tooOld || (lastSeq !== undefined && lastSeq > position.seq)) {
      connection.send({ type: 'resync_required', groupId, reason: tooOld ? 'too_far_behind' : 'seq_ahead' });
      lastSeq = undefined;
    }
    const state = this.state(groupId, position.seq);
    const subscription: Subscription = {
      connection,
      groupId,
      sentSeq: lastSeq ?? position.seq,
      pumping: false,
      pumpAgain: false,
    };
    state.subscriptions.set(connection.id, subscription);
    connection.send({ type: 'subscribed', groupId, seq: position.seq });
    if (position.seq > state.seq) await this.refresh(groupId);
    else await this.pump(subscription);
  }

  unsubscribe(connectionId: string, groupId: string): void {
    const state = this.groups.get(groupId);
    state?.subscriptions.delete(connectionId);
    if (state && state.subscriptions.size === 0) this.groups.delete(groupId);
  }

  /** Drops every subscription of a connection (it closed). */
  disconnect(connectionId: string): void {
    for (const groupId of [...this.groups.keys()]) this.unsubscribe(connectionId, groupId);
  }

  /** Removes one user's subscriptions to a group at once (removed member, left group). */
  evictUser(groupId: string, userId: string, reason: UnsubscribeReason): void {
    const state = this.groups.get(groupId);
    if (!state) return;
    for (const subscription of [...state.subscriptions.values()]) {
      if (subscription.connection.userId !== userId) continue;
      subscription.connection.send({ type: 'unsubscribed', groupId, reason });
      this.unsubscribe(subscription.connection.id, groupId);
    }
  }

  /** The group is gone: deliver its last event (sent inline, the log went with the group) and close its room. */
  groupDeleted(groupId: string, seq: number, payload: unknown): void {
    const state = this.groups.get(groupId);
    if (!state) return;
    const event = {
      groupId,
      seq,
      type: 'group.deleted',
      payload,
      createdAt: new Date().toISOString(),
    } as EventMessage['event'];
    for (const subscription of state.subscriptions.values()) {
      subscription.connection.send({ type: 'event', event });
      subscription.connection.send({ type: 'unsubscribed', groupId, reason: 'group_deleted' });
    }
    this.groups.delete(groupId);
  }

  /** A NOTIFY said the group reached `seq`. */
  async notified(groupId: string, seq: number): Promise<void> {
    const state = this.groups.get(groupId);
    if (state && seq > state.seq) await this.refresh(groupId);
  }

  /** After a (re)connect of the LISTEN connection: catch up every group with subscribers. */
  async catchUpAll(): Promise<void> {
    await Promise.all([...this.groups.keys()].map((groupId) => this.refresh(groupId)));
  }

  /** Sends a message to every subscriber of a group (transient messages such as presence). */
  broadcast(groupId: string, message: ServerMessage): void {
    for (const subscription of this.groups.get(groupId)?.subscriptions.values() ?? [])
      subscription.connection.send(message);
  }

  /** User ids with a subscription to the group on this instance. */
  subscribedUsers(groupId: string): Set<string> {
    return new Set([...(this.groups.get(groupId)?.subscriptions.values() ?? [])].map((s) => s.connection.userId));
  }

  /** The highest seq this instance knows for a group (0 when none is tracked). */
  currentSeq(groupId: string): number {
    return this.groups.get(groupId)?.seq ?? 0;
  }

  /** Sends a message to one connection's subscription of a group, if it exists. */
  sendTo(connectionId: string, groupId: string, message: ServerMessage): void {
    this.groups.get(groupId)?.subscriptions.get(connectionId)?.connection.send(message);
  }

  /** Group ids a connection is subscribed to. */
  groupsOf(connectionId: string): string[] {
    return [...this.groups.entries()]
      .filter(([, state]) => state.subscriptions.has(connectionId))
      .map(([groupId]) => groupId);
  }

  private state(groupId: string, seq: number): GroupState {
    let state = this.groups.get(groupId);
    if (!state) {
      state = { seq, recent: [], subscriptions: new Map(), refreshing: undefined, refreshAgain: false };
      this.groups.set(groupId, state);
    }
    return state;
  }

  /** Reads new events once per group (coalescing concurrent notifications), then pumps every subscriber. */
  private async refresh(groupId: string): Promise<void> {
    const state = this.groups.get(groupId);
    if (!state) return;
    if (state.refreshing) {
      state.refreshAgain = true;
      return state.refreshing;
    }
    state.refreshing = (async () => {
      do {
        state.refreshAgain = false;
        const events = await this.reader.after(groupId, state.seq);
        if (events.length > 0) {
          state.seq = events[events.length - 1].seq;
          state.recent = [...state.recent, ...events].slice(-RECENT_EVENTS);
          if (events.length === 500) state.refreshAgain = true;
        }
        await Promise.all([...state.subscriptions.values()].map((subscription) => this.pump(subscription)));
        this.evictDeparted(groupId, events);
      } while (state.refreshAgain);
    })()
      .catch((error: Error) => this.logger.warn(`Reading events of group ${groupId} failed: ${error.message}`))
      .finally(() => {
        state.refreshing = undefined;
      });
    return state.refreshing;
  }

  /** A removed or departed member has received the event about it; now their subscription ends. */
  private evictDeparted(groupId: string, events: StoredGroupEvent[]): void {
    for (const event of events) {
      if (!DEPARTURE_EVENTS.has(event.type)) continue;
      const userId = (event.payload as { userId?: unknown } | null)?.userId;
      if (typeof userId === 'string') this.evictUser(groupId, userId, event.type as UnsubscribeReason);
    }
  }

  /** Delivers the events after the subscription's cursor, from the cache or, for a gap, from the table. */
  private async pump(subscription: Subscription): Promise<void> {
    if (subscription.pumping) {
      subscription.pumpAgain = true;
      return;
    }
    subscription.pumping = true;
    try {
      do {
        subscription.pumpAgain = false;
        const state = this.groups.get(subscription.groupId);
        if (!state || !state.subscriptions.has(subscription.connection.id)) return;
        const pending = await this.pendingFor(subscription, state);
        for (const event of pending) {
          if (!subscription.connection.send({ type: 'event', event: event as EventMessage['event'] })) return;
          subscription.sentSeq = event.seq;
        }
        if (subscription.sentSeq < state.seq) subscription.pumpAgain = true;
      } while (subscription.pumpAgain);
    } finally {
      subscription.pumping = false;
    }
  }

  private async pendingFor(subscription: Subscription, state: GroupState): Promise<StoredGroupEvent[]> {
    const oldestCached = state.recent[0]?.seq;
    if (oldestCached !== undefined && oldestCached <= subscription.sentSeq + 1) {
      return state.recent.filter((event) => event.seq > subscription.sentSeq);
    }
    if (subscription.sentSeq >= state.seq) return [];
    return this.reader.after(subscription.groupId, subscription.sentSeq);
  }
}
