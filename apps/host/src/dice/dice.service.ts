import type { RollCreatedPayload } from '@cm/contracts';
import {
  alignToNotation,
  cryptoRandom,
  DiceNotationError,
  DiceResultsError,
  facesOf,
  rollNotation,
  toDiceTerms,
  validateResultsGroups,
  type RollResult,
} from '@cm/dice';
import type { DiceAction, ResolvedOutcome, RollOptions } from '@cm/ruleset-sdk';
import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { DomainError, notFound } from '../common/domain-error.js';
import { GroupAccessService, isUuid } from '../groups/group-access.service.js';
import { RulesetCatalog } from '../plugins/ruleset-catalog.js';
import { GroupEventLog } from '../events/group-event-log.js';
import type { CreateRollDto, ListRollsQueryDto } from './dto/roll-requests.dto.js';
import type { RollDto, RollPageDto } from './dto/roll-responses.dto.js';
import { GroupCharacterSheets, rulesetMissing, type GroupCharacterSheet } from './group-character-sheets.js';
import { storedOutcome } from '../plugins/ruleset-results.js';
import { decodeCursor, encodeCursor, summarizeRoll } from './roll-summary.js';
import { RollEntity, type RollSourceColumn } from './roll.entity.js';

/** What a roll request resolves to before it is stored. */
interface PreparedRoll {
  label: string;
  result: RollResult;
  source: RollSourceColumn;
  characterId: string | null;
  outcome: ResolvedOutcome | null;
  options?: RollOptions;
  talespireRollId?: string;
}

/** The stored `result`: the roll, the options it was resolved with and, for reported results, TaleSpire's roll id. */
type StoredResult = RollResult & { talespireRollId?: string; options?: RollOptions };

const DEFAULT_PAGE = 50;

/**
 * The group roll log (SPEC §5 Dice). The server rolls with `cryptoRandom` (Web Crypto, rejection sampling);
 * results reported from TaleSpire are validated face by face and their totals recomputed. Every roll is stored
 * and announced as `roll.created` in one transaction.
 */
