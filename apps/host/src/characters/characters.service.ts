import type { Sheet } from '@cm/ruleset-sdk';
import { Injectable, Logger } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { DomainError, notFound } from '../common/domain-error.js';
import { mirrorName, reconcileName } from './character-name.js';
import { isUuid } from '../groups/group-access.service.js';
import { RulesetCatalog, type RulesetInfo } from '../plugins/ruleset-catalog.js';
import { GroupEventLog } from '../events/group-event-log.js';
import { StorageService } from '../storage/storage.service.js';
import { CharacterVersionEntity } from './character-version.entity.js';
import { CharacterEntity } from './character.entity.js';
import { assertSafeJson } from './safe-json.js';
import type { CreateCharacterDto, PatchCharacterDto, ReplaceCharacterDto } from './dto/character-requests.dto.js';
import type { CharacterDto, CharacterSummaryDto, CharacterVersionDto } from './dto/character-responses.dto.js';
import { applyMergePatch } from './json-merge-patch.js';

/** How many versions of a sheet the history keeps. */
export const HISTORY_LENGTH = 10;

/** How the caller may use a character: its owner edits it; a DM of a group it is in reads it and applies deltas. */
export type CharacterAccess = 'owner' | 'dm';

/** A new state of a character (a version-bumping write). */
export interface CharacterState {
  name: string;
  sheet: Sheet;
  rulesetVersion: string;
}

/**
 * Portable characters (SPEC §5): owners edit them; the DM of a group a character is assigned to reads it.
 * A character the caller may not see answers exactly like a missing one (404); one they may see but not
 * change answers 403. Full writes name the version they were based on (409 when stale) and keep the last
 * 10 versions as history; every write announces `character.updated` to each group the character is in.
 */
