import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import type { PluginReloadedPayload } from '@cm/contracts';
import { GroupEventLog } from '../events/group-event-log.js';
import { GroupEventReader } from '../events/group-event-reader.js';
import { GroupsService } from '../groups/groups.service.js';
import { PluginEvents, type PluginEvent } from '../plugins/plugin-events.js';
import { FeatureStateStore } from './feature-state.store.js';

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
    private readonly reader: GroupEventReader,
    private readonly groups: GroupsService,
    private readonly store: FeatureStateStore,
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
    const [playing, holdingState] = await Promise.all([
      this.groups.idsPlaying(pluginId),
      this.store.groupIdsWithState(pluginId),
    ]);
    return [...new Set([...playing, ...holdingState])];
  }

  /** Appends the event unless the group's last one for this plugin already says the same (URL and status). */
  private async appendOnce(groupId: string, reloaded: PluginReloadedPayload): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `plugin-reload:${groupId}:${reloaded.pluginId}`,
      ]);
      const last = await this.reader.latest(manager, groupId, 'plugin.reloaded', { pluginId: reloaded.pluginId });
      if (last && last.uiUrl === reloaded.uiUrl && last.status === reloaded.status) return;
      await this.log.append(manager, groupId, 'plugin.reloaded', reloaded);
    });
  }
}
