import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { resolve } from 'node:path';
import type {
  DiceAction,
  FieldError,
  ImportedCharacter,
  ResolvedOutcome,
  ResourceState,
  RollOptions,
  Sheet,
  StatBlock,
} from '@cm/ruleset-sdk';
import { checkFaces, DiceNotationError, DiceResultsError } from '@cm/dice';
import { APP_CONFIG } from '../config/config.module.js';
import type { ResolvedConfig } from '../config/app-config.js';
import { DomainError, notFound } from '../common/domain-error.js';
import { findHostileInput, readEnvelope } from './character-file.js';
import { DEFAULT_BREAKER } from './circuit-breaker.js';
import { AssetStore } from './plugin-assets.js';
import { PluginBundler } from './plugin-bundler.js';
import { PluginEvents } from './plugin-events.js';
import { PluginRegistry, type LoadedPlugin, type PluginStatus } from './plugin-registry.js';
import { isJsonObject, isListOf } from './plugin-runtime.js';
import { PluginWatcher } from './plugin-watcher.js';
import { RulesetCatalog, type ParsedCharacterFile, type RulesetInfo } from './ruleset-catalog.js';
import { readOutcome, readResources } from './ruleset-results.js';
import { PLUGIN_SANDBOX, type SandboxHandle } from './sandbox-provider.js';

/** A loaded ruleset as the catalog endpoints describe it. */
export interface RulesetSummary extends RulesetInfo {
  author?: string;
  license?: string;
  hostApi: string;
  ui: { url: string } | null;
}

