import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One row of `group_events` as sent to clients. */
export interface StoredGroupEvent {
  groupId: string;
  seq: number;
  type: string;
  payload: unknown;
  createdAt: string;
}

/** Reads the group event log and the facts a subscription needs. */
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

  async after(groupId: string, afterSeq: number, limit = 500): Promise<StoredGroupEvent[]> {
    const rows: { seq: string; type: string; payload: unknown; created_at: Date }[] = await this.dataSource.query(
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

  /** Group ids among `groupIds` that `userId` is a member of. */
  async memberships(userId: string, groupIds: string[]): Promise<Set<string>> {
    if (groupIds.length === 0) return new Set();
    const rows: { group_id: string }[] = await this.dataSource.query(
      `SELECT group_id FROM group_members WHERE user_id = $1 AND group_id = ANY($2::uuid[])`,
      [userId, groupIds],
    );
    return new Set(rows.map((row) => row.group_id));
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
