/** The host plugin API version; a plugin's `hostApi` semver range must include it. */
export const HOST_API_VERSION = '1.1.0';

/** The parsed `plugin.json` of a plugin folder. */
export interface PluginManifest {
  /** Lowercase id, `[a-z][a-z0-9-]{1,39}`; unique among installed plugins. */
  id: string;
  name: string;
  /** Semver of the plugin; stored with every sheet it writes. */
  version: string;
  kind: 'ruleset' | 'feature';
  /** Semver range of host API versions the plugin supports, e.g. `^1.0.0`. */
  hostApi: string;
  entry: {
    /** Module with the default-exported RulesetDefinition or FeatureDefinition (TypeScript or JavaScript). */
    server: string;
    /** Browser module with the default-exported SheetUiModule or PanelUiModule (may import .svelte files). */
    ui?: string;
  };
  /** Optional JSON Schema (file path) checked before the plugin's own `validate`. */
  schema?: string;
  /** Folder of fixtures (default `fixtures`). */
  fixtures?: string;
  author?: string;
  license?: string;
  description?: string;
}

/**
 * A fixture file in `fixtures/invalid/`: a sheet and the errors it must produce. Each entry is a path that must be
 * reported exactly (`hp.max`, `talents.0.fw`, `""` for the sheet itself), or `{ path, message }` where the reported
 * message must contain `message`. Further errors may be reported.
 */
export interface InvalidSheetFixture {
  sheet: unknown;
  errors: Array<string | { path: string; message?: string }>;
}

/** A fixture file in `fixtures/migrations/`: a sheet of an older version and the sheet it must migrate to. */
export interface MigrationFixture {
  from: string;
  sheet: unknown;
  expected: unknown;
}
