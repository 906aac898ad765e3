import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DiceModule } from '../dice/dice.module.js';
import { EventsModule } from '../events/events.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { PluginsModule } from '../plugins/plugins.module.js';
import { FeatureEventDispatcher } from './feature-event-dispatcher.js';
import { FeaturePlugins } from './feature-plugins.js';
import { FeatureStateStore } from './feature-state.store.js';
import { FeatureTrialController } from './feature-trial.controller.js';
import { FeaturesController } from './features.controller.js';
import { FeaturesService } from './features.service.js';
import { PluginReloadRelay } from './plugin-reload-relay.js';
import { PluginEventCursorEntity, PluginStateEntity } from './plugin-state.entity.js';

/**
 * Plugins inside groups: feature plugins' state store, their actions over HTTP and their group-event handlers,
 * and the `plugin.reloaded` announcements to the groups that use a reloaded plugin.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([PluginStateEntity, PluginEventCursorEntity]),
    EventsModule,
    GroupsModule,
    PluginsModule,
    DiceModule,
  ],
  controllers: [FeaturesController, FeatureTrialController],
  providers: [FeaturePlugins, FeatureStateStore, FeaturesService, FeatureEventDispatcher, PluginReloadRelay],
})
export class FeaturesModule {}
