import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator.js';
import { AssignCharacterDto } from '../groups/dto/group-requests.dto.js';
import { GroupCharacterDto } from '../groups/dto/group-responses.dto.js';
import { GroupCharactersService } from './group-characters.service.js';

/** Characters in a group: members list them; a member assigns their own; the owner or the DM unassigns. */
@ApiTags('groups')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' })
@ApiNotFoundResponse({ description: 'No such group, or the caller is not a member (indistinguishable)' })
@Controller('groups/:groupId/characters')
export class GroupCharactersController {
  constructor(private readonly groupCharacters: GroupCharactersService) {}

  @Get()
  @ApiOperation({
    summary: 'The group’s characters (name, owner, active, portrait; sheets only for their owner and the DM)',
  })
  @ApiOkResponse({ type: GroupCharacterDto, isArray: true })
  listGroupCharacters(
    @CurrentUser() caller: AuthUser,
    @Param('groupId') groupId: string,
  ): Promise<GroupCharacterDto[]> {
    return this.groupCharacters.list(caller.id, groupId);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Bring one of my characters into the group (active by default)' })
  @ApiOkResponse({ type: GroupCharacterDto })
  @ApiUnprocessableEntityResponse({ description: 'Field `characterId`: another ruleset than the group’s' })
  assignCharacter(
    @CurrentUser() caller: AuthUser,
    @Param('groupId') groupId: string,
    @Body() body: AssignCharacterDto,
  ): Promise<GroupCharacterDto> {
    return this.groupCharacters.assign(caller.id, groupId, body.characterId, body.active ?? true);
  }

  @Delete(':characterId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Take a character out of the group (its owner or the DM)' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'A member who neither owns the character nor is the DM' })
  async unassignCharacter(
    @CurrentUser() caller: AuthUser,
    @Param('groupId') groupId: string,
    @Param('characterId') characterId: string,
  ): Promise<void> {
    await this.groupCharacters.unassign(caller.id, groupId, characterId);
  }
}
