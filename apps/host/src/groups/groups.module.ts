import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PluginsModule } from '../plugins/plugins.module.js';
import { GroupEventEntity } from '../realtime/group-event.entity.js';
import { GroupEventLog } from '../realtime/group-event-log.js';
import { ActiveGroupController } from './active-group.controller.js';
import { GroupAccessService } from './group-access.service.js';
import { GroupInviteEntity } from './group-invite.entity.js';
import { GroupMemberEntity } from './group-member.entity.js';
import { GroupEntity } from './group.entity.js';
import { GroupsController } from './groups.controller.js';
import { GroupsService } from './groups.service.js';
import { InvitesService } from './invites.service.js';

/**
 * Groups, members, invites and the active group. Exports the membership rules (GroupAccessService) and the
 * realtime event log writer (GroupEventLog) for modules whose changes belong to a group.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([GroupEntity, GroupMemberEntity, GroupInviteEntity, GroupEventEntity]),
    PluginsModule,
  ],
  controllers: [GroupsController, ActiveGroupController],
  providers: [GroupAccessService, GroupsService, InvitesService, GroupEventLog],
  exports: [GroupAccessService, GroupEventLog],
})
export class GroupsModule {}