/** The plugin host: loads plugins at start, keeps them current, and runs rulesets for the rest of the host. */
@Injectable()
export class PluginsService extends RulesetCatalog implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(PluginsService.name);
  readonly registry: PluginRegistry;
  private watcher: PluginWatcher | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(PLUGIN_SANDBOX) private readonly sandbox: SandboxHandle,
    readonly events: PluginEvents,
  ) {
    super();
    this.registry = new PluginRegistry(
      resolve(config.pluginsDir),
      sandbox,
      new PluginBundler(),
      new AssetStore(),
      events,
      {
        ...DEFAULT_BREAKER,
        failures: config.pluginLimits.quarantineFailures,
        quarantineMs: config.pluginLimits.quarantineMs,
      },
    );
  }

  async onModuleInit(): Promise<void> {
    await this.sandbox.start();
    await this.registry.start();
    if (this.config.pluginsWatch) {
      this.watcher = new PluginWatcher(this.registry.pluginsDir, (folder) => this.registry.reload(folder));
      await this.watcher.start();
      this.logger.log(`Watching ${this.registry.pluginsDir} for plugin changes`);
    }
  }

  /** Ends open event streams before the HTTP server closes (it waits for open requests). */
  onModuleDestroy(): void {
    this.events.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.watcher?.close();
    await this.registry.clear();
    await this.sandbox.stop();
  }

  /** Every discovered plugin with its status, errors and fixture results. */
  statuses(): PluginStatus[] {
    return this.registry.statusList();
  }

  /** Loaded rulesets with their UI URLs. */
  summaries(kind: 'ruleset' | 'feature' = 'ruleset'): RulesetSummary[] {
    return this.registry
      .list()
      .filter((plugin) => plugin.manifest.kind === kind)
      .map(summaryOf);
  }

  summary(rulesetId: string): RulesetSummary {
    return summaryOf(this.ruleset(rulesetId));
  }

  find(rulesetId: string): RulesetInfo | undefined {
    const plugin = this.registry.get(rulesetId);
    return plugin?.manifest.kind === 'ruleset' ? infoOf(plugin) : undefined;
  }

  list(): RulesetInfo[] {
    return this.registry
      .list()
      .filter((p) => p.manifest.kind === 'ruleset')
      .map(infoOf);
  }

  async defaultSheet(rulesetId: string): Promise<Sheet> {
    return this.ruleset(rulesetId).runtime.callChecked<Sheet>('defaultSheet', [], isJsonObject, 'a sheet object');
  }

  async validate(rulesetId: string, sheet: unknown): Promise<FieldError[]> {
    return this.ruleset(rulesetId).runtime.validate(sheet);
  }

  /** Validates first: derived values of an invalid sheet are meaningless (422 with the field errors). */
  async statBlocks(rulesetId: string, sheet: Sheet): Promise<StatBlock[]> {
    const plugin = await this.validSheet(rulesetId, sheet);
    return plugin.runtime.callChecked<StatBlock[]>(
      'getStatBlocks',
      [sheet],
      (v) => isListOf(v, ['id', 'label', 'stats']),
      'a list of stat blocks',
    );
  }

  async diceActions(rulesetId: string, sheet: Sheet): Promise<DiceAction[]> {
    const plugin = await this.validSheet(rulesetId, sheet);
    return plugin.runtime.callChecked<DiceAction[]>(
      'getDiceActions',
      [sheet],
      (v) => isListOf(v, ['id', 'label', 'diceString', 'category']),
      'a list of dice actions',
    );
  }

  async resolveRoll(
    rulesetId: string,
    sheet: Sheet,
    actionId: string,
    faces: number[],
    options?: RollOptions,
  ): Promise<ResolvedOutcome> {
    const actions = await this.diceActions(rulesetId, sheet);
    const action = actions.find((candidate) => candidate.id === actionId);
    if (!action) throw unknownAction(actionId, actions);
    return this.resolveAction(rulesetId, sheet, action, faces, options);
  }

  async resolveAction(
    rulesetId: string,
    sheet: Sheet,
    action: DiceAction,
    faces: number[],
    options?: RollOptions,
  ): Promise<ResolvedOutcome> {
    const plugin = this.ruleset(rulesetId);
    facesFit(plugin.manifest.id, action, faces);
    const given = definedOptions(options);
    const args: unknown[] = given ? [sheet, action.id, faces, given] : [sheet, action.id, faces];
    const raw = await plugin.runtime.callChecked<unknown>('resolveRoll', args, () => true, 'a roll outcome');
    return readOutcome(plugin.manifest.id, raw);
  }

  async resources(rulesetId: string, sheet: Sheet): Promise<ResourceState[]> {
    const plugin = this.ruleset(rulesetId);
    const raw = await plugin.runtime.callChecked<unknown>('getResources', [sheet], () => true, 'a list of resources');
    return readResources(plugin.manifest.id, raw);
  }

  /** The resources of a valid sheet (422 with the field errors when invalid). */
  async sheetResources(rulesetId: string, sheet: Sheet): Promise<ResourceState[]> {
    await this.validSheet(rulesetId, sheet);
    return this.resources(rulesetId, sheet);
  }

  async migrate(rulesetId: string, sheet: Sheet, fromVersion: string): Promise<Sheet> {
    return this.ruleset(rulesetId).runtime.migrate(sheet, fromVersion);
  }

  async parseCharacterFile(document: unknown): Promise<ParsedCharacterFile> {
    const { envelope, errors } = readEnvelope(document);
    if (!envelope) throw invalidFile(errors);
    const plugin = this.registry.get(envelope.rulesetId);
    if (!plugin || plugin.manifest.kind !== 'ruleset') {
      throw invalidFile([{ path: 'ruleset_id', message: `ruleset "${envelope.rulesetId}" is not installed` }]);
    }
    const installed = plugin.manifest.version;
    const fromVersion = envelope.rulesetVersion ?? installed;
    const warnings: string[] = [];
    let sheet = envelope.sheet as Sheet;
    try {
      sheet = await plugin.runtime.migrate(sheet, fromVersion);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'validation_failed')
        throw invalidFile(error.extras.errors ?? []);
      throw error;
    }
    if (fromVersion !== installed)
      warnings.push(`migrated the sheet from ${plugin.manifest.id} ${fromVersion} to ${installed}`);
    const sheetErrors = await plugin.runtime.validate(sheet);
    if (sheetErrors.length > 0)
      throw invalidFile(
        sheetErrors.map((e) => ({ path: e.path ? `sheet_data.${e.path}` : 'sheet_data', message: e.message })),
      );
    return { rulesetId: plugin.manifest.id, rulesetVersion: installed, name: envelope.name, sheet, warnings };
  }

  async importForeign(
    data: unknown,
    rulesetId?: string,
  ): Promise<ImportedCharacter & { rulesetId: string; rulesetVersion: string }> {
    const hostile = findHostileInput(data);
    if (hostile.length > 0) throw invalidFile(hostile);
    // Without a named ruleset, a quarantined one is skipped: it must not make every import fail.
    const candidates = rulesetId
      ? [this.ruleset(rulesetId)]
      : this.registry.list().filter((p) => p.manifest.kind === 'ruleset' && !p.runtime.quarantined);
    for (const plugin of candidates) {
      for (const [index] of plugin.runtime.description.importers.entries()) {
        if ((await plugin.runtime.call(`importers.${index}.accepts`, [data])) !== true) continue;
        const imported = await plugin.runtime.callChecked<ImportedCharacter>(
          `importers.${index}.import`,
          [data],
          (v) => isJsonObject(v) && typeof v.name === 'string' && isJsonObject(v.sheet),
          '{ name, sheet, warnings? }',
        );
        const errors = await plugin.runtime.validate(imported.sheet);
        if (errors.length > 0)
          throw invalidFile(errors.map((e) => ({ path: e.path ? `sheet.${e.path}` : 'sheet', message: e.message })));
        const warnings = Array.isArray(imported.warnings)
          ? imported.warnings.filter((w): w is string => typeof w === 'string')
          : [];
        return {
          name: imported.name,
          sheet: imported.sheet,
          warnings,
          rulesetId: plugin.manifest.id,
          rulesetVersion: plugin.manifest.version,
        };
      }
    }
    const where = rulesetId ? `ruleset "${rulesetId}"` : 'any installed ruleset';
    throw invalidFile([{ path: '', message: `no importer of ${where} recognises this file` }]);
  }

  private ruleset(rulesetId: string): LoadedPlugin {
    const plugin = this.registry.get(rulesetId);
    if (!plugin || plugin.manifest.kind !== 'ruleset') throw notFound(`Ruleset "${rulesetId}"`);
    return plugin;
  }

  private async validSheet(rulesetId: string, sheet: Sheet): Promise<LoadedPlugin> {
    const plugin = this.ruleset(rulesetId);
    const errors = await plugin.runtime.validate(sheet);
    if (errors.length > 0) throw new DomainError('validation_failed', 'The sheet is invalid', { errors });
    return plugin;
  }
}

