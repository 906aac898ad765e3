import type { FeatureCharacter, FeatureContext, FeatureGroupEvent, JsonValue } from '@cm/ruleset-sdk';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { ConcurrencyLimit } from '../common/concurrency-limit.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { ResolvedConfig } from '../config/app-config.js';
import type { Subscription } from 'rxjs';
import type { GroupEventPointer } from '../events/group-event-listener.js';
import { GroupEventReader, type StoredGroupEvent } from '../events/group-event-reader.js';
import { GroupEventStream } from '../events/group-event-stream.js';
import type { LoadedPlugin } from '../plugins/plugin-registry.js';
import { FeaturePlugins, freshEntropy } from './feature-plugins.js';
import { FeatureStateStore } from './feature-state.store.js';

/** Events a batch handles at most per transaction. */
const BATCH = 50;
/** A sweep catches up on anything a lost NOTIFY left behind. */
const SWEEP_EVERY_MS = 30_000;
/** Event types never delivered to handlers: plugins' own state changes would loop. */
const NOT_DELIVERED = new Set(['plugin.state_changed']);
/**
 * Sandbox failures that say "try again later" rather than "this event breaks the plugin": a quarantined or busy
 * plugin gets the event once it is back, and a sandbox restart blames nobody.
 */
const TRANSIENT_FAILURES = new Set(['not_loaded', 'crashed', 'interrupted', 'overloaded', 'quarantined']);

/**
 * Delivers group events to feature plugins' `onGroupEvent`, exactly once per (plugin, group, event) across
 * host instances.
 *
 * It follows the instance's one LISTEN connection (GroupEventStream). A NOTIFY only says "group g reached seq s";
 * the truth is the table `plugin_event_cursors` (plugin, group) → last handled seq. A batch reads the events
 * after the cursor, runs the handler for each (in seq order, on the state the previous one produced), then,
 * in one short transaction under the same per-(plugin, group) advisory lock as actions, writes the state
 * changes with their `plugin.state_changed` events and moves the cursor, unless another instance or an action
 * got there first (then it runs again). A cursor row exists once the plugin has stored state in the group (its first
 * action); groups where a plugin has never stored anything are not delivered to it.
 */
