import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
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
import { CreateNpcDto, NpcDto, NpcVersionDto, UpdateNpcDto } from './dto/npc.dto.js';
import { NpcsService } from './npcs.service.js';

/** A group's NPCs: the DM manages them; players see the revealed ones. */
@ApiTags('npcs')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' })
@ApiNotFoundResponse({
  description: 'No such group or NPC, the caller is not a member, or the NPC is hidden from them',
})
@Controller('groups/:id/npcs')
export class NpcsController {
  constructor(private readonly npcs: NpcsService) {}

  @Get()
  @ApiOperation({ summary: 'The group’s NPCs (DM: all with sheets; players: revealed ones, public stat blocks)' })
  @ApiOkResponse({ type: [NpcDto] })
  listNpcs(@CurrentUser() caller: AuthUser, @Param('id') groupId: string): Promise<NpcDto[]> {
    return this.npcs.list(caller.id, groupId);
  }

  @Post()
  @ApiOperation({ summary: 'Create an NPC of the group’s ruleset (DM)' })
  @ApiCreatedResponse({ type: NpcDto })
  @ApiForbiddenResponse({ description: 'Only the DM manages NPCs' })
  @ApiUnprocessableEntityResponse({ description: 'The sheet is invalid for the group’s ruleset' })
  @ApiConflictResponse({ description: 'Another NPC of the group has this key' })
  createNpc(
    @CurrentUser() caller: AuthUser,
    @Param('id') groupId: string,
    @Body() body: CreateNpcDto,
  ): Promise<NpcDto> {
    return this.npcs.create(caller.id, groupId, body);
  }

  @Get(':npcId')
  @ApiOperation({ summary: 'One NPC as the caller may see it' })
  @ApiOkResponse({ type: NpcDto })
  getNpc(
    @CurrentUser() caller: AuthUser,
    @Param('id') groupId: string,
    @Param('npcId') npcId: string,
  ): Promise<NpcDto> {
    return this.npcs.get(caller.id, groupId, npcId);
  }

  @Patch(':npcId')
  @ApiOperation({ summary: 'Change, reveal or hide an NPC (DM; based on `version`)' })
  @ApiOkResponse({ type: NpcDto })
  @ApiBadRequestResponse({ description: 'Malformed body' })
  @ApiForbiddenResponse({ description: 'Only the DM manages NPCs' })
  @ApiConflictResponse({ description: 'Problem `stale_version`: the NPC changed since that version' })
  @ApiUnprocessableEntityResponse({ description: 'The sheet is invalid for the group’s ruleset' })
  updateNpc(
    @CurrentUser() caller: AuthUser,
    @Param('id') groupId: string,
    @Param('npcId') npcId: string,
    @Body() body: UpdateNpcDto,
  ): Promise<NpcDto> {
    return this.npcs.update(caller.id, groupId, npcId, body);
  }

  @Delete(':npcId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an NPC (DM)' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'Only the DM manages NPCs' })
  async deleteNpc(
    @CurrentUser() caller: AuthUser,
    @Param('id') groupId: string,
    @Param('npcId') npcId: string,
  ): Promise<void> {
    await this.npcs.delete(caller.id, groupId, npcId);
  }

  @Get(':npcId/versions')
  @ApiOperation({ summary: 'The NPC’s last saved sheets, newest first (DM)' })
  @ApiOkResponse({ type: [NpcVersionDto] })
  @ApiForbiddenResponse({ description: 'Only the DM sees the history' })
  listNpcVersions(
    @CurrentUser() caller: AuthUser,
    @Param('id') groupId: string,
    @Param('npcId') npcId: string,
  ): Promise<NpcVersionDto[]> {
    return this.npcs.versions(caller.id, groupId, npcId);
  }
}
