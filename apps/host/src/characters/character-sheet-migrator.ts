import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { Subscription } from 'rxjs';
import type { EntityManager } from 'typeorm';
import { PluginEvents } from '../plugins/plugin-events.js';
import { RulesetCatalog } from '../plugins/ruleset-catalog.js';
import { CharacterEntity } from './character.entity.js';
import { CharactersService } from './characters.service.js';

/** Characters migrated per page (one at a time within it, one pooled connection). */
const PAGE = 100;

/**
 * Eager sheet migration: when a ruleset version is served (at start-up, on a hot reload), every stored sheet
 * of an older version of it is migrated and stored as a new version by its owner, in one logged batch. Until
 * then reads migrate in memory only. Several instances may run the same batch: a sheet someone else already
 * migrated is skipped (its version moved).
 */
@Injectable()
export class CharacterSheetMigrator implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CharacterSheetMigrator.name);
  private subscription: Subscription | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly characters: CharactersService,
    private readonly rulesets: RulesetCatalog,
    private readonly plugins: PluginEvents,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.plugins.events.subscribe((event) => {
      if (event.type === 'plugin.reloaded' && event.payload.kind === 'ruleset' && event.payload.status === 'loaded')
        this.schedule(event.payload.pluginId);
    });
    for (const ruleset of this.rulesets.list()) this.schedule(ruleset.id);
  }

  onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.subscription?.unsubscribe();
    return this.running;
  }

  /** Resolves once every batch scheduled so far has finished. */
  idle(): Promise<void> {
    return this.running;
  }

  /** Batches run one after another. */
  private schedule(rulesetId: string): void {
    this.running = this.running.then(() =>
      this.migrate(rulesetId).then(
        () => undefined,
        (error: Error) => this.logger.warn(`Migrating the sheets of ruleset ${rulesetId} stopped: ${error.message}`),
      ),
    );
  }

  /** Migrates every stored sheet of `rulesetId` that is not at the installed version. */
  async migrate(rulesetId: string): Promise<{ migrated: number; failed: number }> {
    const ruleset = this.rulesets.find(rulesetId);
    const result = { migrated: 0, failed: 0 };
    if (!ruleset) return result;
    const started = Date.now();
    const failedIds: string[] = [];
    for (;;) {
      if (this.stopped) break;
      const page = await this.manager
        .createQueryBuilder(CharacterEntity, 'c')
        .where('c.rulesetId = :rulesetId AND c.rulesetVersion <> :version', { rulesetId, version: ruleset.version })
        .andWhere(failedIds.length > 0 ? 'c.id NOT IN (:...failedIds)' : 'true', { failedIds })
        .orderBy('c.id')
        .take(PAGE)
        .getMany();
      if (page.length === 0) break;
      if (result.migrated + result.failed === 0)
        this.logger.log(`Migrating stored sheets of ${rulesetId} to ${ruleset.version}`);
      for (const character of page) {
        try {
          const stored = await this.characters.migrateStored(character, character.ownerUserId);
          if (stored.rulesetVersion !== ruleset.version) throw new Error(`left at ${stored.rulesetVersion}`);
          result.migrated += 1;
        } catch (error) {
          result.failed += 1;
          failedIds.push(character.id);
          this.logger.warn(
            `Could not migrate character ${character.id} (${rulesetId} ${character.rulesetVersion} → ${ruleset.version}): ${(error as Error).message}`,
          );
        }
      }
    }
    if (result.migrated + result.failed > 0) {
      this.logger.log(
        `Migrated ${result.migrated} stored sheet(s) of ${rulesetId} to ${ruleset.version}` +
          `${result.failed > 0 ? `, ${result.failed} failed (read migrated in memory)` : ''} in ${Date.now() - started} ms`,
      );
    }
    return result;
  }
}
