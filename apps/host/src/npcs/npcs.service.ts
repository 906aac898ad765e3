import type { StatBlock } from '@cm/ruleset-sdk';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { DomainError, notFound } from '../common/domain-error.js';
import { GroupEventLog } from '../events/group-event-log.js';
import { GroupAccessService, isUuid } from '../groups/group-access.service.js';
import { GroupLifecycle, type GroupParticipant } from '../groups/group-lifecycle.js';
import type { GroupEntity } from '../groups/group.entity.js';
import { RulesetCatalog } from '../plugins/ruleset-catalog.js';
import type { CreateNpcDto, NpcDto, NpcVersionDto, UpdateNpcDto } from './dto/npc.dto.js';
import { NpcEntity, NpcVersionEntity } from './npc.entity.js';

const KEPT_VERSIONS = 10;

/**
 * The group's NPCs: sheets of the group's ruleset owned by the group. The DM creates, changes and deletes them
 * (validated by the ruleset, the last 10 sheets kept); players see only revealed ones, without the sheet, with the
 * stat blocks the DM made public. A hidden NPC answers players like a missing one. Every change is a group event
 * (`npc.changed`) written in the same transaction.
 */
@Injectable()
export class NpcsService implements GroupParticipant, OnModuleInit {
  private readonly logger = new Logger(NpcsService.name);

  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly access: GroupAccessService,
    private readonly rulesets: RulesetCatalog,
    private readonly events: GroupEventLog,
    private readonly lifecycle: GroupLifecycle,
  ) {}

  onModuleInit(): void {
    this.lifecycle.register(this);
  }

  /** NPCs are sheets of the group's ruleset: it changes only while the group has none. */
  async rulesetChanging(manager: EntityManager, groupId: string): Promise<void> {
    const [{ count }] = await manager.query<Array<{ count: number }>>(
      `SELECT count(*)::int AS count FROM "npcs" WHERE "group_id" = $1`,
      [groupId],
    );
    if (count > 0) throw new DomainError('conflict', 'Delete the group’s NPCs before changing its ruleset');
  }

  async list(userId: string, groupId: string): Promise<NpcDto[]> {
    const { role } = await this.access.requireMember(userId, groupId);
    const npcs = await this.manager.find(NpcEntity, {
      where: role === 'dm' ? { groupId } : { groupId, revealed: true },
      order: { name: 'ASC', id: 'ASC' },
    });
    return Promise.all(npcs.map((npc) => this.toDto(npc, role === 'dm')));
  }

  async get(userId: string, groupId: string, npcId: string): Promise<NpcDto> {
    const { role } = await this.access.requireMember(userId, groupId);
    const npc = await this.find(groupId, npcId);
    if (role !== 'dm' && !npc.revealed) throw notFound('NPC');
    return this.toDto(npc, role === 'dm');
  }

  async create(userId: string, groupId: string, body: CreateNpcDto): Promise<NpcDto> {
    const npc = await this.manager.transaction(async (manager) => {
      const { group } = await this.access.requireDm(userId, groupId, manager, true);
      return this.createIn(manager, group, body);
    });
    return this.toDto(npc, true);
  }

  /** Creates an NPC in the caller's transaction (the group row is locked and the caller is its DM). */
  async createIn(manager: EntityManager, group: GroupEntity, body: CreateNpcDto): Promise<NpcEntity> {
    const ruleset = this.requireRuleset(group.rulesetId);
    const sheet = body.sheet ?? (await this.rulesets.defaultSheet(group.rulesetId));
    await this.validate(group.rulesetId, sheet);
    if (body.key && (await manager.findOneBy(NpcEntity, { groupId: group.id, key: body.key })))
      throw new DomainError('conflict', `The group already has an NPC with key "${body.key}"`);
    const npc = await manager.save(
      manager.create(NpcEntity, {
        groupId: group.id,
        key: body.key ?? null,
        name: body.name,
        rulesetId: group.rulesetId,
        rulesetVersion: ruleset.version,
        sheetData: sheet,
        portraitUrl: body.portraitUrl ?? null,
        revealed: body.revealed ?? false,
        publicStatBlocks: body.publicStatBlocks ?? [],
      }),
    );
    await this.keepVersion(manager, npc);
    await this.announce(manager, npc, 'created');
    return npc;
  }

  async update(userId: string, groupId: string, npcId: string, body: UpdateNpcDto): Promise<NpcDto> {
    const npc = await this.manager.transaction(async (manager) => {
      await this.access.requireDm(userId, groupId, manager, true);
      const current = await this.find(groupId, npcId, manager);
      if (current.version !== body.version)
        throw new DomainError('stale_version', 'The NPC changed since you loaded it; reload and try again', {
          currentVersion: current.version,
        });
      return this.updateIn(manager, current, body);
    });
    return this.toDto(npc, true);
  }

  /** Applies changes to a locked NPC in the caller's transaction; no change writes nothing. */
  async updateIn(manager: EntityManager, npc: NpcEntity, body: Omit<UpdateNpcDto, 'version'>): Promise<NpcEntity> {
    if (body.sheet !== undefined) await this.validate(npc.rulesetId, body.sheet);
    const next: Partial<NpcEntity> = {};
    if (body.name !== undefined && body.name !== npc.name) next.name = body.name;
    if (body.sheet !== undefined && !sameJson(body.sheet, npc.sheetData)) next.sheetData = body.sheet;
    if (body.revealed !== undefined && body.revealed !== npc.revealed) next.revealed = body.revealed;
    if (body.portraitUrl !== undefined && body.portraitUrl !== npc.portraitUrl) next.portraitUrl = body.portraitUrl;
    if (body.publicStatBlocks !== undefined && !sameJson(body.publicStatBlocks, npc.publicStatBlocks))
      next.publicStatBlocks = body.publicStatBlocks;
    if (Object.keys(next).length === 0) return npc;
    const wasRevealed = npc.revealed;
    Object.assign(npc, next, { version: npc.version + 1 });
    if (next.sheetData) npc.rulesetVersion = this.requireRuleset(npc.rulesetId).version;
    const saved = await manager.save(npc);
    if (next.sheetData || next.name) await this.keepVersion(manager, saved);
    // Players who saw it must learn it is hidden again; so the event says "revealed" when either state was.
    await this.announce(manager, saved, 'updated', wasRevealed);
    return saved;
  }

  async delete(userId: string, groupId: string, npcId: string): Promise<void> {
    await this.manager.transaction(async (manager) => {
      await this.access.requireDm(userId, groupId, manager, true);
      const npc = await this.find(groupId, npcId, manager);
      await manager.delete(NpcEntity, { id: npc.id });
      await this.announce(manager, npc, 'deleted');
    });
  }

  async versions(userId: string, groupId: string, npcId: string): Promise<NpcVersionDto[]> {
    await this.access.requireDm(userId, groupId);
    const npc = await this.find(groupId, npcId);
    const rows = await this.manager.find(NpcVersionEntity, { where: { npcId: npc.id }, order: { version: 'DESC' } });
    return rows.map((row) => ({
      version: row.version,
      name: row.name,
      sheet: row.sheetData,
      createdAt: row.createdAt.toISOString(),
    }));
  }

  /** An NPC of the group by its file key, in the caller's transaction. */
  findByKey(manager: EntityManager, groupId: string, key: string): Promise<NpcEntity | null> {
    return manager.findOneBy(NpcEntity, { groupId, key });
  }

  private async find(groupId: string, npcId: string, manager: EntityManager = this.manager): Promise<NpcEntity> {
    const npc = isUuid(npcId) ? await manager.findOneBy(NpcEntity, { id: npcId, groupId }) : null;
    if (!npc) throw notFound('NPC');
    return npc;
  }

  private requireRuleset(rulesetId: string) {
    const ruleset = this.rulesets.find(rulesetId);
    if (!ruleset) throw new DomainError('conflict', `The group's ruleset "${rulesetId}" is not installed`);
    return ruleset;
  }

  private async validate(rulesetId: string, sheet: unknown): Promise<void> {
    const errors = await this.rulesets.validate(rulesetId, sheet);
    if (errors.length > 0)
      throw new DomainError('validation_failed', 'The NPC sheet is invalid', {
        errors: errors.map((error) => ({ path: error.path ? `sheet.${error.path}` : 'sheet', message: error.message })),
      });
  }

  private async keepVersion(manager: EntityManager, npc: NpcEntity): Promise<void> {
    await manager.query(
      `INSERT INTO "npc_versions" ("npc_id", "version", "name", "ruleset_version", "sheet_data") VALUES ($1, $2, $3, $4, $5::jsonb)`,
      [npc.id, npc.version, npc.name, npc.rulesetVersion, JSON.stringify(npc.sheetData)],
    );
    await manager.query(`DELETE FROM "npc_versions" WHERE "npc_id" = $1 AND "version" <= $2`, [
      npc.id,
      npc.version - KEPT_VERSIONS,
    ]);
  }

  private async announce(
    manager: EntityManager,
    npc: NpcEntity,
    change: 'created' | 'updated' | 'deleted',
    wasRevealed = npc.revealed,
  ): Promise<void> {
    await this.events.append(manager, npc.groupId, 'npc.changed', {
      npcId: npc.id,
      change,
      revealed: npc.revealed || wasRevealed,
      version: npc.version,
    });
  }

  private async toDto(npc: NpcEntity, forDm: boolean): Promise<NpcDto> {
    const blocks = await this.statBlocks(npc);
    const base: NpcDto = {
      id: npc.id,
      name: npc.name,
      portraitUrl: npc.portraitUrl,
      revealed: npc.revealed,
      statBlocks: forDm ? blocks : blocks.filter((block) => npc.publicStatBlocks.includes(block.id)),
      version: npc.version,
      updatedAt: npc.updatedAt.toISOString(),
    };
    return forDm ? { ...base, sheet: npc.sheetData, key: npc.key, publicStatBlocks: npc.publicStatBlocks } : base;
  }

  /** The ruleset's stat blocks; a failing plugin leaves them out rather than hiding the NPC. */
  private async statBlocks(npc: NpcEntity): Promise<StatBlock[]> {
    if (!this.rulesets.find(npc.rulesetId)) return [];
    try {
      return await this.rulesets.statBlocks(npc.rulesetId, npc.sheetData);
    } catch (error) {
      this.logger.warn(`No stat blocks for NPC ${npc.id}: ${(error as Error).message}`);
      return [];
    }
  }
}

/** Equal JSON values, whatever the order of object keys (PostgreSQL's jsonb reorders them). */
function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
