import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { EventsModule } from '../events/events.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { PresenceService } from './presence.service.js';
import { RealtimeHub } from './realtime-hub.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RealtimeService } from './realtime.service.js';

/** Delivers group events to WebSocket clients on every host instance; it only reads the event log. */
@Module({
  imports: [AuthModule, EventsModule, GroupsModule],
  providers: [RealtimeHub, PresenceService, RealtimeService, RealtimeGateway],
  exports: [RealtimeGateway, RealtimeService],
})
export class RealtimeModule {}
