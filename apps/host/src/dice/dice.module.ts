import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { PluginsModule } from '../plugins/plugins.module.js';
import { DiceController } from './dice.controller.js';
import { DiceService } from './dice.service.js';
import { GroupCharacterSheets } from './group-character-sheets.js';
import { RollEntity } from './roll.entity.js';

/** The group roll log, and read access to a group's characters with their dice actions (used by feature plugins). */
@Module({
  imports: [TypeOrmModule.forFeature([RollEntity]), EventsModule, GroupsModule, PluginsModule],
  controllers: [DiceController],
  providers: [DiceService, GroupCharacterSheets],
  exports: [GroupCharacterSheets, DiceService],
})
export class DiceModule {}
