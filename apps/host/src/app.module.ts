import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { ResolvedConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ProblemFilter } from './common/problem.filter.js';
import { AuthModule } from './auth/auth.module.js';
import { CampaignImportModule } from './campaign-import/campaign-import.module.js';
import { CharactersModule } from './characters/characters.module.js';
import { ClientsModule } from './clients/clients.module.js';
import { GroupsModule } from './groups/groups.module.js';
import { MailModule } from './mail/mail.module.js';
import { UsersModule } from './users/users.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DiceModule } from './dice/dice.module.js';
import { DiscordModule } from './discord/discord.module.js';
import { FeaturesModule } from './features/features.module.js';
import { HealthModule } from './health/health.module.js';
import { NpcsModule } from './npcs/npcs.module.js';
import { PluginsModule } from './plugins/plugins.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { StoreModule } from './store/store.module.js';
import { StorageModule } from './storage/storage.module.js';

/** The whole host, assembled from the resolved configuration. */
@Module({})
export class AppModule {
  static forRoot(config: ResolvedConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config.databaseUrl, config.databasePoolSize),
        StoreModule,
        StorageModule,
        HealthModule,
        MailModule,
        UsersModule,
        AuthModule,
        PluginsModule,
        GroupsModule,
        CharactersModule,
        DiceModule,
        NpcsModule,
        CampaignImportModule,
        FeaturesModule,
        RealtimeModule,
        DiscordModule,
        ClientsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
