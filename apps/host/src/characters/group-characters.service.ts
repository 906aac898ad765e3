import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { DomainError, notFound } from '../common/domain-error.js';
import type { JsonObject } from '@cm/ruleset-sdk';
import type { GroupCharacterDto, GroupCharacterResourceDto } from '../groups/dto/group-responses.dto.js';
import { GroupEventLog } from '../events/group-event-log.js';
import { RulesetCatalog } from '../plugins/ruleset-catalog.js';
import { GroupAccessService, isUuid } from '../groups/group-access.service.js';
import { GroupLifecycle, type GroupParticipant } from '../groups/group-lifecycle.js';
import { CharactersService } from './characters.service.js';
import { GroupCharacterEntity } from './group-character.entity.js';

/**
 * Portable characters in groups: a member brings one of their own characters (of the group's ruleset) into a
 * group; at most one is active per user per group (a partial unique index). Members see the list (name,
 * owner, active, portrait) but only the owner and the DM may read a sheet (GET /characters/:id).
 * As a GroupParticipant it unassigns a departing member's characters and keeps the ruleset of a group with
 * assigned characters fixed.
 */
@Injectable()
export class GroupCharactersService implements GroupParticipant, OnModuleInit {
  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly access: GroupAccessService,
    private readonly characters: CharactersService,
    private readonly events: GroupEventLog,
    private readonly lifecycle: GroupLifecycle,
    private readonly rulesets: RulesetCatalog,
  ) {}

  onModuleInit(): void {
    this.lifecycle.register(this);
  }

  /** The member's characters leave the group with them, each announced as `character.unassigned`. */
  async memberLeaving(manager: EntityManager, groupId: string, userId: string): Promise<void> {
    const unassigned = (
      await manager.query<[Array<{ character_id: string }>, number]>(
        `DELETE FROM "group_characters" WHERE "group_id" = $1 AND "user_id" = $2 RETURNING "character_id"`,
        [groupId, userId],
      )
    )[0];
    for (const row of unassigned) {
      await this.events.append(manager, groupId, 'character.unassigned', { characterId: row.character_id, userId });
    }
  }

  /** Characters are of the group's ruleset: it changes only while none is assigned (409 `characters_assigned`). */
  async rulesetChanging(manager: EntityManager, groupId: string): Promise<void> {
    const [{ count }] = await manager.query<Array<{ count: number }>>(
      `SELECT count(*)::int AS count FROM "group_characters" WHERE "group_id" = $1`,
      [groupId],
    );
    if (count > 0)
      throw new DomainError('characters_assigned', 'Unassign every character before changing the group’s ruleset');
  }

  async list(userId: string, groupId: string): Promise<GroupCharacterDto[]> {
    const { role } = await this.access.requireMember(userId, groupId);
    const rows: Array<{
      character_id: string;
      name: string;
      owner_user_id: string;
      display_name: string;
      ruleset_id: string;
      is_active: boolean;
      portrait_url: string | null;
      assigned_at: Date;
      ruleset_version: string;
      sheet_data: JsonObject | null;
    }> = await this.manager.query(
      `SELECT gc."character_id", c."name", c."owner_user_id", u."display_name", c."ruleset_id", gc."is_active", c."portrait_url", gc."assigned_at",
              c."ruleset_version", CASE WHEN $2 OR c."owner_user_id" = $3 THEN c."sheet_data" END AS sheet_data
         FROM "group_characters" gc
         JOIN "characters" c ON c."id" = gc."character_id"
         JOIN "users" u ON u."id" = c."owner_user_id"
        WHERE gc."group_id" = $1 ORDER BY u."display_name", c."name", c."id"`,
      [groupId, role === 'dm', userId],
    );
    const resources = await Promise.all(
      rows.map((row) =>
        row.sheet_data ? this.resourcesOf(row.ruleset_id, row.ruleset_version, row.sheet_data) : Promise.resolve(null),
      ),
    );
    return rows.map((row, index) => ({
      characterId: row.character_id,
      name: row.name,
      ownerId: row.owner_user_id,
      ownerDisplayName: row.display_name,
      rulesetId: row.ruleset_id,
      isActive: row.is_active,
      portraitUrl: row.portrait_url,
      assignedAt: row.assigned_at.toISOString(),
      canReadSheet: role === 'dm' || row.owner_user_id === userId,
      resources: resources[index],
    }));
  }

  /** The resource bars of a readable sheet (migrated in memory when stored by an older ruleset version). */
  private async resourcesOf(
    rulesetId: string,
    rulesetVersion: string,
    sheet: JsonObject,
  ): Promise<GroupCharacterResourceDto[] | null> {
    const ruleset = this.rulesets.find(rulesetId);
    if (!ruleset) return null;
    try {
      const current =
        ruleset.version === rulesetVersion ? sheet : await this.rulesets.migrate(rulesetId, sheet, rulesetVersion);
      const states = await this.rulesets.resources(rulesetId, current);
      return states.map(({ id, label, value, min, max, display }) => ({ id, label, value, min, max, display }));
    } catch {
      // A plugin failure must not hide the group's characters; the bars are left out.
      return null;
    }
  }

  /** A member assigns one of their characters (idempotent; `active` defaults to true and deactivates their other one). */
  async assign(userId: string, groupId: string, characterId: string, active: boolean): Promise<GroupCharacterDto> {
    await this.manager.transaction(async (manager) => {
      const { group } = await this.access.requireMember(userId, groupId, manager, true);
      const character = await this.characters.findOwned(userId, characterId);
      if (character.rulesetId !== group.rulesetId) {
        throw new DomainError(
          'validation_failed',
          `The group plays ${group.rulesetId}; this character is ${character.rulesetId}`,
          {
            errors: [{ path: 'characterId', message: `must be a ${group.rulesetId} character` }],
          },
        );
      }
      const existing = await manager.findOneBy(GroupCharacterEntity, { groupId, characterId });
      if (existing && existing.isActive === active) return;
      if (active) {
        await manager.query(
          `UPDATE "group_characters" SET "is_active" = false WHERE "group_id" = $1 AND "user_id" = $2 AND "is_active"`,
          [groupId, userId],
        );
      }
      if (existing) await manager.update(GroupCharacterEntity, { groupId, characterId }, { isActive: active });
      else await manager.insert(GroupCharacterEntity, { groupId, characterId, userId, isActive: active });
      await this.events.append(manager, groupId, 'character.assigned', { characterId, userId, active });
    });
    const assigned = (await this.list(userId, groupId)).find((entry) => entry.characterId === characterId);
    if (!assigned) throw notFound('Character');
    return assigned;
  }

  /** The character's owner or the group's DM takes a character out of the group. */
  async unassign(userId: string, groupId: string, characterId: string): Promise<void> {
    await this.manager.transaction(async (manager) => {
      const { role } = await this.access.requireMember(userId, groupId, manager, true);
      const assignment = isUuid(characterId)
        ? await manager.findOneBy(GroupCharacterEntity, { groupId, characterId })
        : null;
      if (!assignment) throw notFound('Character');
      if (role !== 'dm' && assignment.userId !== userId)
        throw new DomainError('forbidden', 'Only the character’s owner or the DM may do this');
      await manager.delete(GroupCharacterEntity, { groupId, characterId });
      await this.events.append(manager, groupId, 'character.unassigned', { characterId, userId: assignment.userId });
    });
  }
}
