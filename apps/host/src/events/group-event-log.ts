import type { RealtimeEventMap, RealtimeEventType } from '@cm/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { notFound } from '../common/domain-error.js';

/** The NOTIFY channel every write announces on (lowercase: LISTEN folds case, pg_notify does not). */
export const GROUP_EVENTS_CHANNEL = 'group_events';

/**
 * The payload of a NOTIFY on `group_events`: a small pointer `{ g: groupId, s: seq }`; listeners read the
 * row from `group_events`. A deleted group's log is gone with it (ON DELETE CASCADE), so its deletion is
 * announced with the whole event inline: `{ g, s, deleted: true, t: 'group.deleted', p: { deletedBy } }`.
 */
export type GroupEventNotification =
  | { g: string; s: number }
  | { g: string; s: number; deleted: true; t: 'group.deleted'; p: RealtimeEventMap['group.deleted'] };

/** Event types stored in the log (ephemeral ones such as presence are pushed, never stored). */
export type LoggedEventType = Exclude<RealtimeEventType, 'presence.changed'>;

/**
 * The per-group realtime event log (SPEC §6, gap-free seq). Every method runs in the CALLER's transaction:
 * bumping `groups.event_seq` takes the group row's lock until commit, so one group's events become visible
 * in seq order with no gaps, and the NOTIFY is delivered only if the change commits.
 */
@Injectable()
export class GroupEventLog {
  /** Appends one event to a group's log and announces it; returns its seq. Call inside the writing transaction. */
  async append<T extends LoggedEventType>(
    manager: EntityManager,
    groupId: string,
    type: T,
    payload: RealtimeEventMap[T],
  ): Promise<number> {
    assertInTransaction(manager);
    const seq = await nextSeq(manager, groupId);
    await manager.query(
      `INSERT INTO "group_events" ("group_id", "seq", "type", "payload") VALUES ($1, $2, $3, $4::jsonb)`,
      [groupId, seq, type, JSON.stringify(payload)],
    );
    await notify(manager, { g: groupId, s: seq });
    return seq;
  }

  /** Appends the same event to several groups, locking them in id order (no deadlocks between writers). */
  async appendToGroups<T extends LoggedEventType>(
    manager: EntityManager,
    groupIds: readonly string[],
    type: T,
    payload: RealtimeEventMap[T],
  ): Promise<void> {
    for (const groupId of [...new Set(groupIds)].sort()) await this.append(manager, groupId, type, payload);
  }

  /**
   * Announces a group's deletion. Call in the deleting transaction BEFORE deleting the row: it allocates the
   * last seq and sends the event inline, because the cascade removes the stored log with the group.
   */
  async announceDeletion(
    manager: EntityManager,
    groupId: string,
    payload: RealtimeEventMap['group.deleted'],
  ): Promise<number> {
    assertInTransaction(manager);
    const seq = await nextSeq(manager, groupId);
    await notify(manager, { g: groupId, s: seq, deleted: true, t: 'group.deleted', p: payload });
    return seq;
  }
}

async function nextSeq(manager: EntityManager, groupId: string): Promise<number> {
  // typeorm returns [rows, affected] for UPDATE ... RETURNING on postgres
  const result: unknown = await manager.query(
    `UPDATE "groups" SET "event_seq" = "event_seq" + 1 WHERE "id" = $1 RETURNING "event_seq"`,
    [groupId],
  );
  const rows = (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as Array<{ event_seq: string }>;
  if (rows.length === 0) throw notFound('Group');
  return Number(rows[0].event_seq);
}

async function notify(manager: EntityManager, payload: GroupEventNotification): Promise<void> {
  await manager.query(`SELECT pg_notify($1, $2)`, [GROUP_EVENTS_CHANNEL, JSON.stringify(payload)]);
}

function assertInTransaction(manager: EntityManager): void {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('GroupEventLog must be called inside the writing transaction (manager.transaction(...))');
  }
}
