import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { DomainError, type FieldError } from '../common/domain-error.js';
import { GroupEntity } from '../groups/group.entity.js';
import { GroupsService } from '../groups/groups.service.js';
import { NpcsService } from '../npcs/npcs.service.js';
import { RulesetCatalog } from '../plugins/ruleset-catalog.js';
import { CampaignFileInvalid, parseCampaignFile, type CampaignFile, type CampaignFileError } from './campaign-file.js';
import { CampaignImportEntity } from './campaign-import.entity.js';

export type Change = 'create' | 'update' | 'unchanged';

/** What an import did (or, in a dry run, would do). */
export interface ImportReport {
  dryRun: boolean;
  groupId: string;
  name: string;
  campaign: Change;
  npcs: Array<{ key: string; name: string; change: Change }>;
}

/** Thrown inside a dry run's transaction to roll it back with the report of what it did. */
class DryRunRollback extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

/**
 * Imports a campaign YAML file for its DM, the same from the CLI and from Discord: the file is parsed and every
 * NPC sheet validated by the ruleset first (errors name their line), then the group and its NPCs are written in
 * ONE transaction through GroupsService and NpcsService, so the group events go out with the commit. The file's
 * `key` (per DM) and each NPC's `key` make a re-import update instead of duplicate. A dry run does the same
 * work and rolls it back, so its report is exactly what a real import would do.
 */
@Injectable()
export class CampaignImportService {
  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly groups: GroupsService,
    private readonly npcs: NpcsService,
    private readonly rulesets: RulesetCatalog,
  ) {}

  async import(dmUserId: string, text: string, options: { dryRun?: boolean } = {}): Promise<ImportReport> {
    const file = await this.check(text);
    const dryRun = options.dryRun ?? false;
    try {
      return await this.manager.transaction(async (manager) => {
        const report = await this.write(manager, dmUserId, file, dryRun);
        if (dryRun) throw new DryRunRollback(report);
        return report;
      });
    } catch (error) {
      if (error instanceof DryRunRollback) return error.report;
      throw error;
    }
  }

  /** Parses the file and validates every sheet with the ruleset; all problems at once, each with its line. */
  private async check(text: string): Promise<CampaignFile> {
    let file: CampaignFile;
    try {
      file = parseCampaignFile(text);
    } catch (error) {
      if (error instanceof CampaignFileInvalid) throw invalid(error.errors);
      throw error;
    }
    if (!this.rulesets.find(file.rulesetId))
      throw invalid([
        { line: file.lineOf(['ruleset']), path: 'ruleset', message: `no ruleset "${file.rulesetId}" is installed` },
      ]);
    const errors: CampaignFileError[] = [];
    for (const [index, npc] of file.npcs.entries()) {
      if (npc.sheet === undefined) continue;
      for (const error of await this.rulesets.validate(file.rulesetId, npc.sheet)) {
        const path = ['npcs', index, 'sheet', ...(error.path ? error.path.split('.') : [])];
        errors.push({ line: file.lineOf(path), path: path.join('.'), message: error.message });
      }
    }
    if (errors.length > 0) throw invalid(errors);
    return file;
  }

  private async write(
    manager: EntityManager,
    dmUserId: string,
    file: CampaignFile,
    dryRun: boolean,
  ): Promise<ImportReport> {
    const known = await manager.findOneBy(CampaignImportEntity, { dmUserId, key: file.key });
    let campaign: Change = 'create';
    let groupId: string;
    if (known) {
      const before = await this.groups.get(dmUserId, known.groupId);
      if (before.rulesetId !== file.rulesetId)
        throw invalid([
          { line: file.lineOf(['ruleset']), path: 'ruleset', message: `the campaign plays ${before.rulesetId}` },
        ]);
      const after = await this.groups.updateIn(manager, dmUserId, known.groupId, {
        name: file.name,
        description: file.description,
      });
      campaign = after.updatedAt === before.updatedAt && after.eventSeq === before.eventSeq ? 'unchanged' : 'update';
      groupId = known.groupId;
    } else {
      const created = await this.groups.createIn(manager, dmUserId, {
        name: file.name,
        rulesetId: file.rulesetId,
        description: file.description,
      });
      groupId = created.id;
      await manager.insert(CampaignImportEntity, { dmUserId, key: file.key, groupId });
    }
    const group = await manager.findOneByOrFail(GroupEntity, { id: groupId });
    const npcs: ImportReport['npcs'] = [];
    for (const npc of file.npcs) {
      const existing = await this.npcs.findByKey(manager, groupId, npc.key);
      const fields = {
        name: npc.name,
        revealed: npc.revealed,
        portraitUrl: npc.portraitUrl,
        publicStatBlocks: npc.publicStatBlocks,
      };
      if (!existing) {
        await this.npcs.createIn(manager, group, {
          ...fields,
          key: npc.key,
          ...(npc.sheet ? { sheet: npc.sheet } : {}),
        });
        npcs.push({ key: npc.key, name: npc.name, change: 'create' });
        continue;
      }
      const versionBefore = existing.version;
      const updated = await this.npcs.updateIn(manager, existing, {
        ...fields,
        ...(npc.sheet ? { sheet: npc.sheet } : {}),
      });
      npcs.push({
        key: npc.key,
        name: npc.name,
        change: updated.version === versionBefore ? 'unchanged' : 'update',
      });
    }
    return { dryRun, groupId, name: file.name, campaign, npcs };
  }
}

function invalid(errors: CampaignFileError[]): DomainError {
  const fieldErrors: FieldError[] = errors.map((error) => ({
    path: error.path,
    message: error.line > 0 ? `line ${error.line}: ${error.message}` : error.message,
  }));
  return new DomainError('validation_failed', 'The campaign file is invalid', { errors: fieldErrors });
}
