import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module.js';
import { PluginsModule } from '../plugins/plugins.module.js';
import { UsersModule } from '../users/users.module.js';
import { ActiveGroupController } from './active-group.controller.js';
import { GroupAccessService } from './group-access.service.js';
import { GroupInviteEntity } from './group-invite.entity.js';
import { GroupLifecycle } from './group-lifecycle.js';
import { GroupMemberEntity } from './group-member.entity.js';
import { GroupEntity } from './group.entity.js';
import { GroupsController } from './groups.controller.js';
import { GroupsService } from './groups.service.js';
import { InvitesService } from './invites.service.js';

/**
 * Groups, members, invites and the active group. Exports the membership rules (GroupAccessService) and the
 * GroupLifecycle that modules owning per-group data (character assignments) register with.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([GroupEntity, GroupMemberEntity, GroupInviteEntity]),
    EventsModule,
    PluginsModule,
    UsersModule,
  ],
  controllers: [GroupsController, ActiveGroupController],
  providers: [GroupAccessService, GroupsService, InvitesService, GroupLifecycle],
  exports: [GroupAccessService, GroupsService, GroupLifecycle],
})
export class GroupsModule {}
