import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { DomainError, notFound } from '../common/domain-error.js';
import type { GroupRole } from './group-member.entity.js';
import { GroupEntity } from './group.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A group as its member sees it, with the member's role. */
export interface GroupMembership {
  group: GroupEntity;
  role: GroupRole;
}

/**
 * The authorization rules of groups (SPEC §5), in one place:
 * - a group you are not a member of answers exactly like a missing one (404 `not_found`, "Group not found");
 * - a member asking for a DM-only action gets 403 `forbidden` (they already know the group exists).
 */
@Injectable()
export class GroupAccessService {
  constructor(@InjectEntityManager() private readonly manager: EntityManager) {}

  /** The caller's membership; 404 when the group is missing or the caller is not a member. */
  async requireMember(
    userId: string,
    groupId: string,
    manager: EntityManager = this.manager,
    lock = false,
  ): Promise<GroupMembership> {
    if (!isUuid(groupId)) throw notFound('Group');
    // The lock serialises every change to one group (membership, DM, assignments) until commit.
    if (lock) await manager.query(`SELECT 1 FROM "groups" WHERE "id" = $1 FOR NO KEY UPDATE`, [groupId]);
    const group = await manager.findOneBy(GroupEntity, { id: groupId });
    if (!group) throw notFound('Group');
    const role = await this.roleOf(userId, groupId, manager);
    if (!role) throw notFound('Group');
    return { group, role };
  }

  /** Like requireMember, then 403 unless the caller is the group's DM. */
  async requireDm(
    userId: string,
    groupId: string,
    manager: EntityManager = this.manager,
    lock = false,
  ): Promise<GroupMembership> {
    const membership = await this.requireMember(userId, groupId, manager, lock);
    if (membership.role !== 'dm') throw new DomainError('forbidden', 'Only the group’s DM may do this');
    return membership;
  }

  /** The user's role in the group, or undefined when not a member. */
  async roleOf(userId: string, groupId: string, manager: EntityManager = this.manager): Promise<GroupRole | undefined> {
    if (!isUuid(groupId)) return undefined;
    const rows: Array<{ role: GroupRole }> = await manager.query(
      `SELECT "role" FROM "group_members" WHERE "group_id" = $1 AND "user_id" = $2`,
      [groupId, userId],
    );
    return rows[0]?.role;
  }

  /** The ids among `groupIds` of groups the user is a member of. */
  async memberGroupIds(userId: string, groupIds: readonly string[]): Promise<Set<string>> {
    const candidates = groupIds.filter(isUuid);
    if (candidates.length === 0) return new Set();
    const rows: Array<{ group_id: string }> = await this.manager.query(
      `SELECT "group_id" FROM "group_members" WHERE "user_id" = $1 AND "group_id" = ANY($2::uuid[])`,
      [userId, candidates],
    );
    return new Set(rows.map((row) => row.group_id));
  }
}

/** Whether a path parameter is a UUID (anything else cannot exist and answers 404). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
