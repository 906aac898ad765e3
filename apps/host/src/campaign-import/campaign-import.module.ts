import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GroupsModule } from '../groups/groups.module.js';
import { NpcsModule } from '../npcs/npcs.module.js';
import { PluginsModule } from '../plugins/plugins.module.js';
import { CampaignImportEntity } from './campaign-import.entity.js';
import { CampaignImportService } from './campaign-import.service.js';

/** Campaign YAML files (`npm run campaign:import`, Discord's `/campaign load`) imported through the services. */
@Module({
  imports: [TypeOrmModule.forFeature([CampaignImportEntity]), GroupsModule, NpcsModule, PluginsModule],
  providers: [CampaignImportService],
  exports: [CampaignImportService],
})
export class CampaignImportModule {}
