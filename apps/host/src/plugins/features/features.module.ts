import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DiceModule } from '../../dice/dice.module.js';
import { GroupsModule } from '../../groups/groups.module.js';
import { RealtimeModule } from '../../realtime/realtime.module.js';
import { PluginsModule } from '../plugins.module.js';
import { FeatureEventDispatcher } from './feature-event-dispatcher.js';
import { FeaturePlugins } from './feature-plugins.js';
import { FeatureStateStore } from './feature-state.store.js';
import { FeatureTrialController } from './feature-trial.controller.js';
import { FeaturesController } from './features.controller.js';
import { FeaturesService } from './features.service.js';
import { PluginEventCursorEntity, PluginStateEntity } from './plugin-state.entity.js';

/** Feature plugins in groups: the state store, actions over HTTP and group-event handlers. */
@Module({
  imports: [
    TypeOrmModule.forFeature([PluginStateEntity, PluginEventCursorEntity]),
    GroupsModule,
    PluginsModule,
    DiceModule,
    RealtimeModule,
  ],
  controllers: [FeaturesController, FeatureTrialController],
  providers: [FeaturePlugins, FeatureStateStore, FeaturesService, FeatureEventDispatcher],
})
export class FeaturesModule {}