@Injectable()
export class DiceService {
  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly access: GroupAccessService,
    private readonly events: GroupEventLog,
    private readonly rulesets: RulesetCatalog,
    private readonly sheets: GroupCharacterSheets,
  ) {}

  /** `via: 'discord'` marks a server-rolled roll asked for from Discord (source `discord`). */
  async create(userId: string, groupId: string, body: CreateRollDto, via?: 'discord'): Promise<RollDto> {
    const { role } = await this.access.requireMember(userId, groupId);
    const prepared = await this.prepare(userId, groupId, role === 'dm', body);
    if (via === 'discord' && prepared.source === 'server') prepared.source = 'discord';
    const roll = await this.manager.transaction(async (manager) => {
      // Locks the group row: membership cannot change under us, and the event seq follows commit order.
      await this.access.requireMember(userId, groupId, manager, true);
      const result: StoredResult = {
        ...prepared.result,
        ...(prepared.talespireRollId ? { talespireRollId: prepared.talespireRollId } : {}),
        ...(prepared.options ? { options: prepared.options } : {}),
      };
      const entity = manager.create(RollEntity, {
        groupId,
        userId,
        characterId: prepared.characterId,
        label: prepared.label,
        notation: prepared.result.notation,
        result,
        total: prepared.result.total,
        source: prepared.source,
        outcome: prepared.outcome,
      });
      const saved = await manager.save(entity);
      await this.events.append(manager, groupId, 'roll.created', toPayload(saved));
      return saved;
    });
    return toDto(roll);
  }

  /** The group's rolls, newest first, `limit` per page (1..100, default 50). */
  async list(userId: string, groupId: string, query: ListRollsQueryDto): Promise<RollPageDto> {
    await this.access.requireMember(userId, groupId);
    const limit = query.limit ?? DEFAULT_PAGE;
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !cursor) {
      throw new DomainError('bad_request', 'The cursor is invalid', {
        errors: [{ path: 'cursor', message: 'is not a cursor of this roll log' }],
      });
    }
    const params: unknown[] = [groupId, limit + 1];
    let where = `"group_id" = $1`;
    if (cursor) {
      params.push(cursor.createdAt, cursor.id);
      where += ` AND ("created_at", "id") < ($3::timestamptz, $4::uuid)`;
    }
    const rows: Array<{ id: string; created_at_text: string }> = await this.manager.query(
      `SELECT "id", to_char("created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at_text"
         FROM "rolls" WHERE ${where} ORDER BY "created_at" DESC, "id" DESC LIMIT $2`,
      params,
    );
    const page = rows.slice(0, limit);
    const entities =
      page.length === 0
        ? []
        : await this.manager.findBy(
            RollEntity,
            page.map((row) => ({ id: row.id })),
          );
    const byId = new Map(entities.map((entity) => [entity.id, entity]));
    const last = page.at(-1);
    return {
      items: page.flatMap((row) => {
        const entity = byId.get(row.id);
        return entity ? [toDto(entity)] : [];
      }),
      nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.created_at_text, id: last.id }) : null,
    };
  }

  private async prepare(userId: string, groupId: string, isDm: boolean, body: CreateRollDto): Promise<PreparedRoll> {
    const hasAction = checkModes(body);
    if (body.notation !== undefined) {
      const result = rollText(body.notation);
      return { label: body.label ?? result.notation, result, source: 'server', characterId: null, outcome: null };
    }
    const character = hasAction ? await this.rollableCharacter(userId, groupId, isDm, body.characterId!) : undefined;
    const action = character ? await this.action(character, body.actionId!) : undefined;
    const options = rollOptions(body);
    if (body.talespire) {
      const groups: unknown = body.talespire.resultsGroups;
      const result = reported(groups, action?.diceString);
      const outcome = character && action ? await this.resolve(character, action, result, options) : null;
      const label =
        body.label ??
        action?.label ??
        (result.groups
          .map((group) => group.name)
          .filter(Boolean)
          .join(' / ') ||
          result.notation);
      return {
        label,
        result,
        source: 'talespire',
        characterId: character?.id ?? null,
        outcome,
        options,
        talespireRollId: body.talespire.rollId,
      };
    }
    const result = rollAction(action!.diceString);
    const outcome = await this.resolve(character!, action!, result, options);
    return {
      label: body.label ?? action!.label,
      result,
      source: 'server',
      characterId: character!.id,
      outcome,
      options,
    };
  }

  /** A character assigned to the group that the caller may roll for: their own, or any when they are the DM. */
  private async rollableCharacter(
    userId: string,
    groupId: string,
    isDm: boolean,
    characterId: string,
  ): Promise<GroupCharacterSheet> {
    const character = isUuid(characterId) ? await this.sheets.find(groupId, characterId) : undefined;
    if (!character) throw notFound('Character');
    if (!isDm && character.ownerId !== userId)
      throw new DomainError('forbidden', 'Only the character’s owner or the DM may roll for it');
    if (!this.rulesets.find(character.rulesetId)) throw rulesetMissing(character.rulesetId);
    return character;
  }

  private async action(character: GroupCharacterSheet, actionId: string): Promise<DiceAction> {
    const action = (await this.sheets.diceActions(character)).find((candidate) => candidate.id === actionId);
    if (!action) throw badRequest('actionId', `the character has no dice action "${actionId.slice(0, 80)}"`);
    return action;
  }

  /** The ruleset's reading of the faces (the host checks them against the action's dice string first). */
  private resolve(
    character: GroupCharacterSheet,
    action: DiceAction,
    result: RollResult,
    options: RollOptions | undefined,
  ): Promise<ResolvedOutcome> {
    return this.rulesets.resolveAction(character.rulesetId, character.sheet, action, facesOf(result), options);
  }
}

/**
 * Checks that the body is exactly one kind of roll (notation; characterId + actionId; talespire, optionally with
 * an action) and that modifier/target come with an action; returns whether an action is named.
 */
