import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PluginManifest } from '@cm/ruleset-sdk';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { AssetStore, type PluginAsset } from './plugin-assets.js';
import {
  coversUses,
  mergeUses,
  PluginBuildError,
  type PluginBundler,
  type CompiledUi,
  type SharedUses,
  type VendorBuild,
} from './plugin-bundler.js';
import { discoverPluginFolders, PluginLoadError, readManifest, readSchema } from './plugin-discovery.js';
import type { PluginEvents } from './plugin-events.js';
import { runFixtures, type FixtureReport } from './plugin-fixtures.js';
import { runFeatureFixtures } from './feature-fixtures.js';
import { pluginFailure, PluginRuntime, type SandboxPort } from './plugin-runtime.js';
import { type BreakerOptions, CircuitBreaker, DEFAULT_BREAKER } from './circuit-breaker.js';

// ajv-formats is CommonJS with `module.exports = formatsPlugin`; its typings describe an ES default export.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** The methods every ruleset server module must export (optional ones: getName, migrations, importers). */
const RULESET_METHODS = ['defaultSheet', 'validate', 'getStatBlocks', 'getDiceActions', 'resolveRoll', 'getResources'];

/** One plugin version that passed every check and is being served. */
export interface LoadedPlugin {
  folder: string;
  dir: string;
  runtime: PluginRuntime;
  manifest: PluginManifest;
  serverHash: string;
  /** Digest of what the server-side check covered (server bundle, manifest, schema, fixtures). */
  checkDigest: string;
  ui: PluginAsset | undefined;
  fixtures: FixtureReport;
  loadedAt: Date;
  /** The UI asset of the version this one replaced, still served to clients that have not re-imported yet. */
  previousUiFile?: string;
}

/** What `GET /v1/plugins` reports for every discovered plugin folder. */
export interface PluginStatus {
  id: string;
  folder: string;
  name: string | null;
  version: string | null;
  kind: 'ruleset' | 'feature' | null;
  /**
   * `loaded`: a good version is served (see `lastReloadError` for a failed later edit); `failed`: nothing is
   * served; `quarantined`: a version is loaded but its calls fail fast (see `errors`, `quarantinedUntil`).
   */
  status: 'loaded' | 'failed' | 'quarantined';
  /** Why the plugin (or its latest edit) could not be loaded; empty when all is well. */
  errors: string[];
  /** Set when the newest edit failed while the previous good version keeps serving. */
  lastReloadError: string | null;
  fixtures: FixtureReport;
  hostApi: string | null;
  description: string | null;
  author: string | null;
  license: string | null;
  ui: { url: string } | null;
  serverBundleHash: string | null;
  loadedAt: string | null;
  /** When a quarantined plugin is re-loaded (and re-checked) to try again. */
  quarantinedUntil: string | null;
}

/** A plugin's quarantine: how many in a row (sets the back-off), until when, why, and the retry timer. */
interface Quarantine {
  trips: number;
  until: Date;
  reason: string;
  timer: NodeJS.Timeout;
}

const NO_FIXTURES: FixtureReport = { passed: 0, failed: 0, failures: [] };

/**
 * Discovers, builds, checks and serves plugins. Loads run one at a time; a plugin version becomes visible only
 * after its bundles built, its server module loaded in the sandbox and its fixtures passed, in one assignment.
 */
export class PluginRegistry {
  private readonly logger = new Logger(PluginRegistry.name);
  private readonly loaded = new Map<string, LoadedPlugin>();
  private readonly statuses = new Map<string, PluginStatus>();
  private queue: Promise<unknown> = Promise.resolve();
  private generation = 0;
  private vendor: VendorBuild = { assets: [], urls: new Map(), uses: new Map() };
  /** Each served plugin's UI before linking, so a grown vendor can re-point it without rebuilding it. */
  private readonly compiledUis = new Map<string, CompiledUi>();
  /** Quarantined plugins by folder; an entry outlives a retry so that the next quarantine lasts longer. */
  private readonly quarantines = new Map<string, Quarantine>();

  constructor(
    readonly pluginsDir: string,
    private readonly sandbox: SandboxPort,
    private readonly bundler: PluginBundler,
    readonly assets: AssetStore,
    private readonly events: PluginEvents | undefined,
    private readonly breaker: BreakerOptions = DEFAULT_BREAKER,
  ) {}

