import type { FeatureCharacter, FeatureContext, FeatureGroupEvent, JsonValue } from '@cm/ruleset-sdk';
import { Injectable } from '@nestjs/common';
import { webcrypto } from 'node:crypto';
import { notFound } from '../common/domain-error.js';
import { GroupCharacterSheets } from '../dice/group-character-sheets.js';
import type { LoadedPlugin } from '../plugins/plugin-registry.js';
import { PluginsService } from '../plugins/plugins.service.js';
import { checkFeatureResult, type CheckedFeatureResult } from '../plugins/feature-result.js';

/** How many uint32 values of entropy every call gets (`createRandom(context.entropy)` in the plugin). */
export const FEATURE_ENTROPY = 256;

const ACTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * Finds loaded feature plugins in the plugin host's registry and calls their handlers in the sandbox with a
 * FeatureContext built from data only (characters, state, fresh entropy).
 */
@Injectable()
export class FeaturePlugins {
  constructor(
    private readonly plugins: PluginsService,
    private readonly sheets: GroupCharacterSheets,
  ) {}

  /** The served version of a feature plugin; 404 for unknown ids and for rulesets. */
  require(pluginId: string): LoadedPlugin {
    const plugin = this.plugins.registry.get(pluginId);
    if (!plugin || plugin.manifest.kind !== 'feature') throw notFound(`Plugin "${pluginId.slice(0, 60)}"`);
    return plugin;
  }

  /** The plugin and one of its actions; 404 when either is unknown. */
  requireAction(pluginId: string, action: string): LoadedPlugin {
    const plugin = this.require(pluginId);
    if (!ACTION_NAME.test(action) || !plugin.runtime.description.actions.includes(action)) {
      throw notFound(`Action "${action.slice(0, 60)}" of plugin "${pluginId}"`);
    }
    return plugin;
  }

  /** Loaded feature plugins that declare `onGroupEvent`. */
  withGroupEventHandler(): LoadedPlugin[] {
    return this.plugins.registry
      .list()
      .filter((plugin) => plugin.manifest.kind === 'feature' && plugin.runtime.description.hasGroupEventHandler);
  }

  /** The group's characters as a feature sees them (with their ruleset's initiative action). */
  async characters(groupId: string): Promise<FeatureCharacter[]> {
    const characters = await this.sheets.list(groupId);
    return Promise.all(
      characters.map(async (character): Promise<FeatureCharacter> => {
        const action = await this.sheets.initiativeAction(character);
        return {
          id: character.id,
          name: character.name,
          ownerId: character.ownerId,
          rulesetId: character.rulesetId,
          initiative: action ? { label: action.label, diceString: action.diceString } : null,
        };
      }),
    );
  }

  /** Runs `actions.<action>(input, context)`; failures are `plugin_failed` (502). */
  async runAction(
    plugin: LoadedPlugin,
    action: string,
    input: JsonValue,
    context: FeatureContext,
  ): Promise<CheckedFeatureResult> {
    const method = `actions.${action}`;
    return checkFeatureResult(plugin.manifest.id, method, await plugin.runtime.call(method, [input, context]));
  }

  /** Runs `onGroupEvent(event, context)`; failures are `plugin_failed`. */
  async runGroupEvent(
    plugin: LoadedPlugin,
    event: FeatureGroupEvent,
    context: FeatureContext,
  ): Promise<CheckedFeatureResult> {
    return checkFeatureResult(
      plugin.manifest.id,
      'onGroupEvent',
      await plugin.runtime.call('onGroupEvent', [event, context]),
    );
  }
}

/** Fresh uniform uint32 values from the host's cryptographic RNG. */
export function freshEntropy(count = FEATURE_ENTROPY): number[] {
  return Array.from(webcrypto.getRandomValues(new Uint32Array(count)));
}
