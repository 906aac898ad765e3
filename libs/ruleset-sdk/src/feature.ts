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

/**
 * Why a feature action was refused; the host maps it to an HTTP problem:
 * `forbidden` → 403, `invalid_input` → 400, `not_found` → 404, `conflict` → 409.
 */
export type FeatureErrorCode = 'forbidden' | 'invalid_input' | 'not_found' | 'conflict';

/** A refused action: returned (not thrown) as `{ error }`; the host then applies no state change. */
export interface FeatureError {
  code: FeatureErrorCode;
  /** Shown to the caller (at most 300 characters are kept). */
  message: string;
}

/**
 * What a handler returns: state changes (null deletes a key) and a reply for the caller, or an `error`
 * that refuses the action (then `state` is ignored). Anything thrown is a plugin failure (HTTP 502).
 */
export interface FeatureResult {
  state?: Record<string, JsonValue | null>;
  reply?: JsonValue;
  error?: FeatureError;
}

/** Builds the result that refuses an action, e.g. `return refuse('forbidden', 'Only the DM may start')`. */
export function refuse(code: FeatureErrorCode, message: string): FeatureResult {
  return { error: { code, message } };
}

/** An action callable by group members (`POST /v1/groups/:id/plugins/:pluginId/actions/:action`). */
export type FeatureAction = (input: JsonValue, context: FeatureContext) => FeatureResult;

/** The server-side half of a feature plugin: pure handlers run by the host in its sandbox. */
export interface FeatureDefinition {
  /** Actions members may call; the handler checks `context.isDm` where only the DM may act. */
  actions: Record<string, FeatureAction>;
  /**
   * Reactions to group events (member removed, character unassigned, ...). The host delivers every logged event
   * of a group except `plugin.state_changed`, in seq order, once the plugin holds state in that group; the
   * context has no `userId` and `isDm` is false. A returned `error` or a throw skips that event.
   */
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
        const value = entropy[index++];
        if (value < limit) return value % maxExclusive;
      }
      throw new Error('Out of entropy: ask the host for more random numbers');
    },
  };
}