  /** Builds the shared vendor modules, then loads every plugin folder found. Broken plugins never stop the host. */
  async start(): Promise<void> {
    const started = Date.now();
    const folders = await discoverPluginFolders(this.pluginsDir);
    for (const folder of folders) await this.reload(folder);
    const failed = [...this.statuses.values()].filter((s) => s.status === 'failed').length;
    this.logger.log(
      `Plugins in ${this.pluginsDir}: ${this.loaded.size} loaded, ${failed} failed (${Date.now() - started} ms)`,
    );
  }

  /** The served version of a plugin. */
  get(id: string): LoadedPlugin | undefined {
    return this.loaded.get(id);
  }

  list(): LoadedPlugin[] {
    return [...this.loaded.values()].sort((a, b) => a.manifest.id.localeCompare(b.manifest.id));
  }

  statusList(): PluginStatus[] {
    return [...this.statuses.values()].sort((a, b) => a.folder.localeCompare(b.folder));
  }

  /**
   * (Re)loads one folder because its files changed: removes it when it no longer holds a plugin.json, and ends
   * a quarantine (the author gets a fresh start). Queued behind other loads.
   */
  reload(folder: string): Promise<void> {
    return this.enqueue(() => {
      this.endQuarantine(folder);
      return existsSync(join(this.pluginsDir, folder, 'plugin.json')) ? this.load(folder) : this.unloadFolder(folder);
    });
  }

