import type { JsonValue } from './json.js';

/** A character of the group as a feature plugin sees it. */
export interface FeatureCharacter {
  id: string;
  name: string;
  ownerId: string;
  rulesetId: string;
  /** The ruleset's dice action of category `initiative`, if it has one. */
  initiative: { label: string; diceString: string } | null;
}

/** Everything a feature handler gets: data only, no host internals. */
export interface FeatureContext {
  groupId: string;
  /** The user who caused the call (absent for host-generated group events). */
  userId?: string;
  isDm: boolean;
  /** This plugin's stored state in this group (key → JSON). */
  state: Record<string, JsonValue>;
  characters: FeatureCharacter[];
  /** Uniform random integers from the host's cryptographic RNG, for `createRandom`. */
  entropy: number[];
}

/** A group event delivered to feature handlers (the realtime event type and its payload). */
export interface FeatureGroupEvent {
  type: string;
  payload: JsonValue;
}

/** What a handler returns: state changes (null deletes a key) and a reply for the caller. */
export interface FeatureResult {
  state?: Record<string, JsonValue | null>;
  reply?: JsonValue;
}

/** An action callable by group members (`POST /v1/groups/:id/plugins/:pluginId/actions/:action`). */
export type FeatureAction = (input: JsonValue, context: FeatureContext) => FeatureResult;

/** The server-side half of a feature plugin: pure handlers run by the host in its sandbox. */
export interface FeatureDefinition {
  /** Actions members may call; the handler checks `context.isDm` where only the DM may act. */
  actions: Record<string, FeatureAction>;
  /** Reactions to group events (member removed, character unassigned, ...). */
  onGroupEvent?(event: FeatureGroupEvent, context: FeatureContext): FeatureResult;
}

/** Declares a feature plugin's server module (the default export of the manifest's `entry.server`). */
export function defineFeature(definition: FeatureDefinition): FeatureDefinition {
  return definition;
}

/** A random source over host-provided entropy: `int(n)` gives 0..n-1; throws when the entropy runs out. */
export function createRandom(entropy: number[]): { int(maxExclusive: number): number } {
  let index = 0;
  return {
    int(maxExclusive: number): number {
      const limit = Math.floor(0x1_0000_0000 / maxExclusive) * maxExclusive;
      while (index < entropy.length) {
        const value = entropy[index++]!;
        if (value < limit) return value % maxExclusive;
      }
      throw new Error('Out of entropy: ask the host for more random numbers');
    },
  };
}
