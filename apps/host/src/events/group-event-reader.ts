import type { RealtimeEventMap } from '@cm/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { LoggedEventType } from './group-event-log.js';

/** One row of `group_events` as sent to clients. */
export interface StoredGroupEvent {
  groupId: string;
  seq: number;
  type: string;
  payload: unknown;
  createdAt: string;
}

/** Reads the group event log (optionally inside the caller's transaction) and keeps it bounded. */
@Injectable()
export class GroupEventReader {
  constructor(private readonly dataSource: DataSource) {}

  /** The group's current seq and the oldest seq still retained, or undefined when the group does not exist. */
  async position(groupId: string): Promise<{ seq: number; oldestRetained: number } | undefined> {
    const rows: { seq: string; oldest: string | null }[] = await this.dataSource.query(
      `SELECT g.event_seq AS seq, (SELECT min(seq) FROM group_events e WHERE e.group_id = g.id) AS oldest
         FROM groups g WHERE g.id = $1`,
      [groupId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const seq = Number(row.seq);
    return { seq, oldestRetained: row.oldest === null ? seq + 1 : Number(row.oldest) };
  }

  /** Up to `limit` events of a group after `afterSeq`, in seq order. */
  async after(
    groupId: string,
    afterSeq: number,
    limit = 500,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<StoredGroupEvent[]> {
    const rows: { seq: string; type: string; payload: unknown; created_at: Date }[] = await manager.query(
      `SELECT seq, type, payload, created_at FROM group_events WHERE group_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [groupId, afterSeq, limit],
    );
    return rows.map((row) => ({
      groupId,
      seq: Number(row.seq),
      type: row.type,
      payload: row.payload,
      createdAt: row.created_at.toISOString(),
    }));
  }

  /** The payload of the group's newest event of `type` whose payload contains `match`, if any. */
  async latest<T extends LoggedEventType>(
    manager: EntityManager,
    groupId: string,
    type: T,
    match: Partial<RealtimeEventMap[T]>,
  ): Promise<RealtimeEventMap[T] | undefined> {
    const rows: Array<{ payload: RealtimeEventMap[T] }> = await manager.query(
      `SELECT "payload" FROM "group_events" WHERE "group_id" = $1 AND "type" = $2 AND "payload" @> $3::jsonb
        ORDER BY "seq" DESC LIMIT 1`,
      [groupId, type, JSON.stringify(match)],
    );
    return rows[0]?.payload;
  }

  /** Deletes events beyond the newest `keep` of every group; returns how many were removed. */
  async prune(keep: number): Promise<number> {
    const result: [unknown, number] = await this.dataSource.query(
      `DELETE FROM group_events e USING groups g WHERE e.group_id = g.id AND e.seq <= g.event_seq - $1`,
      [keep],
    );
    return result[1] ?? 0;
  }
}
