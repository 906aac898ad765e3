import type { JsonValue, ResourceState } from '@cm/ruleset-sdk';
import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { RulesetCatalog } from '../plugins/ruleset-catalog.js';
import { GroupEventLog } from '../events/group-event-log.js';
import { CharacterEntity } from './character.entity.js';
import { CharactersService } from './characters.service.js';
import type { ResourceDeltaDto } from './dto/character-requests.dto.js';
import type { ResourceChangeDto } from './dto/character-responses.dto.js';

/**
 * Atomic resource deltas (HP, LeP, AsP, a track of stress boxes, XP without a maximum): commutative and never lost.
 * The ruleset names the resource's path and bounds for the current sheet (a track's bounds are 0..boxes;
 * `max: null` bounds only from below), read without a lock so no plugin runs under it; the character row is
 * then locked and, if nothing but that value changed meanwhile, the value is clamped and set with jsonb_set, the version is bumped and `character.resource_changed` goes to every group the character is in.
 * Deltas write no history entry (a fight would flush the 10 kept versions within a round); they bump
 * `version`, so a full write based on the pre-delta sheet gets 409 instead of undoing the damage.
 */
@Injectable()
export class CharacterResourcesService {
  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly characters: CharactersService,
    private readonly rulesets: RulesetCatalog,
    private readonly events: GroupEventLog,
  ) {}

  /** Owner, or the DM of a group the character is in. */
  async applyDelta(userId: string, characterId: string, body: ResourceDeltaDto): Promise<ResourceChangeDto> {
    const { character: seen } = await this.characters.readable(userId, characterId);
    const ruleset = this.characters.requireInstalled(seen.rulesetId);
    // A delta writes: it stores the migrated sheet first, so that the resource's path is the installed version's.
    if (seen.rulesetVersion !== ruleset.version) await this.characters.migrateStored(seen, userId);
    // The ruleset (a sandbox call) names the resource for a sheet read without a lock; the row lock is taken
    // only to apply the delta, and only when nothing but this resource's value changed since that read.
    for (let attempt = 1; ; attempt += 1) {
      const read = await this.manager.findOneBy(CharacterEntity, { id: characterId });
      if (!read) throw new DomainError('not_found', 'Character not found');
      const resource = await this.findResource(read, body.resource);
      const applied = await this.applyUnderLock(userId, characterId, read, resource, body.delta);
      if (applied) return applied;
      if (attempt === MAX_ATTEMPTS) {
        throw new DomainError('conflict', 'The character changed during the update; retry', { retryable: true });
      }
    }
  }

  /** Applies the delta under the row lock; undefined when the sheet changed beyond the resource's value. */
  private async applyUnderLock(
    userId: string,
    characterId: string,
    read: CharacterEntity,
    resource: ResourceState,
    delta: number,
  ): Promise<ResourceChangeDto | undefined> {
    return this.manager.transaction(async (manager) => {
      // FOR NO KEY UPDATE serialises deltas on this character without blocking inserts that reference it.
      const locked: Array<{ sheet_data: JsonValue }> = await manager.query(
        `SELECT "sheet_data" FROM "characters" WHERE "id" = $1 FOR NO KEY UPDATE`,
        [characterId],
      );
      if (locked.length === 0) throw new DomainError('not_found', 'Character not found');
      const sheet = locked[0].sheet_data;
      if (!sameApartFrom(sheet, read.sheetData, resource.path)) return undefined;
      // The sheet is the source of truth for the value.
      const current = readPath(sheet, resource.path);
      const before = typeof current === 'number' ? current : resource.value;
      const value = clamp(before + delta, resource.min, resource.max);
      const rows = (
        await manager.query<[Array<{ version: number }>, number]>(
          `UPDATE "characters" SET "sheet_data" = jsonb_set("sheet_data", $2::text[], $3::jsonb, true), "version" = "version" + 1, "updated_at" = now()
            WHERE "id" = $1 RETURNING "version"`,
          [characterId, resource.path, JSON.stringify(value)],
        )
      )[0];
      const version = rows[0].version;
      const appliedDelta = value - before;
      const groups = await this.characters.assignedGroupIds(manager, characterId);
      await this.events.appendToGroups(manager, groups, 'character.resource_changed', {
        characterId,
        resource: resource.id,
        value,
        delta: appliedDelta,
        version,
        changedBy: userId,
      });
      return {
        characterId,
        resource: resource.id,
        value,
        appliedDelta,
        min: resource.min,
        max: resource.max,
        display: resource.display ?? (resource.max === null ? 'counter' : 'bar'),
        version,
      };
    });
  }

  private async findResource(character: CharacterEntity, resourceId: string): Promise<ResourceState> {
    const resources = await this.rulesets.resources(character.rulesetId, character.sheetData);
    const resource = resources.find((candidate) => candidate.id === resourceId);
    if (!resource) {
      const known = resources.map((candidate) => candidate.id).join(', ') || 'none';
      throw new DomainError('validation_failed', `The ruleset has no resource "${resourceId}"`, {
        errors: [{ path: 'resource', message: `unknown resource (this character has: ${known})` }],
      });
    }
    return resource;
  }
}

/** Attempts before a delta gives up on a sheet that keeps changing under it (other deltas never cause a retry). */
const MAX_ATTEMPTS = 5;

/** Whether two sheets are equal once the value at `path` is set aside (the bounds stand). */
function sameApartFrom(a: JsonValue, b: JsonValue, path: readonly string[]): boolean {
  return JSON.stringify(withoutPath(a, path)) === JSON.stringify(withoutPath(b, path));
}

function withoutPath(sheet: JsonValue, path: readonly string[]): JsonValue {
  const copy = structuredClone(sheet);
  let node: JsonValue | undefined = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return copy;
    node = Array.isArray(node) ? node[Number(key)] : node[key];
  }
  if (typeof node === 'object' && node !== null && path.length > 0) {
    if (Array.isArray(node)) node[Number(path.at(-1))] = null;
    else delete node[path.at(-1)!];
  }
  return copy;
}

/** Clamps to [min, max]; a resource without a natural maximum (max null) is bounded by min and the safe integers. */
function clamp(value: number, min: number, max: number | null): number {
  return Math.min(Math.max(value, min), max ?? Number.MAX_SAFE_INTEGER);
}

function readPath(sheet: JsonValue, path: readonly string[]): JsonValue | undefined {
  let node: JsonValue | undefined = sheet;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = Array.isArray(node) ? node[Number(key)] : Object.hasOwn(node, key) ? node[key] : undefined;
  }
  return node;
}
