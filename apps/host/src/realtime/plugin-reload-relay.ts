import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import type { PluginReloadedPayload } from '@cm/contracts';
import { PluginEvents, type PluginEvent } from '../plugins/plugin-events.js';
import { GroupEventLog } from './group-event-log.js';

/**
 * Writes `plugin.reloaded` into the log of every group that uses a reloaded plugin (its ruleset, or a feature
 * plugin with state in the group), so every client showing its UI re-imports the new bundle. Every instance
 * watches plugins/ itself; the content-hashed UI URL dedupes, so N instances write one event per change.
 */
@Injectable()
export class PluginReloadRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PluginReloadRelay.name);
  private subscription: Subscription | undefined;

  constructor(
    private readonly plugins: PluginEvents,
    private readonly dataSource: DataSource,
    private readonly log: GroupEventLog,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.plugins.events.subscribe((event) => void this.relay(event));
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  private async relay(event: PluginEvent): Promise<void> {
    if (event.type !== 'plugin.reloaded') return;
    const reloaded = event.payload;
    try {
      const groupIds = await this.groupsUsing(reloaded.pluginId);
      for (const groupId of groupIds) await this.appendOnce(groupId, reloaded);
    } catch (error) {
      this.logger.warn(`Announcing the reload of plugin ${reloaded.pluginId} failed: ${(error as Error).message}`);
    }
  }

  private async groupsUsing(pluginId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM groups WHERE ruleset_id = $1
       UNION SELECT DISTINCT group_id FROM plugin_state WHERE plugin_id = $1`,
      [pluginId],
    );
    return rows.map((row) => row.id);
  }

  /** Appends the event unless the group's last one for this plugin already says the same (URL and status). */
  private async appendOnce(groupId: string, reloaded: PluginReloadedPayload): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `plugin-reload:${groupId}:${reloaded.pluginId}`,
      ]);
      const [last]: { ui: string | null; status: string | null }[] = await manager.query(
        `SELECT payload->>'uiUrl' AS ui, payload->>'status' AS status FROM group_events
          WHERE group_id = $1 AND type = 'plugin.reloaded' AND payload->>'pluginId' = $2 ORDER BY seq DESC LIMIT 1`,
        [groupId, reloaded.pluginId],
      );
      if (last && last.ui === reloaded.uiUrl && last.status === reloaded.status) return;
      await this.log.append(manager, groupId, 'plugin.reloaded', reloaded);
    });
  }
}
