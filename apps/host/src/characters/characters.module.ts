import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { PluginsModule } from '../plugins/plugins.module.js';
import { CharacterFilesService } from './character-files.service.js';
import { CharacterResourcesService } from './character-resources.service.js';
import { CharacterSheetMigrator } from './character-sheet-migrator.js';
import { CharacterVersionEntity } from './character-version.entity.js';
import { CharacterEntity } from './character.entity.js';
import { CharactersController } from './characters.controller.js';
import { CharactersService } from './characters.service.js';
import { GroupCharacterEntity } from './group-character.entity.js';
import { GroupCharactersController } from './group-characters.controller.js';
import { GroupCharactersService } from './group-characters.service.js';
import { PortraitController } from './portrait.controller.js';
import { PortraitService } from './portrait.service.js';

/** Portable characters: sheets with history, resource deltas, .cmchar files, portraits and group assignments. */
@Module({
  imports: [
    TypeOrmModule.forFeature([CharacterEntity, CharacterVersionEntity, GroupCharacterEntity]),
    EventsModule,
    GroupsModule,
    PluginsModule,
  ],
  controllers: [CharactersController, GroupCharactersController, PortraitController],
  providers: [
    CharactersService,
    CharacterSheetMigrator,
    CharacterResourcesService,
    CharacterFilesService,
    GroupCharactersService,
    PortraitService,
  ],
  exports: [CharactersService, GroupCharactersService, CharacterResourcesService, CharacterFilesService],
})
export class CharactersModule {}
