import type { FieldError, PluginManifest, Sheet } from '@cm/ruleset-sdk';
import type { ErrorObject, ValidateFunction } from 'ajv';
import semver from 'semver';
import { DomainError } from '../common/domain-error.js';
import type { PluginHealth } from './circuit-breaker.js';
import { refusalFrom } from './ruleset-results.js';

/** What the sandbox reports about a loaded server module. */
export interface SandboxPluginDescription {
  methods: string[];
  migrations: Array<{ from: string; to: string }>;
  importers: Array<{ id: string; label: string }>;
  actions: string[];
  hasGroupEventHandler: boolean;
}

/** The part of the sandbox (sandbox/plugin-sandbox.ts) the plugin host uses. */
export interface SandboxPort {
  start(): Promise<void>;
  load(pluginId: string, code: string): Promise<SandboxPluginDescription>;
  unload(pluginId: string): Promise<void>;
  call(pluginId: string, method: string, args: unknown[]): Promise<unknown>;
  stop(): Promise<void>;
}

const MAX_PLUGIN_MESSAGE = 300;

/** The failure kind of a sandbox PluginCallError (`crashed` for anything else). */
export function failureOf(error: unknown): string {
  return typeof (error as { failure?: unknown })?.failure === 'string'
    ? (error as { failure: string }).failure
    : 'crashed';
}

/**
 * Turns a sandbox PluginCallError (or anything else thrown by a call) into a domain error: `plugin_busy` (503)
 * when the plugin's queue was full, `plugin_failed` (502) otherwise. Only the first line of the message is kept
 * (no stack, no sandbox paths).
 */
export function pluginFailure(pluginId: string, error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const failure = failureOf(error);
  const raw = error instanceof Error ? error.message : String(error);
  // The sandbox names its internal key (`id@version#generation`): say which method failed instead.
  const message = raw
    .split('\n')[0]
    .replace(/^Plugin "[^"]*" (\S+) failed \([a-z_]+\): /, '$1: ')
    .slice(0, MAX_PLUGIN_MESSAGE);
  if (failure === 'overloaded')
    return new DomainError('plugin_busy', `Plugin "${pluginId}" is busy: ${message}`, {
      pluginId,
      failure,
      retryAfterSeconds: 1,
    });
  return new DomainError('plugin_failed', `Plugin "${pluginId}" failed: ${failure}: ${message}`, { pluginId, failure });
}

/** Converts Ajv's errors to field errors with dotted paths (`/a/b/0` → `a.b.0`). */
export function ajvToFieldErrors(errors: ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((error) => {
    const segments = error.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
    const params = error.params as { missingProperty?: string; additionalProperty?: string };
    if (error.keyword === 'required' && params.missingProperty) segments.push(params.missingProperty);
    if (error.keyword === 'additionalProperties' && params.additionalProperty) {
      segments.push(params.additionalProperty);
      return { path: segments.join('.'), message: 'is not an allowed field' };
    }
    return {
      path: segments.join('.'),
      message: error.keyword === 'required' ? 'is required' : (error.message ?? 'is invalid'),
    };
  });
}

/**
 * One loaded version of a plugin: its manifest, its sandbox key and schema. All calls into plugin code go
 * through here so failures become `plugin_failed` errors and results are shape-checked.
 */
export class PluginRuntime {
  constructor(
    readonly manifest: PluginManifest,
    readonly sandboxKey: string,
    readonly description: SandboxPluginDescription,
    private readonly sandbox: SandboxPort,
    private readonly schema: ValidateFunction | undefined,
    /** The plugin's circuit breaker (absent in tools that run a plugin once, like plugin:check's callers). */
    private readonly health?: PluginHealth,
  ) {}

  get id(): string {
    return this.manifest.id;
  }

  /** Whether its circuit breaker refuses calls (see circuit-breaker.ts). */
  get quarantined(): boolean {
    return this.health?.quarantined ?? false;
  }

