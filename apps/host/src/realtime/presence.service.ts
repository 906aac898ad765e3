import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ServerMessage } from '@cm/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PRESENCE_CHANNEL } from '../events/group-event-listener.js';
import { RealtimeHub } from './realtime-hub.js';

interface InstanceEntry {
  users: string[];
  seenAt: number;
}

const ANNOUNCE_EVERY_MS = 30_000;
const EXPIRE_AFTER_MS = 75_000;

/**
 * Who is online in each group, across host instances. Presence is transient: each instance announces the users
 * subscribed on it with a NOTIFY on `group_presence` (not logged in group_events) and re-announces periodically,
 * so a crashed instance's users expire.
 */
@Injectable()
export class PresenceService implements OnModuleDestroy {
  private readonly logger = new Logger(PresenceService.name);
  readonly instanceId = randomUUID();
  private readonly byGroup = new Map<string, Map<string, InstanceEntry>>();
  private readonly lastPushed = new Map<string, Set<string>>();
  private readonly timer = setInterval(() => this.reannounce(), ANNOUNCE_EVERY_MS).unref();

  constructor(
    private readonly dataSource: DataSource,
    private readonly hub: RealtimeHub,
  ) {}

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The users online in a group, on any instance. */
  online(groupId: string): string[] {
    const now = Date.now();
    const users = new Set<string>();
    for (const entry of this.byGroup.get(groupId)?.values() ?? []) {
      if (now - entry.seenAt < EXPIRE_AFTER_MS) entry.users.forEach((user) => users.add(user));
    }
    return [...users].sort();
  }

  /** This instance's subscribers of a group changed: record and announce. */
  async localChanged(groupId: string): Promise<void> {
    const users = [...this.hub.subscribedUsers(groupId)];
    this.record(groupId, this.instanceId, users);
    this.push(groupId);
    await this.announce(groupId, users);
  }

  /** A presence NOTIFY from any instance (including this one). */
  received(payload: string): void {
    let parsed: { i?: unknown; g?: unknown; u?: unknown };
    try {
      parsed = JSON.parse(payload) as typeof parsed;
    } catch {
      return;
    }
    if (typeof parsed.i !== 'string' || typeof parsed.g !== 'string' || !Array.isArray(parsed.u)) return;
    if (parsed.i === this.instanceId) return;
    this.record(
      parsed.g,
      parsed.i,
      parsed.u.filter((user): user is string => typeof user === 'string'),
    );
    this.push(parsed.g);
  }

  private record(groupId: string, instanceId: string, users: string[]): void {
    let instances = this.byGroup.get(groupId);
    if (!instances) this.byGroup.set(groupId, (instances = new Map<string, InstanceEntry>()));
    if (users.length === 0) instances.delete(instanceId);
    else instances.set(instanceId, { users, seenAt: Date.now() });
    if (instances.size === 0) this.byGroup.delete(groupId);
  }

  /** Tells a new subscriber who is online now, as one `presence.changed` per online user. */
  sendSnapshot(connectionId: string, groupId: string): void {
    for (const userId of this.online(groupId)) {
      this.hub.sendTo(connectionId, groupId, this.event(groupId, userId, true));
    }
  }

  /** Broadcasts the users who came online or went offline since the last push. */
  private push(groupId: string): void {
    const now = new Set(this.online(groupId));
    const before = this.lastPushed.get(groupId) ?? new Set<string>();
    for (const userId of now) if (!before.has(userId)) this.hub.broadcast(groupId, this.event(groupId, userId, true));
    for (const userId of before) if (!now.has(userId)) this.hub.broadcast(groupId, this.event(groupId, userId, false));
    if (now.size === 0) this.lastPushed.delete(groupId);
    else this.lastPushed.set(groupId, now);
  }

  /** Presence is ephemeral: not in the log, never replayed, so it has no seq (a client's last seq stays put). */
  private event(groupId: string, userId: string, online: boolean): ServerMessage {
    return {
      type: 'event',
      event: {
        groupId,
        type: 'presence.changed',
        payload: { userId, online },
        createdAt: new Date().toISOString(),
      },
    };
  }

  private async announce(groupId: string, users: string[]): Promise<void> {
    const payload = JSON.stringify({ i: this.instanceId, g: groupId, u: users });
    await this.dataSource
      .query('SELECT pg_notify($1, $2)', [PRESENCE_CHANNEL, payload])
      .catch((error: Error) => this.logger.warn(`Presence announcement failed: ${error.message}`));
  }

  private reannounce(): void {
    for (const [groupId, instances] of this.byGroup) {
      const mine = instances.get(this.instanceId);
      if (mine) {
        mine.seenAt = Date.now();
        void this.announce(groupId, mine.users);
      }
    }
  }
}
