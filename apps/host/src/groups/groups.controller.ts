import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator.js';
import { Public } from '../auth/public.decorator.js';
import { RequireVerifiedEmail } from '../auth/verified-email.guard.js';
import { CreateGroupDto, CreateInviteDto, TransferDmDto, UpdateGroupDto } from './dto/group-requests.dto.js';
import { CreatedInviteDto, GroupDto, GroupMemberDto, InviteDto, InvitePreviewDto } from './dto/group-responses.dto.js';
import { GroupsService } from './groups.service.js';
import { InvitesService } from './invites.service.js';

/**
 * Groups (SPEC §5). Authorization: members read; only the DM changes settings, invites and removes.
 * A group the caller is not a member of answers 404 exactly like a missing one; a member asking for a
 * DM-only action gets 403.
 */
@ApiTags('groups')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' })
@ApiNotFoundResponse({ description: 'No such group, or the caller is not a member (indistinguishable)' })
@Controller('groups')
export class GroupsController {
  constructor(
    private readonly groups: GroupsService,
    private readonly invites: InvitesService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'My groups, with my role in each' })
  @ApiOkResponse({ type: GroupDto, isArray: true })
  listGroups(@CurrentUser() caller: AuthUser): Promise<GroupDto[]> {
    return this.groups.listMine(caller.id);
  }

  @Post()
  @RequireVerifiedEmail()
  @ApiOperation({ summary: 'Create a group; I become its DM' })
  @ApiCreatedResponse({ type: GroupDto })
  @ApiUnprocessableEntityResponse({ description: 'Field `rulesetId`: the ruleset is not installed' })
  createGroup(@CurrentUser() caller: AuthUser, @Body() body: CreateGroupDto): Promise<GroupDto> {
    return this.groups.create(caller.id, body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A group I am a member of' })
  @ApiOkResponse({ type: GroupDto })
  getGroup(@CurrentUser() caller: AuthUser, @Param('id') id: string): Promise<GroupDto> {
    return this.groups.get(caller.id, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'DM: change name, description or (with no characters assigned) the ruleset' })
  @ApiOkResponse({ type: GroupDto })
  @ApiForbiddenResponse({ description: 'A member who is not the DM' })
  @ApiConflictResponse({
    description: 'Problem `characters_assigned`: the ruleset cannot change while characters are assigned',
  })
  updateGroup(
    @CurrentUser() caller: AuthUser,
    @Param('id') id: string,
    @Body() body: UpdateGroupDto,
  ): Promise<GroupDto> {
    return this.groups.update(caller.id, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'DM: delete the group (memberships, invites, assignments); characters survive' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'A member who is not the DM' })
  async deleteGroup(@CurrentUser() caller: AuthUser, @Param('id') id: string): Promise<void> {
    await this.groups.delete(caller.id, id);
  }

  @Get(':id/members')
  @ApiOperation({ summary: 'The members of a group I am in' })
  @ApiOkResponse({ type: GroupMemberDto, isArray: true })
  listMembers(@CurrentUser() caller: AuthUser, @Param('id') id: string): Promise<GroupMemberDto[]> {
    return this.groups.members(caller.id, id);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'DM removes a player, or a player leaves (userId = self)' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'A player removing someone else' })
  @ApiConflictResponse({ description: 'Problem `dm_cannot_leave`: the DM must transfer the role first' })
  async removeMember(
    @CurrentUser() caller: AuthUser,
    @Param('id') id: string,
    @Param('userId') userId: string,
  ): Promise<void> {
    await this.groups.removeMember(caller.id, id, userId);
  }

  @Post(':id/transfer-dm')
  @HttpCode(200)
  @ApiOperation({ summary: 'DM: hand the DM role to another member; I become a player' })
  @ApiOkResponse({ type: GroupDto })
  @ApiForbiddenResponse({ description: 'A member who is not the DM' })
  @ApiUnprocessableEntityResponse({ description: 'Field `userId`: not a member' })
  transferDm(@CurrentUser() caller: AuthUser, @Param('id') id: string, @Body() body: TransferDmDto): Promise<GroupDto> {
    return this.groups.transferDm(caller.id, id, body.userId);
  }

  @Post(':id/invite')
  @ApiOperation({ summary: 'DM: create an invite link (default 168 h, at most 720 h; optional max uses)' })
  @ApiCreatedResponse({ type: CreatedInviteDto })
  @ApiForbiddenResponse({ description: 'A member who is not the DM' })
  createInvite(
    @CurrentUser() caller: AuthUser,
    @Param('id') id: string,
    @Body() body: CreateInviteDto,
  ): Promise<CreatedInviteDto> {
    return this.invites.create(caller.id, id, body);
  }

  @Get(':id/invites')
  @ApiOperation({ summary: 'DM: the group’s invites (without tokens)' })
  @ApiOkResponse({ type: InviteDto, isArray: true })
  @ApiForbiddenResponse({ description: 'A member who is not the DM' })
  listInvites(@CurrentUser() caller: AuthUser, @Param('id') id: string): Promise<InviteDto[]> {
    return this.invites.list(caller.id, id);
  }

  @Delete(':id/invites/:inviteId')
  @HttpCode(204)
  @ApiOperation({ summary: 'DM: revoke an invite' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'A member who is not the DM' })
  async revokeInvite(
    @CurrentUser() caller: AuthUser,
    @Param('id') id: string,
    @Param('inviteId') inviteId: string,
  ): Promise<void> {
    await this.invites.revoke(caller.id, id, inviteId);
  }

  @Get(':id/join/:token')
  @Public()
  @ApiOperation({ summary: 'Public: what an invite link leads to (group name, DM) and whether it can be used now' })
  @ApiOkResponse({ type: InvitePreviewDto })
  previewInvite(@Param('id') id: string, @Param('token') token: string): Promise<InvitePreviewDto> {
    return this.invites.preview(id, token);
  }

  @Post(':id/join/:token')
  @HttpCode(200)
  @RequireVerifiedEmail()
  @ApiOperation({ summary: 'Join with an invite token (idempotent for members: no use is consumed)' })
  @ApiOkResponse({ type: GroupDto })
  @ApiGoneResponse({ description: 'Problem `invite_expired`, `invite_revoked` or `invite_used_up`' })
  joinGroup(
    @CurrentUser() caller: AuthUser,
    @Param('id') id: string,
    @Param('token') token: string,
  ): Promise<GroupDto> {
    return this.invites.join(caller.id, id, token);
  }
}
