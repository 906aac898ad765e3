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
 * Atomic resource deltas (HP, LeP, AsP...): commutative and never lost. The character row is locked, the
 * ruleset names the resource's path and bounds for the current sheet, the value is clamped and set with
 * jsonb_set, the version is bumped and `character.resource_changed` goes to every group the character is in.
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
    if (seen.rulesetVersion !== ruleset.version) await this.characters.upToDate(seen, userId);
    return this.manager.transaction(async (manager) => {
      // FOR NO KEY UPDATE serialises deltas on this character without blocking inserts that reference it.
      const locked: unknown[] = await manager.query(`SELECT 1 FROM "characters" WHERE "id" = $1 FOR NO KEY UPDATE`, [
        characterId,
      ]);
      if (locked.length === 0) throw new DomainError('not_found', 'Character not found');
      const character = await manager.findOneByOrFail(CharacterEntity, { id: characterId });
      const resource = await this.findResource(character, body.resource);
      const value = clamp(resource.value + body.delta, resource.min, resource.max);
      const rows = (
        await manager.query<[Array<{ version: number }>, number]>(
          `UPDATE "characters" SET "sheet_data" = jsonb_set("sheet_data", $2::text[], $3::jsonb, true), "version" = "version" + 1, "updated_at" = now()
            WHERE "id" = $1 RETURNING "version"`,
          [characterId, resource.path, JSON.stringify(value)],
        )
      )[0];
      const version = rows[0].version;
      const appliedDelta = value - resource.value;
      const groups = await this.characters.assignedGroupIds(manager, characterId);
      await this.events.appendToGroups(manager, groups, 'character.resource_changed', {
        characterId,
        resource: resource.id,
        value,
        delta: appliedDelta,
        version,
        changedBy: userId,
      });
      return { characterId, resource: resource.id, value, appliedDelta, min: resource.min, max: resource.max, version };
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
    const current = readPath(character.sheetData, resource.path);
    // The sheet is the source of truth for the value: the plugin computed it from the same locked row.
    return { ...resource, value: typeof current === 'number' ? current : resource.value };
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

function readPath(sheet: JsonValue, path: readonly string[]): JsonValue | undefined {
  let node: JsonValue | undefined = sheet;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = Array.isArray(node) ? node[Number(key)] : Object.hasOwn(node, key) ? node[key] : undefined;
  }
  return node;
}
