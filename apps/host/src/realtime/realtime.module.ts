import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { PluginsModule } from '../plugins/plugins.module.js';
import { GroupEventReader } from './group-event-reader.js';
import { PluginReloadRelay } from './plugin-reload-relay.js';
import { PresenceService } from './presence.service.js';
import { RealtimeHub } from './realtime-hub.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RealtimeService } from './realtime.service.js';

/** Delivers group events to WebSocket clients on every host instance. */
@Module({
  imports: [AuthModule, GroupsModule, PluginsModule],
  providers: [GroupEventReader, RealtimeHub, PresenceService, RealtimeService, RealtimeGateway, PluginReloadRelay],
  exports: [RealtimeGateway, RealtimeService],
})
export class RealtimeModule {}
