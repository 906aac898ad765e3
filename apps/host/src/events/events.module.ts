import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GroupEventLog } from './group-event-log.js';
import { GroupEventReader } from './group-event-reader.js';
import { GroupEventStream } from './group-event-stream.js';
import { GroupEventEntity } from './group-event.entity.js';

/**
 * The group event log (SPEC §6): every module whose changes belong to a group writes its events with
 * GroupEventLog inside its own transaction; readers (realtime, feature plugins) use GroupEventReader and follow
 * GroupEventStream. It depends on no feature module, so any of them may import it.
 */
@Module({
  imports: [TypeOrmModule.forFeature([GroupEventEntity])],
  providers: [GroupEventLog, GroupEventReader, GroupEventStream],
  exports: [GroupEventLog, GroupEventReader, GroupEventStream],
})
export class EventsModule {}
