import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { DomainError, notFound } from '../common/domain-error.js';
import { RulesetCatalog } from '../plugins/ruleset-catalog.js';
import { GroupEventLog } from '../events/group-event-log.js';
import { UsersService } from '../users/users.service.js';
import type { CreateGroupDto, UpdateGroupDto } from './dto/group-requests.dto.js';
import { GroupDto, type ActiveGroupDto, type GroupMemberDto } from './dto/group-responses.dto.js';
import { GroupAccessService, isUuid } from './group-access.service.js';
import { GroupLifecycle } from './group-lifecycle.js';
import { GroupMemberEntity, type GroupRole } from './group-member.entity.js';
import { GroupEntity } from './group.entity.js';

/**
 * Groups, memberships, the DM role and each user's active group (SPEC §5). Every change other members
 * must see writes its realtime event in the same transaction (GroupEventLog). Other modules' tables change
 * through their services in that transaction (UsersService, the GroupLifecycle participants).
 */
@Injectable()
export class GroupsService {
  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly access: GroupAccessService,
    private readonly events: GroupEventLog,
    private readonly rulesets: RulesetCatalog,
    private readonly users: UsersService,
    private readonly lifecycle: GroupLifecycle,
  ) {}

  /** The caller's groups with their role, newest first. */
  async listMine(userId: string): Promise<GroupDto[]> {
    const rows = await this.manager
      .createQueryBuilder(GroupEntity, 'g')
      .innerJoin(GroupMemberEntity, 'm', 'm.group_id = g.id AND m.user_id = :userId', { userId })
      .addSelect('m.role', 'member_role')
      .orderBy('g.created_at', 'DESC')
      .getRawAndEntities<{ member_role: GroupRole }>();
    return rows.entities.map((group, index) => GroupDto.from(group, rows.raw[index].member_role));
  }

  /** Creates a group; the creator becomes its DM. */
  async create(userId: string, body: CreateGroupDto): Promise<GroupDto> {
    this.assertRulesetInstalled(body.rulesetId);
    return this.manager.transaction((manager) => this.createIn(manager, userId, body));
  }

  /** Creates a group in the caller's transaction (campaign imports write a group and its NPCs in one). */
  async createIn(manager: EntityManager, userId: string, body: CreateGroupDto): Promise<GroupDto> {
    this.assertRulesetInstalled(body.rulesetId);
    const group = await manager.save(
      manager.create(GroupEntity, {
        name: body.name,
        rulesetId: body.rulesetId,
        description: body.description ?? '',
        dmUserId: userId,
      }),
    );
    await manager.insert(GroupMemberEntity, { groupId: group.id, userId, role: 'dm' });
    return GroupDto.from(group, 'dm');
  }

  async get(userId: string, groupId: string): Promise<GroupDto> {
    const { group, role } = await this.access.requireMember(userId, groupId);
    return GroupDto.from(group, role);
  }

  /** DM: name, description, and the ruleset while no character is assigned. */
  async update(userId: string, groupId: string, body: UpdateGroupDto): Promise<GroupDto> {
    return this.manager.transaction((manager) => this.updateIn(manager, userId, groupId, body));
  }

  /** Like update, in the caller's transaction. */
  async updateIn(manager: EntityManager, userId: string, groupId: string, body: UpdateGroupDto): Promise<GroupDto> {
    const { group } = await this.access.requireDm(userId, groupId, manager, true);
    const changedFields: string[] = [];
    if (body.rulesetId !== undefined && body.rulesetId !== group.rulesetId) {
      this.assertRulesetInstalled(body.rulesetId);
      await this.lifecycle.rulesetChanging(manager, groupId);
      group.rulesetId = body.rulesetId;
      changedFields.push('rulesetId');
    }
    if (body.name !== undefined && body.name !== group.name) {
      group.name = body.name;
      changedFields.push('name');
    }
    if (body.description !== undefined && body.description !== group.description) {
      group.description = body.description;
      changedFields.push('description');
    }
    if (changedFields.length === 0) return GroupDto.from(group, 'dm');
    await manager.update(
      GroupEntity,
      { id: groupId },
      { name: group.name, description: group.description, rulesetId: group.rulesetId },
    );
    await this.events.append(manager, groupId, 'group.updated', {
      name: group.name,
      dmUserId: group.dmUserId,
      changedFields,
    });
    return GroupDto.from(await manager.findOneByOrFail(GroupEntity, { id: groupId }), 'dm');
  }

  /**
   * DM: deletes the group with its memberships, invites, assignments and event log (cascade); characters
   * survive. Realtime learns of it from the NOTIFY that GroupEventLog.announceDeletion sends inline.
   */
  async delete(userId: string, groupId: string): Promise<void> {
    await this.manager.transaction(async (manager) => {
      await this.access.requireDm(userId, groupId, manager, true);
      await this.events.announceDeletion(manager, groupId, { deletedBy: userId });
      await manager.delete(GroupEntity, { id: groupId });
    });
  }

  async members(userId: string, groupId: string): Promise<GroupMemberDto[]> {
    await this.access.requireMember(userId, groupId);
    const rows: Array<{ user_id: string; display_name: string; role: GroupRole; joined_at: Date }> =
      await this.manager.query(
        `SELECT m."user_id", u."display_name", m."role", m."joined_at"
         FROM "group_members" m JOIN "users" u ON u."id" = m."user_id"
        WHERE m."group_id" = $1 ORDER BY m."role" = 'dm' DESC, m."joined_at", m."user_id"`,
        [groupId],
      );
    return rows.map((row) => ({
      userId: row.user_id,
      displayName: row.display_name,
      role: row.role,
      joinedAt: row.joined_at.toISOString(),
    }));
  }

  /** DM: hands the DM role to another member; the old DM becomes a player (one transaction, one DM at all times). */
  async transferDm(userId: string, groupId: string, targetUserId: string): Promise<GroupDto> {
    return this.manager.transaction(async (manager) => {
      const { group } = await this.access.requireDm(userId, groupId, manager, true);
      if (targetUserId === userId) return GroupDto.from(group, 'dm');
      if ((await this.access.roleOf(targetUserId, groupId, manager)) === undefined) {
        throw new DomainError('validation_failed', 'The new DM must be a member of the group', {
          errors: [{ path: 'userId', message: 'must be a member of the group' }],
        });
      }
      // Demote first: the partial unique index allows only one 'dm' row at any moment.
      await manager.update(GroupMemberEntity, { groupId, userId }, { role: 'player' });
      await manager.update(GroupMemberEntity, { groupId, userId: targetUserId }, { role: 'dm' });
      await manager.update(GroupEntity, { id: groupId }, { dmUserId: targetUserId });
      await this.events.append(manager, groupId, 'group.updated', {
        name: group.name,
        dmUserId: targetUserId,
        changedFields: ['dmUserId'],
      });
      return GroupDto.from(await manager.findOneByOrFail(GroupEntity, { id: groupId }), 'player');
    });
  }

  /**
   * A player leaves (target = self) or the DM removes a player. The DM cannot leave without transferring
   * the role (409). The member's characters are unassigned from the group and their active group cleared.
   */
  async removeMember(userId: string, groupId: string, targetUserId: string): Promise<void> {
    await this.manager.transaction(async (manager) => {
      const { role } = await this.access.requireMember(userId, groupId, manager, true);
      const leaving = targetUserId === userId;
      if (leaving && role === 'dm')
        throw new DomainError('dm_cannot_leave', 'Transfer the DM role before leaving the group');
      if (!leaving && role !== 'dm') throw new DomainError('forbidden', 'Only the group’s DM may remove members');
      if (!isUuid(targetUserId) || (await this.access.roleOf(targetUserId, groupId, manager)) === undefined)
        throw notFound('Member');
      await this.lifecycle.memberLeaving(manager, groupId, targetUserId);
      await manager.delete(GroupMemberEntity, { groupId, userId: targetUserId });
      await this.users.clearActiveGroup(manager, targetUserId, groupId);
      if (leaving) await this.events.append(manager, groupId, 'member.left', { userId });
      else await this.events.append(manager, groupId, 'member.removed', { userId: targetUserId, removedBy: userId });
    });
  }

  /** The group every client of the user opens on (null when none is set). */
  async getActiveGroup(userId: string): Promise<ActiveGroupDto> {
    const groupId = await this.users.activeGroupId(userId);
    if (groupId === null) return { groupId: null, group: null };
    const role = await this.access.roleOf(userId, groupId);
    if (!role) return { groupId: null, group: null };
    const group = await this.manager.findOneByOrFail(GroupEntity, { id: groupId });
    return { groupId, group: GroupDto.from(group, role) };
  }

  /** Sets (a group I am a member of) or clears (null) my active group. */
  async setActiveGroup(userId: string, groupId: string | null): Promise<ActiveGroupDto> {
    if (groupId !== null) await this.access.requireMember(userId, groupId);
    await this.users.setActiveGroup(userId, groupId);
    return this.getActiveGroup(userId);
  }

  /** Ids of the groups that play a ruleset. */
  async idsPlaying(rulesetId: string): Promise<string[]> {
    const groups = await this.manager.find(GroupEntity, { where: { rulesetId }, select: { id: true } });
    return groups.map((group) => group.id);
  }

  private assertRulesetInstalled(rulesetId: string): void {
    if (!this.rulesets.find(rulesetId)) {
      throw new DomainError('validation_failed', `The ruleset "${rulesetId}" is not installed`, {
        errors: [{ path: 'rulesetId', message: `ruleset "${rulesetId}" is not installed` }],
      });
    }
  }
}
