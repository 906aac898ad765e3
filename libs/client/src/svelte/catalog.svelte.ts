import { call, type ClientServices, type Schemas } from './services.js';

export type Ruleset = Schemas['RulesetSummaryDto'];
export type PluginStatus = Schemas['PluginStatusDto'];

/** The installed rulesets and feature plugins, refreshed when the host reloads a plugin. */
export class CatalogState {
  rulesets = $state<Ruleset[]>([]);
  plugins = $state<PluginStatus[]>([]);
  loaded = $state(false);
  readonly #services: ClientServices;
  readonly #unsubscribe: () => void;
  #loading: Promise<void> | null = null;

  constructor(services: ClientServices) {
    this.#services = services;
    this.#unsubscribe = services.onPluginReloaded(() => void this.refresh());
  }

  /** Feature plugins that are loaded and have a panel UI. */
  get features(): PluginStatus[] {
    return this.plugins.filter((plugin) => plugin.kind === 'feature' && plugin.status === 'loaded' && plugin.ui);
  }

  ruleset(id: string): Ruleset | undefined {
    return this.rulesets.find((ruleset) => ruleset.id === id);
  }

  /** Loads once (later calls share the first load); `refresh` reloads. */
  load(): Promise<void> {
    this.#loading ??= this.refresh();
    return this.#loading;
  }

  async refresh(): Promise<void> {
    const api = this.#services.publicApi ?? this.#services.api;
    const [rulesets, plugins] = await Promise.all([call(api.GET('/v1/rulesets')), call(api.GET('/v1/plugins'))]);
    this.rulesets = rulesets;
    this.plugins = plugins;
    this.loaded = true;
  }

  dispose(): void {
    this.#unsubscribe();
  }
}
