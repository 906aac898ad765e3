import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignImportModule } from '../campaign-import/campaign-import.module.js';
import { CharactersModule } from '../characters/characters.module.js';
import { DiceModule } from '../dice/dice.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { NpcsModule } from '../npcs/npcs.module.js';
import { PluginsModule } from '../plugins/plugins.module.js';
import { CampaignCommands } from './campaign-commands.js';
import { DiscordAccountEntity } from './discord-account.entity.js';
import { DiscordAccountsService } from './discord-accounts.service.js';
import { DiscordCampaignsService } from './discord-campaigns.service.js';
import { DiscordInteractionsController } from './discord-interactions.controller.js';
import { DiscordInteractionsService } from './discord-interactions.service.js';
import { DiscordLinkEntity } from './discord-link.entity.js';
import { DiscordLinksController } from './discord-links.controller.js';
import { LoadCommand } from './load-command.js';
import { NpcCommands } from './npc-commands.js';
import { PlayCommands } from './play-commands.js';

/**
 * Discord, the third client (SPEC §9): slash commands over the HTTP interactions endpoint, answered through the
 * same services as the web app (groups, characters, dice), so there is one source of truth.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([DiscordAccountEntity, DiscordLinkEntity]),
    GroupsModule,
    CharactersModule,
    DiceModule,
    PluginsModule,
    NpcsModule,
    CampaignImportModule,
  ],
  controllers: [DiscordInteractionsController, DiscordLinksController],
  providers: [
    DiscordAccountsService,
    DiscordCampaignsService,
    DiscordInteractionsService,
    CampaignCommands,
    PlayCommands,
    NpcCommands,
    LoadCommand,
  ],
})
export class DiscordModule {}
