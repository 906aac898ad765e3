import type { FeatureContext, JsonValue } from '@cm/ruleset-sdk';
import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { GroupAccessService } from '../groups/group-access.service.js';
import { FeaturePlugins, freshEntropy } from './feature-plugins.js';
import { FEATURE_LIMITS, refusal } from '../plugins/feature-result.js';
import { FeatureStateStore } from './feature-state.store.js';

/** The answer of an action: the plugin's reply and its whole state afterwards. */
export interface FeatureActionOutcome {
  reply: JsonValue;
  state: Record<string, JsonValue>;
}

/**
 * Feature plugins in a group (SPEC §7): members read a plugin's state and call its actions. An action runs in
 * the sandbox under the (plugin, group) lock; its state changes and their `plugin.state_changed` events commit
 * together, or nothing does (a refusal, a plugin failure).
 */
@Injectable()
export class FeaturesService {
  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly access: GroupAccessService,
    private readonly features: FeaturePlugins,
    private readonly store: FeatureStateStore,
  ) {}

  async state(userId: string, groupId: string, pluginId: string): Promise<Record<string, JsonValue>> {
    await this.access.requireMember(userId, groupId);
    this.features.require(pluginId);
    return this.store.read(this.manager, pluginId, groupId);
  }

  async act(
    userId: string,
    groupId: string,
    pluginId: string,
    action: string,
    input: JsonValue,
  ): Promise<FeatureActionOutcome> {
    await this.access.requireMember(userId, groupId);
    const plugin = this.features.requireAction(pluginId, action);
    if (JSON.stringify(input).length > FEATURE_LIMITS.maxInputChars) {
      throw new DomainError(
        'payload_too_large',
        `The action input exceeds ${FEATURE_LIMITS.maxInputChars} characters of JSON`,
      );
    }
    // Characters need sandbox calls (their rulesets' dice actions): read them before taking the lock.
    const characters = await this.features.characters(groupId);
    return this.manager.transaction(async (manager) => {
      const { role } = await this.access.requireMember(userId, groupId, manager);
      await this.store.lock(manager, pluginId, groupId);
      const current = await this.store.read(manager, pluginId, groupId);
      const context: FeatureContext = {
        groupId,
        userId,
        isDm: role === 'dm',
        state: current,
        characters,
        entropy: freshEntropy(),
      };
      const result = await this.features.runAction(plugin, action, input, context);
      if (result.error) throw refusal(result.error);
      const { state, lastSeq } = await this.store.apply(manager, pluginId, groupId, current, result.changes, userId);
      if (lastSeq !== undefined && plugin.runtime.description.hasGroupEventHandler) {
        await this.store.subscribeToEvents(manager, pluginId, groupId, lastSeq);
      }
      return { reply: result.reply, state };
    });
  }
}