  /** Unloads every plugin (at shutdown). */
  async clear(): Promise<void> {
    for (const folder of [...this.quarantines.keys()]) this.endQuarantine(folder);
    await this.enqueue(async () => {
      for (const plugin of this.loaded.values())
        await this.sandbox.unload(plugin.runtime.sandboxKey).catch(() => undefined);
      this.loaded.clear();
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Loads the server module in its own sandbox partition, checks its exports and runs its fixtures. */
  private async checkServer(
    folder: string,
    dir: string,
    manifest: PluginManifest,
    schema: ValidateFunction | undefined,
    code: string,
    sandboxKey: string,
  ): Promise<{ runtime: PluginRuntime; fixtures: FixtureReport }> {
    const description = await this.sandbox.load(sandboxKey, code).catch((error: unknown) => {
      throw new PluginLoadError(
        [`server module failed to load: ${pluginFailure(manifest.id, error).message}`],
        manifest,
      );
    });
    checkExports(manifest, description.methods);
    const trips = (this.quarantines.get(folder)?.trips ?? 0) + 1;
    const holder: { runtime?: PluginRuntime } = {};
    const breaker = new CircuitBreaker(manifest.id, this.breaker, trips, (reason, backoffMs) => {
      if (holder.runtime) this.quarantine(folder, holder.runtime, reason, backoffMs, trips);
    });
    const runtime = new PluginRuntime(manifest, sandboxKey, description, this.sandbox, schema, breaker);
    holder.runtime = runtime;
    const fixtures =
      manifest.kind === 'ruleset' ? await runFixtures(dir, runtime) : await runFeatureFixtures(dir, runtime);
    if (fixtures.failed > 0) {
      const total = fixtures.passed + fixtures.failed;
      const details = fixtures.failures.map((f) => `fixture ${f.fixture}: ${f.message}`);
      throw Object.assign(
        new PluginLoadError([`${fixtures.failed} of ${total} fixtures failed`, ...details], manifest),
        {
          fixtures,
        },
      );
    }
    return { runtime, fixtures };
  }

  /** `retry`: a quarantined plugin's second chance, always checked again in full. */
  private async load(folder: string, retry = false): Promise<void> {
    const started = Date.now();
    const dir = join(this.pluginsDir, folder);
    const previous = this.servedBy(folder);
    let sandboxKey: string | undefined;
    try {
      const manifest = await readManifest(dir);
      this.checkDuplicate(folder, manifest);
      const schema = this.compileSchema(manifest, await readSchema(dir, manifest));
      const server = await this.bundler.buildServer(dir, manifest);
      const compiled = manifest.entry.ui ? await this.bundler.compileUi(dir, manifest) : undefined;
      if (compiled) await this.coverInVendor(compiled.uses);
      const ui = compiled ? this.bundler.linkUi(manifest.id, compiled, this.vendor) : undefined;
      const checkDigest = await digestChecked(dir, manifest, server.hash);
      let runtime: PluginRuntime;
      let fixtures: FixtureReport;
      if (!retry && previous && previous.checkDigest === checkDigest && !previous.runtime.quarantined) {
        // Only the UI changed: the server module, schema and fixtures passed already; reuse that runtime.
        ({ runtime, fixtures } = previous);
      } else {
        sandboxKey = `${manifest.id}@${manifest.version}#${++this.generation}`;
        ({ runtime, fixtures } = await this.checkServer(folder, dir, manifest, schema, server.code, sandboxKey));
      }
      this.commit(
        { folder, dir, runtime, manifest, serverHash: server.hash, checkDigest, ui, fixtures, loadedAt: new Date() },
        previous,
      );
      if (compiled) this.compiledUis.set(manifest.id, compiled);
      else this.compiledUis.delete(manifest.id);
      sandboxKey = undefined;
      this.logger.log(
        `[plugin ${manifest.id}] loaded ${manifest.version} from ${folder}/ in ${Date.now() - started} ms (fixtures: ${fixtures.passed} passed)`,
      );
    } catch (error) {
      if (sandboxKey) await this.sandbox.unload(sandboxKey).catch(() => undefined);
      this.recordFailure(folder, error, previous);
    }
  }

  /**
   * Grows the shared vendor when a UI uses runtime names it lacks, then re-points every served UI at it
   * (new hashed URLs: clients re-import them). The old vendor's files stay served for pages still using them.
   */
  private async coverInVendor(uses: SharedUses): Promise<void> {
    if (coversUses(this.vendor.uses, uses)) return;
    const vendor = await this.bundler.buildVendor(mergeUses(this.vendor.uses, uses));
    for (const asset of vendor.assets) this.assets.add(asset);
    this.vendor = vendor;
    for (const plugin of [...this.loaded.values()]) {
      const compiled = this.compiledUis.get(plugin.manifest.id);
      if (compiled) this.relink(plugin, compiled);
    }
  }

  private relink(plugin: LoadedPlugin, compiled: CompiledUi): void {
    const ui = this.bundler.linkUi(plugin.manifest.id, compiled, this.vendor);
    if (ui.file === plugin.ui?.file) return;
    this.assets.add(ui);
    if (plugin.previousUiFile) this.assets.remove(plugin.previousUiFile);
    const next: LoadedPlugin = { ...plugin, ui, previousUiFile: plugin.ui?.file };
    this.loaded.set(plugin.manifest.id, next);
    this.statuses.set(next.folder, statusOf(next));
    this.announce(plugin.manifest, ui.url);
  }

  /** Makes a checked version the served one, in one assignment, then retires the version it replaces. */
  private commit(next: LoadedPlugin, previous: LoadedPlugin | undefined): void {
    const id = next.manifest.id;
    const replaced = this.loaded.get(id) ?? previous;
    if (next.ui) this.assets.add(next.ui);
    next.previousUiFile = replaced?.ui?.file;
    this.loaded.set(id, next);
    if (previous && previous.manifest.id !== id) this.loaded.delete(previous.manifest.id);
    this.statuses.set(next.folder, statusOf(next));
    if (replaced) {
      if (replaced.runtime !== next.runtime)
        void this.sandbox.unload(replaced.runtime.sandboxKey).catch(() => undefined);
      if (replaced.previousUiFile && replaced.previousUiFile !== next.ui?.file)
        this.assets.remove(replaced.previousUiFile);
    }
    this.announce(next.manifest, next.ui?.url ?? null);
  }

  private announce(
    manifest: Partial<PluginManifest>,
    uiUrl: string | null,
    reason?: string,
    status: 'loaded' | 'failed' | 'quarantined' = reason === undefined ? 'loaded' : 'failed',
  ): void {
    const { id: pluginId, version, kind } = manifest;
    // A manifest too broken to name the plugin has no client showing it: nothing to announce.
    if (pluginId === undefined || version === undefined || kind === undefined) return;
    this.events?.pluginReloaded({
      pluginId,
      version,
      kind,
      status,
      uiUrl,
      ...(reason === undefined ? {} : { reason }),
    });
  }

  /**
   * Quarantines the served version whose breaker tripped: its calls fail fast, clients are told, and after the
   * back-off the folder is re-loaded (bundles, sandbox, fixtures) to try again.
   */
  private quarantine(folder: string, runtime: PluginRuntime, reason: string, backoffMs: number, trips: number): void {
    const plugin = this.loaded.get(runtime.id);
    if (plugin?.runtime !== runtime) return;
    clearTimeout(this.quarantines.get(folder)?.timer);
    const until = new Date(Date.now() + backoffMs);
    const timer = setTimeout(() => void this.retryQuarantined(folder), backoffMs);
    timer.unref();
    this.quarantines.set(folder, { trips, until, reason, timer });
    this.statuses.set(folder, quarantinedStatus(plugin, reason, until));
    // Its calls fail fast from now on: its workers (and whatever memory they hold) are given back at once.
    void this.sandbox.unload(runtime.sandboxKey).catch(() => undefined);
    this.logger.warn(
      `[plugin ${runtime.id}] quarantined for ${Math.round(backoffMs / 1000)} s (${trips} in a row): ${reason}`,
    );
    this.announce(plugin.manifest, plugin.ui?.url ?? null, reason, 'quarantined');
  }

  /** The back-off is over: load the folder again; a failure keeps the quarantine, with a longer back-off. */
  private retryQuarantined(folder: string): Promise<void> {
    return this.enqueue(async () => {
      if (!this.quarantines.has(folder)) return;
      await this.load(folder, true);
    });
  }

  private endQuarantine(folder: string): void {
    const quarantine = this.quarantines.get(folder);
    if (!quarantine) return;
    clearTimeout(quarantine.timer);
    this.quarantines.delete(folder);
  }

  private recordFailure(folder: string, error: unknown, served: LoadedPlugin | undefined): void {
    let previous = served;
    if (previous?.runtime.quarantined && !this.quarantines.has(folder)) {
      // An edit of a quarantined plugin failed: the quarantined version (already unloaded) is not served again.
      this.loaded.delete(previous.manifest.id);
      previous = undefined;
    }
    // Statuses and reload events are public: no host paths in them (plugin-relative paths stay).
    const errors = describeFailure(error).map((line) => line.replaceAll(`${this.pluginsDir}/`, ''));
    const manifest = error instanceof PluginLoadError ? error.manifest : undefined;
    const fixtures = (error as { fixtures?: FixtureReport }).fixtures ?? NO_FIXTURES;
    const id = previous?.manifest.id ?? manifest?.id ?? folder;
    // The served version (if any) keeps serving: the event names it, with why the new one failed.
    const announced = previous?.manifest ?? manifest;
    if (announced && !(previous && this.quarantines.has(folder)))
      this.announce(announced, previous?.ui?.url ?? null, errors.join('; '));
    const quarantine = this.quarantines.get(folder);
    if (previous && quarantine) {
      // The retry of a quarantined plugin failed: it stays quarantined, for longer.
      const backoffMs = Math.min(this.breaker.maxQuarantineMs, this.breaker.quarantineMs * 2 ** quarantine.trips);
      this.quarantine(folder, previous.runtime, errors.join('; '), backoffMs, quarantine.trips + 1);
      return;
    }
    if (previous) {
      this.statuses.set(folder, { ...statusOf(previous), errors, lastReloadError: errors.join('; ') });
      this.logger.warn(
        `[plugin ${id}] reload failed, still serving ${previous.manifest.version}: ${errors.join('; ')}`,
      );
      return;
    }
    this.statuses.set(folder, {
      id,
      folder,
      name: manifest?.name ?? null,
      version: manifest?.version ?? null,
      kind: manifest?.kind ?? null,
      status: 'failed',
      errors,
      lastReloadError: null,
      fixtures,
      hostApi: manifest?.hostApi ?? null,
      description: manifest?.description ?? null,
      author: manifest?.author ?? null,
      license: manifest?.license ?? null,
      ui: null,
      serverBundleHash: null,
      loadedAt: null,
      quarantinedUntil: null,
    });
    this.logger.warn(`[plugin ${id}] skipped (folder ${folder}/): ${errors.join('; ')}`);
  }

  private async unloadFolder(folder: string): Promise<void> {
    const previous = this.servedBy(folder);
    this.statuses.delete(folder);
    if (!previous) return;
    this.loaded.delete(previous.manifest.id);
    this.compiledUis.delete(previous.manifest.id);
    await this.sandbox.unload(previous.runtime.sandboxKey).catch(() => undefined);
    for (const file of [previous.ui?.file, previous.previousUiFile]) if (file) this.assets.remove(file);
    this.events?.pluginRemoved(previous.manifest.id);
    this.logger.log(`[plugin ${previous.manifest.id}] unloaded: folder ${folder}/ was removed`);
  }

  private servedBy(folder: string): LoadedPlugin | undefined {
    return [...this.loaded.values()].find((plugin) => plugin.folder === folder);
  }

  private checkDuplicate(folder: string, manifest: PluginManifest): void {
    const owner = this.loaded.get(manifest.id);
    if (owner && owner.folder !== folder) {
      throw new PluginLoadError(
        [`duplicate plugin id "${manifest.id}": already provided by folder ${owner.folder}/`],
        manifest,
      );
    }
  }

  private compileSchema(manifest: PluginManifest, schema: object | undefined): ValidateFunction | undefined {
    if (!schema) return undefined;
    const declared = (schema as { $schema?: unknown }).$schema;
    const draft2020 = typeof declared === 'string' && declared.includes('2020-12');
    const ajv = draft2020
      ? new Ajv2020({ allErrors: true, strict: false })
      : new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    try {
      return ajv.compile(schema);
    } catch (error) {
      throw new PluginLoadError(
        [`${manifest.schema}: not a usable JSON Schema: ${(error as Error).message}`],
        manifest,
      );
    }
  }
}

/** A digest of everything the server-side check depends on; equal digests need no new check. */
async function digestChecked(dir: string, manifest: PluginManifest, serverHash: string): Promise<string> {
  const hash = createHash('sha256').update(serverHash).update(JSON.stringify(manifest));
  if (manifest.schema) hash.update(await readFile(resolve(dir, manifest.schema)).catch(() => Buffer.alloc(0)));
  const root = resolve(dir, manifest.fixtures ?? 'fixtures');
  const files = await readdir(root, { recursive: true }).catch(() => [] as string[]);
  for (const file of files.filter((name) => name.endsWith('.json')).sort()) {
    hash.update(file).update(await readFile(join(root, file)).catch(() => Buffer.alloc(0)));
  }
  return hash.digest('hex');
}

function checkExports(manifest: PluginManifest, methods: string[]): void {
  if (manifest.kind !== 'ruleset') return;
  const missing = RULESET_METHODS.filter((method) => !methods.includes(method));
  if (missing.length > 0) {
    throw new PluginLoadError(
      [`server module: a ruleset must export ${missing.join(', ')} (use defineRuleset from @cm/ruleset-sdk)`],
      manifest,
    );
  }
}

function describeFailure(error: unknown): string[] {
  if (error instanceof PluginLoadError) return error.errors;
  if (error instanceof PluginBuildError) return [error.message];
  return [`unexpected error: ${(error as Error)?.message ?? String(error)}`];
}

function statusOf(plugin: LoadedPlugin): PluginStatus {
  const { manifest } = plugin;
  return {
    id: manifest.id,
    folder: plugin.folder,
    name: manifest.name,
    version: manifest.version,
    kind: manifest.kind,
    status: 'loaded',
    errors: [],
    lastReloadError: null,
    fixtures: plugin.fixtures,
    hostApi: manifest.hostApi,
    description: manifest.description ?? null,
    author: manifest.author ?? null,
    license: manifest.license ?? null,
    ui: plugin.ui ? { url: plugin.ui.url } : null,
    serverBundleHash: plugin.serverHash,
    loadedAt: plugin.loadedAt.toISOString(),
    quarantinedUntil: null,
  };
}

function quarantinedStatus(plugin: LoadedPlugin, reason: string, until: Date): PluginStatus {
  return { ...statusOf(plugin), status: 'quarantined', errors: [reason], quarantinedUntil: until.toISOString() };
}
