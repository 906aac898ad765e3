import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { PluginsModule } from '../plugins/plugins.module.js';
import { NpcEntity, NpcVersionEntity } from './npc.entity.js';
import { NpcsController } from './npcs.controller.js';
import { NpcsService } from './npcs.service.js';

/** The group's NPCs (sheets owned by the group, hidden until revealed). */
@Module({
  imports: [TypeOrmModule.forFeature([NpcEntity, NpcVersionEntity]), EventsModule, GroupsModule, PluginsModule],
  controllers: [NpcsController],
  providers: [NpcsService],
  exports: [NpcsService],
})
export class NpcsModule {}