  /**
   * Calls a plugin method in the sandbox; any failure is a `plugin_failed` (or `plugin_busy`) domain error, and
   * a quarantined plugin fails at once with `plugin_quarantined`.
   */
  async call(method: string, args: unknown[]): Promise<unknown> {
    this.health?.admit();
    try {
      return await this.sandbox.call(this.sandboxKey, method, args);
    } catch (error) {
      // Quarantined while the call waited: its workers were stopped, and the quarantine is the reason.
      if (failureOf(error) === 'not_loaded') this.health?.admit();
      const failure = pluginFailure(this.id, error);
      this.health?.failed(failureOf(error), failure.message.replace(/^Plugin "[^"]*" (failed|is busy): /, ''));
      throw failure;
    }
  }

  /**
   * Calls a method and checks its result with `check`; a wrong shape is a `plugin_failed` (bad_result) error, a
   * refusal the ruleset returned (SDK `refusal(...)`) is a 422 `ruleset_refused`.
   */
  async callChecked<T>(method: string, args: unknown[], check: (value: unknown) => boolean, what: string): Promise<T> {
    const value = await this.call(method, args);
    const refused = refusalFrom(this.id, method, value);
    if (refused) throw refused;
    if (!check(value)) {
      throw new DomainError('plugin_failed', `Plugin "${this.id}" failed: bad_result: ${method} must return ${what}`, {
        pluginId: this.id,
        failure: 'bad_result',
      });
    }
    return value as T;
  }

  /** JSON Schema (when the manifest has one) and the plugin's own `validate`, errors of both; [] when valid. */
  async validate(sheet: unknown): Promise<FieldError[]> {
    if (typeof sheet !== 'object' || sheet === null || Array.isArray(sheet))
      return [{ path: '', message: 'the sheet must be a JSON object' }];
    if (!this.schema || this.schema(sheet))
      return this.callChecked<FieldError[]>('validate', [sheet], isFieldErrorList, 'a list of { path, message }');
    // The schema failed: the plugin's rules still add what only they can say, but a plugin that cannot cope
    // with a sheet of the wrong shape does not turn a 422 into a 502 — the schema's errors stand alone then.
    const schemaErrors = ajvToFieldErrors(this.schema.errors);
    const own = await this.call('validate', [sheet]).catch(() => []);
    const seen = new Set(schemaErrors.map((e) => `${e.path}\n${e.message}`));
    const extra = isFieldErrorList(own) ? own.filter((e) => !seen.has(`${e.path}\n${e.message}`)) : [];
    return [...schemaErrors, ...extra];
  }

  /** Applies the plugin's migrations to a sheet written by `fromVersion`, up to the installed version. */
  async migrate(sheet: Sheet, fromVersion: string): Promise<Sheet> {
    const steps = migrationPlan(this.id, this.description.migrations, fromVersion, this.manifest.version);
    let current = sheet;
    for (const index of steps) {
      current = await this.callChecked<Sheet>(`migrations.${index}.migrate`, [current], isJsonObject, 'a sheet object');
    }
    return current;
  }
}

/**
 * The indices of the migration steps that turn a sheet of `fromVersion` into one of `installed`, in order.
 * A step applies when its `to` is newer than the sheet's version; versions between steps share a shape.
 * Throws `validation_failed` for data newer than the plugin, malformed versions, or versions older than every step.
 */
export function migrationPlan(
  pluginId: string,
  migrations: Array<{ from: string; to: string }>,
  fromVersion: string,
  installed: string,
): number[] {
  const fail = (message: string): DomainError =>
    new DomainError('validation_failed', message, { errors: [{ path: 'ruleset_version', message }] });
  if (!semver.valid(fromVersion)) throw fail(`"${fromVersion}" is not a semver version`);
  if (semver.gt(fromVersion, installed)) {
    throw fail(
      `the sheet was written by ${pluginId} ${fromVersion}, newer than the installed ${installed}; update the plugin first`,
    );
  }
  if (semver.eq(fromVersion, installed)) return [];
  const ordered = migrations
    .map((step, index) => ({ ...step, index }))
    .filter(
      (step) =>
        semver.valid(step.from) &&
        semver.valid(step.to) &&
        semver.gt(step.to, fromVersion) &&
        semver.lte(step.to, installed),
    )
    .sort((a, b) => semver.compare(a.to, b.to));
  const oldest = migrations.filter((step) => semver.valid(step.from)).sort((a, b) => semver.compare(a.from, b.from))[0];
  if (oldest && semver.lt(fromVersion, oldest.from)) {
    throw fail(
      `${pluginId} has no migration path from ${fromVersion} to ${installed} (its oldest migration starts at ${oldest.from})`,
    );
  }
  return ordered.map((step) => step.index);
}

export function isJsonObject(value: unknown): value is Sheet {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isFieldErrorList(value: unknown): value is FieldError[] {
  return (
    Array.isArray(value) &&
    value.every((e) => isJsonObject(e) && typeof e.path === 'string' && typeof e.message === 'string')
  );
}

export function isListOf(value: unknown, keys: string[]): boolean {
  return Array.isArray(value) && value.every((e) => isJsonObject(e) && keys.every((key) => key in e));
}