@Injectable()
export class CharactersService {
  private readonly logger = new Logger(CharactersService.name);

  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly rulesets: RulesetCatalog,
    private readonly events: GroupEventLog,
    private readonly storage: StorageService,
  ) {}

  async listMine(userId: string): Promise<CharacterSummaryDto[]> {
    const characters = await this.manager.find(CharacterEntity, {
      where: { ownerUserId: userId },
      order: { updatedAt: 'DESC' },
    });
    return characters.map(toSummary);
  }

  /** Creates a character (the ruleset's default sheet unless one is given); nothing is stored when invalid. */
  async create(userId: string, body: CreateCharacterDto): Promise<CharacterDto> {
    const ruleset = this.requireInstalled(body.rulesetId);
    const sheet = body.sheet ?? (await this.rulesets.defaultSheet(body.rulesetId));
    await this.validateSheet(body.rulesetId, sheet);
    const character = await this.insert(userId, {
      rulesetId: body.rulesetId,
      name: body.name,
      sheet,
      rulesetVersion: ruleset.version,
    });
    return this.toDto(character, userId, 'owner');
  }

  /** Stores a new, already validated character with its first history entry. */
  async insert(userId: string, state: CharacterState & { rulesetId: string }): Promise<CharacterEntity> {
    const { name, sheet } = reconcileName(undefined, state.name, state.sheet);
    return this.manager.transaction(async (manager) => {
      const character = await manager.save(
        manager.create(CharacterEntity, {
          ownerUserId: userId,
          rulesetId: state.rulesetId,
          rulesetVersion: state.rulesetVersion,
          name,
          sheetData: sheet,
        }),
      );
      await this.recordHistory(manager, character);
      return character;
    });
  }

  /**
   * The hot read (every sheet view): the row, the viewer's access and the viewer's groups in one query.
   * A character stored with an older ruleset version is migrated in memory; a read never writes.
   */
  async get(userId: string, characterId: string): Promise<CharacterDto> {
    const rows: ReadRow[] = isUuid(characterId)
      ? await this.manager.query(
          // One scan of the character's assignments joined to the viewer's memberships gives both the DM check
          // and the groups the viewer may see.
          `SELECT c.*, v."viewer_is_dm", v."viewer_groups" FROM "characters" c
             LEFT JOIN LATERAL (
               SELECT COALESCE(bool_or(m."role" = 'dm'), false) AS "viewer_is_dm",
                      COALESCE(json_agg(json_build_object('groupId', gc."group_id", 'groupName', g."name", 'isActive', gc."is_active")
                                        ORDER BY g."name", g."id"), '[]') AS "viewer_groups"
                 FROM "group_characters" gc
                 JOIN "group_members" m ON m."group_id" = gc."group_id" AND m."user_id" = $2
                 JOIN "groups" g ON g."id" = gc."group_id"
                WHERE gc."character_id" = c."id") v ON true
            WHERE c."id" = $1`,
          [characterId, userId],
        )
      : [];
    const row = rows[0];
    const access: CharacterAccess | undefined = !row
      ? undefined
      : row.owner_user_id === userId
        ? 'owner'
        : row.viewer_is_dm
          ? 'dm'
          : undefined;
    if (!row || !access) throw notFound('Character');
    return this.buildDto(await this.current(fromRow(row)), row.viewer_groups);
  }

  /** Owner: replaces name and sheet, based on `version`. */
  async replace(userId: string, characterId: string, body: ReplaceCharacterDto): Promise<CharacterDto> {
    const character = await this.editable(userId, characterId);
    const ruleset = this.requireInstalled(character.rulesetId);
    assertCurrent(character, body.version);
    await this.validateSheet(character.rulesetId, body.sheet);
    const saved = await this.manager.transaction((manager) =>
      this.writeVersion(
        manager,
        character,
        { name: body.name, sheet: body.sheet, rulesetVersion: ruleset.version },
        userId,
      ),
    );
    return this.toDto(saved, userId, 'owner');
  }

  /** Owner: a name change and/or an RFC 7396 merge patch of the sheet, based on `version`. */
  async patch(userId: string, characterId: string, body: PatchCharacterDto): Promise<CharacterDto> {
    const character = await this.editable(userId, characterId);
    const ruleset = this.requireInstalled(character.rulesetId);
    assertCurrent(character, body.version);
    let sheet = await this.migratedSheet(character, ruleset);
    if (body.sheetPatch !== undefined) {
      assertSafeJson(body.sheetPatch, 'sheetPatch');
      const patched = applyMergePatch(sheet, body.sheetPatch);
      if (typeof patched !== 'object' || patched === null || Array.isArray(patched))
        throw invalidSheet([{ path: 'sheetPatch', message: 'must leave the sheet an object' }]);
      sheet = patched;
    }
    await this.validateSheet(character.rulesetId, sheet);
    const saved = await this.manager.transaction((manager) =>
      this.writeVersion(
        manager,
        character,
        { name: body.name ?? character.name, sheet, rulesetVersion: ruleset.version },
        userId,
      ),
    );
    return this.toDto(saved, userId, 'owner');
  }

  /** Owner: deletes the character; it leaves every group it was in (with events). */
  async delete(userId: string, characterId: string): Promise<void> {
    const character = await this.editable(userId, characterId);
    await this.manager.transaction(async (manager) => {
      const groups = await this.assignedGroupIds(manager, characterId);
      // Events first: group rows are locked before the cascade touches their assignments (no deadlock with a group deletion).
      await this.events.appendToGroups(manager, groups, 'character.unassigned', {
        characterId,
        userId: character.ownerUserId,
      });
      await manager.delete(CharacterEntity, { id: characterId });
    });
    // After the commit: a failed object deletion must not resurrect the character.
    const portraitKey = character.portraitUrl ? this.storage.keyOfPublicUrl(character.portraitUrl) : null;
    if (portraitKey) await this.storage.deleteQuietly(portraitKey);
  }

  /** Owner: the last 10 versions, newest first. */
  async history(userId: string, characterId: string): Promise<CharacterVersionDto[]> {
    await this.editable(userId, characterId);
    const versions = await this.manager.find(CharacterVersionEntity, {
      where: { characterId },
      order: { version: 'DESC' },
      take: HISTORY_LENGTH,
    });
    return versions.map((entry) => ({
      version: entry.version,
      name: entry.name,
      rulesetVersion: entry.rulesetVersion,
      createdAt: entry.createdAt.toISOString(),
      sheet: entry.sheetData,
    }));
  }

  /** Owner: writes an old version's sheet and name as a new version (based on `currentVersion`). */
  async restore(
    userId: string,
    characterId: string,
    restoredVersion: number,
    currentVersion: number,
  ): Promise<CharacterDto> {
    const character = await this.editable(userId, characterId);
    const ruleset = this.requireInstalled(character.rulesetId);
    assertCurrent(character, currentVersion);
    const entry = Number.isInteger(restoredVersion)
      ? await this.manager.findOneBy(CharacterVersionEntity, { characterId, version: restoredVersion })
      : null;
    if (!entry) throw notFound('Version');
    const sheet =
      entry.rulesetVersion === ruleset.version
        ? entry.sheetData
        : await this.rulesets.migrate(character.rulesetId, entry.sheetData, entry.rulesetVersion);
    await this.validateSheet(character.rulesetId, sheet);
    const saved = await this.manager.transaction((manager) =>
      this.writeVersion(manager, character, { name: entry.name, sheet, rulesetVersion: ruleset.version }, userId),
    );
    return this.toDto(saved, userId, 'owner');
  }

  /** The caller's own character, or 404 whoever else asks (assignment: a foreign character is as good as missing). */
  async findOwned(userId: string, characterId: string): Promise<CharacterEntity> {
    const character = isUuid(characterId) ? await this.manager.findOneBy(CharacterEntity, { id: characterId }) : null;
    if (!character || character.ownerUserId !== userId) throw notFound('Character');
    return character;
  }

  /** Sets or clears the portrait URL (no new sheet version); returns the old URL. Announced as `character.updated`. */
  async setPortraitUrl(characterId: string, url: string | null): Promise<string | null> {
    return this.manager.transaction(async (manager) => {
      const rows: Array<{ portrait_url: string | null }> = await manager.query(
        `SELECT "portrait_url" FROM "characters" WHERE "id" = $1 FOR NO KEY UPDATE`,
        [characterId],
      );
      if (rows.length === 0) throw notFound('Character');
      await manager.update(CharacterEntity, { id: characterId }, { portraitUrl: url });
      const character = await manager.findOneByOrFail(CharacterEntity, { id: characterId });
      const payload = {
        characterId,
        version: character.version,
        name: character.name,
        updatedBy: character.ownerUserId,
      };
      await this.events.appendToGroups(
        manager,
        await this.assignedGroupIds(manager, characterId),
        'character.updated',
        payload,
      );
      return rows[0].portrait_url;
    });
  }

  /** A character the caller may read: its owner, or the DM of a group it is assigned to. Otherwise 404. */
  async readable(
    userId: string,
    characterId: string,
  ): Promise<{ character: CharacterEntity; access: CharacterAccess }> {
    const character = isUuid(characterId) ? await this.manager.findOneBy(CharacterEntity, { id: characterId }) : null;
    if (!character) throw notFound('Character');
    if (character.ownerUserId === userId) return { character, access: 'owner' };
    if (await this.isDmOf(this.manager, userId, characterId)) return { character, access: 'dm' };
    throw notFound('Character');
  }

  /** Whether the user is the DM of a group the character is assigned to. */
  async isDmOf(manager: EntityManager, userId: string, characterId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM "group_characters" gc
         JOIN "group_members" m ON m."group_id" = gc."group_id" AND m."user_id" = $2 AND m."role" = 'dm'
        WHERE gc."character_id" = $1 LIMIT 1`,
      [characterId, userId],
    );
    return rows.length > 0;
  }

  /** The ids of the groups a character is assigned to. */
  async assignedGroupIds(manager: EntityManager, characterId: string): Promise<string[]> {
    const rows: Array<{ group_id: string }> = await manager.query(
      `SELECT "group_id" FROM "group_characters" WHERE "character_id" = $1`,
      [characterId],
    );
    return rows.map((row) => row.group_id);
  }

  /**
   * Writes a new version if the character is still at `base.version` (409 otherwise), records it in the
   * history (keeping 10) and announces `character.updated` to its groups. Call inside a transaction.
   */
  async writeVersion(
    manager: EntityManager,
    base: CharacterEntity,
    next: CharacterState,
    actorId: string,
  ): Promise<CharacterEntity> {
    const { name, sheet } = reconcileName(base.name, next.name, next.sheet);
    const updated = (
      await manager.query<[unknown[], number]>(
        `UPDATE "characters" SET "name" = $3, "sheet_data" = $4::jsonb, "ruleset_version" = $5, "version" = "version" + 1, "updated_at" = now()
          WHERE "id" = $1 AND "version" = $2 RETURNING "id"`,
        [base.id, base.version, name, JSON.stringify(sheet), next.rulesetVersion],
      )
    )[0];
    if (updated.length === 0) {
      const current = await manager.findOneBy(CharacterEntity, { id: base.id });
      if (!current) throw notFound('Character');
      throw staleVersion(current.version);
    }
    const saved = await manager.findOneByOrFail(CharacterEntity, { id: base.id });
    await this.recordHistory(manager, saved);
    const payload = { characterId: saved.id, version: saved.version, name: saved.name, updatedBy: actorId };
    await this.events.appendToGroups(
      manager,
      await this.assignedGroupIds(manager, saved.id),
      'character.updated',
      payload,
    );
    return saved;
  }

  /** 422 field `rulesetId` unless the ruleset is installed (writes need it; reads do not). */
  requireInstalled(rulesetId: string): RulesetInfo {
    const ruleset = this.rulesets.find(rulesetId);
    if (!ruleset) {
      throw new DomainError('validation_failed', `The ruleset "${rulesetId}" is not installed`, {
        errors: [{ path: 'rulesetId', message: `ruleset "${rulesetId}" is not installed` }],
      });
    }
    return ruleset;
  }

  /** Host checks (nesting, prototype keys), then the ruleset's schema and validate; 422 with field errors under `sheet`. */
  async validateSheet(rulesetId: string, sheet: unknown, prefix = 'sheet'): Promise<void> {
    assertSafeJson(sheet, prefix);
    const errors = await this.rulesets.validate(rulesetId, sheet);
    if (errors.length > 0)
      throw invalidSheet(
        errors.map((error) => ({ path: error.path ? `${prefix}.${error.path}` : prefix, message: error.message })),
      );
  }

  /** The sheet in the installed ruleset version (the stored one, or migrated in memory). */
  async migratedSheet(character: CharacterEntity, ruleset: RulesetInfo): Promise<Sheet> {
    if (character.rulesetVersion === ruleset.version) return character.sheetData;
    return this.rulesets.migrate(character.rulesetId, character.sheetData, character.rulesetVersion);
  }

  /**
   * The character in the installed ruleset version, migrated in memory only: reads never write. Stored sheets
   * are migrated in a batch when a ruleset version changes (CharacterSheetMigrator), and by the next write.
   * When the ruleset is missing, or the migration fails, the stored sheet is returned.
   */
  async current(character: CharacterEntity): Promise<CharacterEntity> {
    const ruleset = this.rulesets.find(character.rulesetId);
    if (!ruleset || ruleset.version === character.rulesetVersion) return character;
    try {
      const sheet = await this.rulesets.migrate(character.rulesetId, character.sheetData, character.rulesetVersion);
      return Object.assign(new CharacterEntity(), character, { sheetData: sheet, rulesetVersion: ruleset.version });
    } catch (error) {
      this.logger.warn(
        `Could not migrate character ${character.id} (${character.rulesetId} ${character.rulesetVersion}): ${String(error)}`,
      );
      return character;
    }
  }

  /**
   * Stores the character migrated to the installed ruleset version as a new version (by `actorId`); the
   * stored row, unchanged, when it is current, the ruleset is missing or another writer got there first.
   */
  async migrateStored(character: CharacterEntity, actorId: string): Promise<CharacterEntity> {
    const ruleset = this.rulesets.find(character.rulesetId);
    if (!ruleset || ruleset.version === character.rulesetVersion) return character;
    const sheet = await this.rulesets.migrate(character.rulesetId, character.sheetData, character.rulesetVersion);
    try {
      return await this.manager.transaction((manager) =>
        this.writeVersion(
          manager,
          character,
          { name: character.name, sheet, rulesetVersion: ruleset.version },
          actorId,
        ),
      );
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'stale_version')) throw error;
      return (await this.manager.findOneBy(CharacterEntity, { id: character.id })) ?? character;
    }
  }

  /** The response shape; `groups` lists only groups the viewer is a member of. */
  async toDto(character: CharacterEntity, viewerId: string, _access: CharacterAccess): Promise<CharacterDto> {
    const groups: Array<{ group_id: string; name: string; is_active: boolean }> = await this.manager.query(
      `SELECT gc."group_id", g."name", gc."is_active" FROM "group_characters" gc
         JOIN "groups" g ON g."id" = gc."group_id"
         JOIN "group_members" m ON m."group_id" = gc."group_id" AND m."user_id" = $2
        WHERE gc."character_id" = $1 ORDER BY g."name", g."id"`,
      [character.id, viewerId],
    );
    return this.buildDto(
      character,
      groups.map((row) => ({ groupId: row.group_id, groupName: row.name, isActive: row.is_active })),
    );
  }

  private buildDto(character: CharacterEntity, groups: CharacterDto['groups']): CharacterDto {
    return {
      ...toSummary(character),
      ownerId: character.ownerUserId,
      // Rows written before names were kept in step show the character's name in the sheet too.
      sheet: mirrorName(character.sheetData, character.name),
      rulesetMissing: this.rulesets.find(character.rulesetId) === undefined,
      createdAt: character.createdAt.toISOString(),
      groups,
    };
  }

  /** Owner-only actions (also portraits): 404 when the caller cannot see the character, 403 when they see it as a DM. */
  async editable(userId: string, characterId: string): Promise<CharacterEntity> {
    const { character, access } = await this.readable(userId, characterId);
    if (access !== 'owner') throw new DomainError('forbidden', 'Only the character’s owner may do this');
    return character;
  }

  private async recordHistory(manager: EntityManager, character: CharacterEntity): Promise<void> {
    await manager.query(
      `INSERT INTO "character_versions" ("character_id", "version", "name", "ruleset_version", "sheet_data") VALUES ($1, $2, $3, $4, $5::jsonb)`,
      [character.id, character.version, character.name, character.rulesetVersion, JSON.stringify(character.sheetData)],
    );
    await manager.query(
      `DELETE FROM "character_versions" WHERE "character_id" = $1 AND "version" NOT IN
         (SELECT "version" FROM "character_versions" WHERE "character_id" = $1 ORDER BY "version" DESC LIMIT $2)`,
      [character.id, HISTORY_LENGTH],
    );
  }
}

/** A `characters` row with the viewer's access and groups (CharactersService.get). */
interface ReadRow {
  id: string;
  owner_user_id: string;
  ruleset_id: string;
  ruleset_version: string;
  name: string;
  sheet_data: Sheet;
  portrait_url: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  viewer_is_dm: boolean;
  viewer_groups: CharacterDto['groups'];
}

function fromRow(row: ReadRow): CharacterEntity {
  return Object.assign(new CharacterEntity(), {
    id: row.id,
    ownerUserId: row.owner_user_id,
    rulesetId: row.ruleset_id,
    rulesetVersion: row.ruleset_version,
    name: row.name,
    sheetData: row.sheet_data,
    portraitUrl: row.portrait_url,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

function toSummary(character: CharacterEntity): CharacterSummaryDto {
  return {
    id: character.id,
    name: character.name,
    rulesetId: character.rulesetId,
    rulesetVersion: character.rulesetVersion,
    version: character.version,
    portraitUrl: character.portraitUrl,
    updatedAt: character.updatedAt.toISOString(),
  };
}

function assertCurrent(character: CharacterEntity, version: number): void {
  if (character.version !== version) throw staleVersion(character.version);
}

/** 409: the write was based on an older version; `currentVersion` tells the client what to reload. */
export function staleVersion(currentVersion: number): DomainError {
  return new DomainError('stale_version', 'The character changed since you loaded it; reload and try again', {
    currentVersion,
  });
}

export function invalidSheet(errors: Array<{ path: string; message: string }>): DomainError {
  return new DomainError('validation_failed', 'The character sheet is invalid', { errors });
}