function checkModes(body: CreateRollDto): boolean {
  const hasAction = body.characterId !== undefined || body.actionId !== undefined;
  const modes = [
    body.notation !== undefined,
    body.talespire !== undefined,
    hasAction && body.talespire === undefined,
  ].filter(Boolean).length;
  if (modes !== 1 || (body.notation !== undefined && hasAction)) {
    throw badRequest(
      '',
      'Send exactly one of: notation; characterId + actionId; talespire (optionally with characterId + actionId)',
    );
  }
  if (hasAction && (body.characterId === undefined || body.actionId === undefined)) {
    throw badRequest(
      body.characterId === undefined ? 'characterId' : 'actionId',
      'characterId and actionId go together',
    );
  }
  if (body.modifier !== undefined && !hasAction)
    throw badRequest('modifier', 'a modifier needs characterId + actionId');
  if (body.target !== undefined && !hasAction) throw badRequest('target', 'a target needs characterId + actionId');
  return hasAction;
}

/** The roll options a request set, or undefined when it set none. */
function rollOptions(body: CreateRollDto): RollOptions | undefined {
  if (body.modifier === undefined && body.target === undefined) return undefined;
  return {
    ...(body.modifier === undefined ? {} : { modifier: body.modifier }),
    ...(body.target === undefined ? {} : { target: body.target }),
  };
}

/** Rolls a notation from a request; a bad or absurd one is a 400 with the parser's message and position. */
function rollText(notation: string): RollResult {
  try {
    return rollNotation(notation, cryptoRandom);
  } catch (error) {
    if (error instanceof DiceNotationError) {
      throw new DomainError('bad_request', `Invalid notation: ${error.message}`, {
        errors: [{ path: 'notation', message: `${error.message} (at position ${error.position})` }],
        position: error.position,
        kind: error.kind,
      });
    }
    throw error;
  }
}

/** Rolls a ruleset's dice string; one the parser refuses is the plugin's fault. */
function rollAction(diceString: string): RollResult {
  try {
    return rollNotation(diceString, cryptoRandom);
  } catch (error) {
    if (error instanceof DiceNotationError) {
      throw new DomainError(
        'plugin_failed',
        `The ruleset's dice string "${diceString.slice(0, 80)}" is invalid: ${error.message}`,
      );
    }
    throw error;
  }
}

/**
 * Checks client-reported TaleSpire results (against the action's dice string when given) and rebuilds the roll, in
 * the term order of the action's dice string when there is one (TaleSpire may report terms in any order).
 */
function reported(groups: unknown, expected: string | undefined): RollResult {
  try {
    validateResultsGroups(groups, expected);
    const result = toDiceTerms(groups);
    return expected === undefined ? result : alignToNotation(result, expected);
  } catch (error) {
    if (error instanceof DiceResultsError) {
      throw new DomainError('bad_request', `Invalid TaleSpire results: ${error.message}`, {
        errors: [{ path: `talespire.${error.path}`, message: error.message }],
      });
    }
    if (error instanceof DiceNotationError)
      throw new DomainError('plugin_failed', `The action's dice string is invalid: ${error.message}`);
    throw error;
  }
}

function badRequest(path: string, message: string): DomainError {
  return new DomainError('bad_request', message, { errors: [{ path, message }] });
}

function toPayload(roll: RollEntity): RollCreatedPayload {
  const outcome = storedOutcome(roll.outcome);
  const options = (roll.result as StoredResult).options;
  return {
    id: roll.id,
    userId: roll.userId,
    characterId: roll.characterId,
    label: roll.label,
    notation: roll.notation,
    diceTotal: roll.total,
    value: outcome ? (outcome.value ?? null) : roll.total,
    groups: summarizeRoll(roll.result),
    source: roll.source,
    ...(options ? { options } : {}),
    outcome,
  };
}

function toDto(roll: RollEntity): RollDto {
  const talespireRollId = (roll.result as StoredResult).talespireRollId;
  return {
    ...toPayload(roll),
    groupId: roll.groupId,
    ...(talespireRollId ? { talespireRollId } : {}),
    createdAt: roll.createdAt.toISOString(),
  };
}