/** An actionId the sheet does not offer: the caller's error, never the plugin's. */
function unknownAction(actionId: string, actions: DiceAction[]): DomainError {
  const known =
    actions.length === 0
      ? 'none'
      : actions
          .slice(0, 5)
          .map((a) => a.id)
          .join(', ') + (actions.length > 5 ? ', …' : '');
  const message = `the sheet has no dice action "${actionId.slice(0, 80)}" (it has: ${known})`;
  return new DomainError('bad_request', `Unknown dice action "${actionId.slice(0, 80)}"`, {
    errors: [{ path: 'actionId', message }],
  });
}

/** Faces must fit the action's dice string before any ruleset reads them (400 otherwise). */
function facesFit(pluginId: string, action: DiceAction, faces: number[]): void {
  try {
    checkFaces(action.diceString, faces);
  } catch (error) {
    if (error instanceof DiceResultsError) {
      throw new DomainError('bad_request', `The faces do not fit the dice action "${action.id.slice(0, 80)}"`, {
        errors: [{ path: error.path, message: error.message.slice(error.path.length + 2) }],
      });
    }
    if (error instanceof DiceNotationError) {
      throw new DomainError(
        'plugin_failed',
        `Plugin "${pluginId}" failed: bad_result: dice action "${action.id.slice(0, 80)}" has an invalid dice string: ${error.message}`,
        { pluginId, failure: 'bad_result' },
      );
    }
    throw error;
  }
}

/** The options with only their set fields, or undefined when none is set (rulesets then get no options argument). */
function definedOptions(options: RollOptions | undefined): RollOptions | undefined {
  if (!options) return undefined;
  const given: RollOptions = {};
  if (options.modifier !== undefined) given.modifier = options.modifier;
  if (options.target !== undefined) given.target = options.target;
  return Object.keys(given).length === 0 ? undefined : given;
}

function invalidFile(errors: FieldError[]): DomainError {
  return new DomainError('validation_failed', 'The character file is invalid', { errors });
}

function infoOf(plugin: LoadedPlugin): RulesetInfo {
  const { id, name, version, description } = plugin.manifest;
  return description === undefined ? { id, name, version } : { id, name, version, description };
}

function summaryOf(plugin: LoadedPlugin): RulesetSummary {
  const { author, license, hostApi } = plugin.manifest;
  return { ...infoOf(plugin), author, license, hostApi, ui: plugin.ui ? { url: plugin.ui.url } : null };
}