@Injectable()
export class FeatureEventDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeatureEventDispatcher.name);
  private subscriptions: Subscription[] = [];
  private readonly running = new Map<string, { again: boolean }>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Pairs handled at once: each holds one pooled connection at a time, so half the pool stays for requests. */
  private readonly limit: ConcurrencyLimit;

  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly features: FeaturePlugins,
    private readonly store: FeatureStateStore,
    private readonly stream: GroupEventStream,
    private readonly reader: GroupEventReader,
    @Inject(APP_CONFIG) config: ResolvedConfig,
  ) {
    this.limit = new ConcurrencyLimit(Math.max(1, Math.floor(config.databasePoolSize / 2)));
  }

  onApplicationBootstrap(): void {
    this.subscriptions = [
      this.stream.pointer$.subscribe((pointer) => this.onPointer(pointer)),
      this.stream.reconnected$.subscribe(() => void this.sweep()),
    ];
    void this.sweep();
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** Handles every (plugin, group) whose cursor is behind its group's log. */
  async sweep(): Promise<void> {
    if (this.stopped || this.features.withGroupEventHandler().length === 0) return;
    const rows = await this.manager
      .query<Array<{ plugin_id: string; group_id: string }>>(
        `SELECT c."plugin_id", c."group_id" FROM "plugin_event_cursors" c JOIN "groups" g ON g."id" = c."group_id" WHERE g."event_seq" > c."last_seq"`,
      )
      .catch((error: Error) => {
        this.logger.warn(`Group-event sweep failed: ${error.message}`);
        return [];
      });
    await Promise.all(rows.map((row) => this.schedule(row.plugin_id, row.group_id)));
  }

  private onPointer(pointer: GroupEventPointer): void {
    if (pointer.deletion || this.stopped) return;
    void this.pointed(pointer.groupId, pointer.seq);
  }

  private async pointed(groupId: string, seq: number): Promise<void> {
    const plugins = this.features.withGroupEventHandler().map((plugin) => plugin.manifest.id);
    if (plugins.length === 0) return;
    const rows = await this.manager
      .query<Array<{ plugin_id: string }>>(
        `SELECT "plugin_id" FROM "plugin_event_cursors" WHERE "group_id" = $1 AND "last_seq" < $2 AND "plugin_id" = ANY($3::text[])`,
        [groupId, seq, plugins],
      )
      .catch((error: Error) => {
        this.logger.warn(`Reading plugin event cursors of group ${groupId} failed: ${error.message}`);
        return [];
      });
    await Promise.all(rows.map((row) => this.schedule(row.plugin_id, groupId)));
  }

  /** Runs batches for one (plugin, group) until it is caught up; one runner per pair on this instance. */
  private async schedule(pluginId: string, groupId: string): Promise<void> {
    const key = `${pluginId}\u0000${groupId}`;
    const active = this.running.get(key);
    if (active) {
      active.again = true;
      return;
    }
    const state = { again: true };
    this.running.set(key, state);
    try {
      await this.limit.run(async () => {
        while (state.again && !this.stopped) {
          state.again = false;
          while (!this.stopped && (await this.batch(pluginId, groupId))) state.again = false;
        }
      });
    } catch (error) {
      this.logger.warn(
        `[plugin ${pluginId}] group events of ${groupId} not delivered yet (retrying on the next sweep): ${(error as Error).message}`,
      );
    } finally {
      this.running.delete(key);
    }
  }

  /**
   * Handles up to BATCH events; true when more may be waiting. Everything slow happens before the lock and
   * outside any transaction: reading the cursor, the events, the state and the characters (one pooled
   * connection at a time) and running the handlers in the sandbox. The short transaction then commits the
   * result only when neither the cursor nor the state moved meanwhile (another instance handled the batch, an
   * action changed the state); otherwise the batch runs again on what they committed.
   */
  async batch(pluginId: string, groupId: string): Promise<boolean> {
    const plugin = this.features.withGroupEventHandler().find((candidate) => candidate.manifest.id === pluginId);
    if (!plugin) return false;
    const cursor = await this.cursor(this.manager, pluginId, groupId);
    if (cursor === undefined) return false;
    const events = await this.reader.after(groupId, cursor, BATCH, this.manager);
    if (events.length === 0) return false;
    const current = await this.store.read(this.manager, pluginId, groupId);
    const deliverable = events.filter((event) => !NOT_DELIVERED.has(event.type));
    const changes =
      deliverable.length > 0
        ? await this.handle(plugin, groupId, current, deliverable)
        : new Map<string, JsonValue | null>();
    const committed = await this.manager.transaction(async (manager) => {
      await this.store.lock(manager, pluginId, groupId);
      if ((await this.cursor(manager, pluginId, groupId)) !== cursor) return false;
      if (changes.size > 0) {
        if (!sameState(await this.store.read(manager, pluginId, groupId), current)) return false;
        await this.store.apply(manager, pluginId, groupId, current, changes, null);
      }
      await manager.query(
        `UPDATE "plugin_event_cursors" SET "last_seq" = $3, "updated_at" = now() WHERE "plugin_id" = $1 AND "group_id" = $2`,
        [pluginId, groupId, events.at(-1)!.seq],
      );
      return true;
    });
    return !committed || events.length === BATCH;
  }

  private async cursor(manager: EntityManager, pluginId: string, groupId: string): Promise<number | undefined> {
    const rows: Array<{ last_seq: string }> = await manager.query(
      `SELECT "last_seq" FROM "plugin_event_cursors" WHERE "plugin_id" = $1 AND "group_id" = $2`,
      [pluginId, groupId],
    );
    return rows[0] ? Number(rows[0].last_seq) : undefined;
  }

  /** Runs the handler on each event in seq order, each on the state the previous one produced. */
  private async handle(
    plugin: LoadedPlugin,
    groupId: string,
    current: Record<string, JsonValue>,
    events: StoredGroupEvent[],
  ): Promise<Map<string, JsonValue | null>> {
    const pluginId = plugin.manifest.id;
    const characters: FeatureCharacter[] = await this.features.characters(groupId);
    let state = current;
    const changes = new Map<string, JsonValue | null>();
    for (const event of events) {
      const context: FeatureContext = { groupId, isDm: false, state, characters, entropy: freshEntropy() };
      const delivered: FeatureGroupEvent = { type: event.type, payload: event.payload as JsonValue };
      try {
        const result = await this.features.runGroupEvent(plugin, delivered, context);
        if (result.error) {
          this.logger.warn(
            `[plugin ${pluginId}] onGroupEvent refused ${event.type} #${event.seq} in ${groupId}: ${result.error.message}`,
          );
          continue;
        }
        if (result.changes.size === 0) continue;
        state = { ...state };
        for (const [key, value] of result.changes) {
          changes.set(key, value);
          if (value === null) delete state[key];
          else state[key] = value;
        }
      } catch (error) {
        const failure =
          error instanceof DomainError ? (typeof error.extras.failure === 'string' ? error.extras.failure : '') : '';
        if (TRANSIENT_FAILURES.has(failure)) throw error;
        this.logger.warn(
          `[plugin ${pluginId}] onGroupEvent failed on ${event.type} #${event.seq} in ${groupId}, skipped: ${(error as Error).message}`,
        );
      }
    }
    return changes;
  }
}

/** Both reads order by key, so equal states serialise alike. */
function sameState(a: Record<string, JsonValue>, b: Record<string, JsonValue>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
