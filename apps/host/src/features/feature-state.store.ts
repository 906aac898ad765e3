import type { JsonValue } from '@cm/ruleset-sdk';
import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { GroupEventLog } from '../events/group-event-log.js';
import { FEATURE_LIMITS } from '../plugins/feature-result.js';

/**
 * The host's storage for feature plugins: `plugin_state` (plugin, group, key) → JSON. Writers serialise per
 * (plugin, group) with a transaction-level advisory lock, so an action or an event handler always runs on the
 * state the previous one committed. Every changed key is announced as `plugin.state_changed` in the same
 * transaction.
 */
@Injectable()
export class FeatureStateStore {
  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly events: GroupEventLog,
  ) {}

  /** Takes the (plugin, group) write lock until the transaction ends. Call first in the writing transaction. */
  async lock(manager: EntityManager, pluginId: string, groupId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`, [`plugin:${pluginId}`, groupId]);
  }

  /** The plugin's state in the group (key → value). */
  async read(manager: EntityManager, pluginId: string, groupId: string): Promise<Record<string, JsonValue>> {
    const rows: Array<{ key: string; value: JsonValue }> = await manager.query(
      `SELECT "key", "value" FROM "plugin_state" WHERE "plugin_id" = $1 AND "group_id" = $2 ORDER BY "key"`,
      [pluginId, groupId],
    );
    const state: Record<string, JsonValue> = {};
    for (const row of rows) state[row.key] = row.value;
    return state;
  }

  /**
   * Writes the keys that really changed (null deletes), appends one `plugin.state_changed` per changed key and
   * returns the new state. Call under `lock`, with `current` read under it.
   */
  async apply(
    manager: EntityManager,
    pluginId: string,
    groupId: string,
    current: Record<string, JsonValue>,
    changes: Map<string, JsonValue | null>,
    changedBy: string | null,
  ): Promise<{ state: Record<string, JsonValue>; lastSeq: number | undefined }> {
    const state = { ...current };
    const changed: Array<[string, JsonValue | null]> = [];
    for (const [key, value] of changes) {
      if (value === null ? !Object.hasOwn(state, key) : sameJson(state[key], value)) continue;
      if (value === null) delete state[key];
      else state[key] = value;
      changed.push([key, value]);
    }
    if (Object.keys(state).length > FEATURE_LIMITS.maxKeys) {
      throw new DomainError(
        'plugin_failed',
        `Plugin "${pluginId}" failed: bad_result: more than ${FEATURE_LIMITS.maxKeys} state keys in one group`,
        {
          pluginId,
          failure: 'bad_result',
        },
      );
    }
    let lastSeq: number | undefined;
    for (const [key, value] of changed) {
      if (value === null) {
        await manager.query(`DELETE FROM "plugin_state" WHERE "plugin_id" = $1 AND "group_id" = $2 AND "key" = $3`, [
          pluginId,
          groupId,
          key,
        ]);
      } else {
        await manager.query(
          `INSERT INTO "plugin_state" ("plugin_id", "group_id", "key", "value", "updated_at") VALUES ($1, $2, $3, $4::jsonb, now())
           ON CONFLICT ("plugin_id", "group_id", "key") DO UPDATE SET "value" = EXCLUDED."value", "updated_at" = now()`,
          [pluginId, groupId, key, JSON.stringify(value)],
        );
      }
      lastSeq = await this.events.append(manager, groupId, 'plugin.state_changed', { pluginId, key, value, changedBy });
    }
    return { state, lastSeq };
  }

  /** Groups in which the plugin holds state. */
  async groupIdsWithState(pluginId: string, manager: EntityManager = this.manager): Promise<string[]> {
    const rows: Array<{ group_id: string }> = await manager.query(
      `SELECT DISTINCT "group_id" FROM "plugin_state" WHERE "plugin_id" = $1`,
      [pluginId],
    );
    return rows.map((row) => row.group_id);
  }

  /**
   * Starts delivering this group's events to the plugin's `onGroupEvent` after `seq` (no-op when it already
   * receives them). Called when a plugin first stores state in a group.
   */
  async subscribeToEvents(manager: EntityManager, pluginId: string, groupId: string, seq: number): Promise<void> {
    await manager.query(
      `INSERT INTO "plugin_event_cursors" ("plugin_id", "group_id", "last_seq") VALUES ($1, $2, $3) ON CONFLICT ("plugin_id", "group_id") DO NOTHING`,
      [pluginId, groupId, seq],
    );
  }
}

function sameJson(a: JsonValue | undefined, b: JsonValue): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
