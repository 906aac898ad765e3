import { Injectable, Logger } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { DiceAction, Sheet } from '@cm/ruleset-sdk';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { RulesetCatalog } from '../plugins/ruleset-catalog.js';

/** A character assigned to a group, with its sheet in the installed ruleset version. */
export interface GroupCharacterSheet {
  id: string;
  name: string;
  ownerId: string;
  rulesetId: string;
  sheet: Sheet;
}

interface Row {
  id: string;
  name: string;
  owner_user_id: string;
  ruleset_id: string;
  ruleset_version: string;
  sheet_data: Sheet;
}

const SELECT = `SELECT c."id", c."name", c."owner_user_id", c."ruleset_id", c."ruleset_version", c."sheet_data"
                  FROM "group_characters" gc JOIN "characters" c ON c."id" = gc."character_id"`;

/**
 * Reads the characters assigned to a group and their dice actions through the RulesetCatalog. Sheets stored
 * with an older ruleset version are migrated in memory (the characters module persists migrations on its reads).
 */
@Injectable()
export class GroupCharacterSheets {
  private readonly logger = new Logger(GroupCharacterSheets.name);

  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly rulesets: RulesetCatalog,
  ) {}

  /** One character assigned to the group, or undefined. */
  async find(
    groupId: string,
    characterId: string,
    manager: EntityManager = this.manager,
  ): Promise<GroupCharacterSheet | undefined> {
    const rows: Row[] = await manager.query(`${SELECT} WHERE gc."group_id" = $1 AND gc."character_id" = $2`, [
      groupId,
      characterId,
    ]);
    return rows[0] ? this.withSheet(rows[0]) : undefined;
  }

  /** Every character assigned to the group, by name. */
  async list(groupId: string, manager: EntityManager = this.manager): Promise<GroupCharacterSheet[]> {
    const rows: Row[] = await manager.query(`${SELECT} WHERE gc."group_id" = $1 ORDER BY c."name", c."id"`, [groupId]);
    return Promise.all(
      rows.map((row) =>
        this.withSheet(row).catch((error: unknown) => {
          this.logger.warn(
            `Could not migrate character ${row.id} (${row.ruleset_id} ${row.ruleset_version}): ${String(error)}`,
          );
          return {
            id: row.id,
            name: row.name,
            ownerId: row.owner_user_id,
            rulesetId: row.ruleset_id,
            sheet: row.sheet_data,
          };
        }),
      ),
    );
  }

  /** The character's dice actions (the ruleset validates the sheet first). */
  diceActions(character: GroupCharacterSheet): Promise<DiceAction[]> {
    return this.rulesets.diceActions(character.rulesetId, character.sheet);
  }

  /** The character's `initiative` action, or null when it has none or its ruleset cannot answer. */
  async initiativeAction(character: GroupCharacterSheet): Promise<DiceAction | null> {
    if (!this.rulesets.find(character.rulesetId)) return null;
    try {
      return (await this.diceActions(character)).find((action) => action.category === 'initiative') ?? null;
    } catch (error) {
      this.logger.warn(
        `No initiative action for character ${character.id} (${character.rulesetId}): ${(error as Error).message}`,
      );
      return null;
    }
  }

  private async withSheet(row: Row): Promise<GroupCharacterSheet> {
    const base = { id: row.id, name: row.name, ownerId: row.owner_user_id, rulesetId: row.ruleset_id };
    const ruleset = this.rulesets.find(row.ruleset_id);
    if (!ruleset || ruleset.version === row.ruleset_version) return { ...base, sheet: row.sheet_data };
    return { ...base, sheet: await this.rulesets.migrate(row.ruleset_id, row.sheet_data, row.ruleset_version) };
  }
}

/** The error for a character whose ruleset is not installed (its actions cannot be rolled). */
export function rulesetMissing(rulesetId: string): DomainError {
  return new DomainError('conflict', `The character's ruleset "${rulesetId}" is not installed`);
}
