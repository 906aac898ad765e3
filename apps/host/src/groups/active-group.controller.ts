import { Body, Controller, Get, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator.js';
import { SetActiveGroupDto } from './dto/group-requests.dto.js';
import { ActiveGroupDto } from './dto/group-responses.dto.js';
import { GroupsService } from './groups.service.js';

/** The group every client of a user opens on (stored on the account, so the Symbiote and the web app agree). */
@ApiTags('groups')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' })
@Controller('me/active-group')
export class ActiveGroupController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @ApiOperation({ summary: 'My active group (null when none)' })
  @ApiOkResponse({ type: ActiveGroupDto })
  getActiveGroup(@CurrentUser() caller: AuthUser): Promise<ActiveGroupDto> {
    return this.groups.getActiveGroup(caller.id);
  }

  @Put()
  @ApiOperation({ summary: 'Set my active group (a group I am a member of) or clear it (null)' })
  @ApiOkResponse({ type: ActiveGroupDto })
  @ApiNotFoundResponse({ description: 'No such group, or I am not a member' })
  setActiveGroup(@CurrentUser() caller: AuthUser, @Body() body: SetActiveGroupDto): Promise<ActiveGroupDto> {
    return this.groups.setActiveGroup(caller.id, body.groupId);
  }
}
