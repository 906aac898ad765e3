import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { GroupEventReader } from './group-event-reader.js';
import { PresenceService } from './presence.service.js';
import { RealtimeHub } from './realtime-hub.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RealtimeService } from './realtime.service.js';

/** Delivers group events to WebSocket clients on every host instance. */
@Module({
  imports: [AuthModule],
  providers: [GroupEventReader, RealtimeHub, PresenceService, RealtimeService, RealtimeGateway],
  exports: [RealtimeGateway, RealtimeService],
})
export class RealtimeModule {}
