import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Put, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator.js';
import { notFound } from '../common/domain-error.js';
import { CharacterFilesService } from './character-files.service.js';
import { CharacterResourcesService } from './character-resources.service.js';
import { CharactersService } from './characters.service.js';
import {
  CreateCharacterDto,
  ImportCharacterDto,
  PatchCharacterDto,
  ReplaceCharacterDto,
  ResourceDeltaDto,
  RestoreVersionDto,
} from './dto/character-requests.dto.js';
import {
  CharacterDto,
  CharacterFileDto,
  CharacterSummaryDto,
  CharacterVersionDto,
  ImportedCharacterDto,
  ResourceChangeDto,
} from './dto/character-responses.dto.js';

const STALE = 'Problem `stale_version` with `currentVersion`: the write was based on an older version';

/**
 * Portable characters (SPEC §5). Owners edit; the DM of a group a character is in reads it and applies
 * resource deltas. A character the caller may not see answers 404 exactly like a missing one; a DM asking
 * for an owner-only action gets 403.
 */
@ApiTags('characters')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' })
@Controller('characters')
export class CharactersController {
  constructor(
    private readonly characters: CharactersService,
    private readonly resources: CharacterResourcesService,
    private readonly files: CharacterFilesService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'My characters' })
  @ApiOkResponse({ type: CharacterSummaryDto, isArray: true })
  listCharacters(@CurrentUser() caller: AuthUser): Promise<CharacterSummaryDto[]> {
    return this.characters.listMine(caller.id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a character (the ruleset’s default sheet unless `sheet` is given)' })
  @ApiCreatedResponse({ type: CharacterDto })
  @ApiUnprocessableEntityResponse({ description: 'Field errors: unknown ruleset or invalid sheet (nothing is stored)' })
  createCharacter(@CurrentUser() caller: AuthUser, @Body() body: CreateCharacterDto): Promise<CharacterDto> {
    return this.characters.create(caller.id, body);
  }

  @Post('import')
  @ApiOperation({
    summary: 'Import a .cmchar document or a foreign export (e.g. Optolith); validated before anything is stored',
  })
  @ApiCreatedResponse({ type: ImportedCharacterDto })
  @ApiUnprocessableEntityResponse({ description: 'Field errors under `document` / `data`' })
  @ApiPayloadTooLargeResponse({ description: 'Larger than the host’s body limit' })
  importCharacter(@CurrentUser() caller: AuthUser, @Body() body: ImportCharacterDto): Promise<ImportedCharacterDto> {
    return this.files.import(caller.id, body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A character I own, or one in a group where I am the DM' })
  @ApiOkResponse({ type: CharacterDto })
  @ApiNotFoundResponse({ description: 'No such character, or not visible to me (indistinguishable)' })
  getCharacter(@CurrentUser() caller: AuthUser, @Param('id') id: string): Promise<CharacterDto> {
    return this.characters.get(caller.id, id);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Owner: replace name and sheet, based on `version`' })
  @ApiOkResponse({ type: CharacterDto })
  @ApiForbiddenResponse({ description: 'A DM who may read but not edit' })
  @ApiConflictResponse({ description: STALE })
  replaceCharacter(
    @CurrentUser() caller: AuthUser,
    @Param('id') id: string,
    @Body() body: ReplaceCharacterDto,
  ): Promise<CharacterDto> {
    return this.characters.replace(caller.id, id, body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Owner: rename and/or merge-patch (RFC 7396) the sheet, based on `version`' })
  @ApiOkResponse({ type: CharacterDto })
  @ApiForbiddenResponse({ description: 'A DM who may read but not edit' })
  @ApiConflictResponse({ description: STALE })
  patchCharacter(
    @CurrentUser() caller: AuthUser,
    @Param('id') id: string,
    @Body() body: PatchCharacterDto,
  ): Promise<CharacterDto> {
    return this.characters.patch(caller.id, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Owner: delete the character (it leaves every group)' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'A DM who may read but not delete' })
  async deleteCharacter(@CurrentUser() caller: AuthUser, @Param('id') id: string): Promise<void> {
    await this.characters.delete(caller.id, id);
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Owner: the last 10 versions, newest first' })
  @ApiOkResponse({ type: CharacterVersionDto, isArray: true })
  @ApiForbiddenResponse({ description: 'A DM who may read but not see the history' })
  getCharacterHistory(@CurrentUser() caller: AuthUser, @Param('id') id: string): Promise<CharacterVersionDto[]> {
    return this.characters.history(caller.id, id);
  }

  @Post(':id/history/:version/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Owner: restore an old version as a new version (body: the current version)' })
  @ApiOkResponse({ type: CharacterDto })
  @ApiForbiddenResponse({ description: 'A DM who may read but not edit' })
  @ApiConflictResponse({ description: STALE })
  restoreCharacterVersion(
    @CurrentUser() caller: AuthUser,
    @Param('id') id: string,
    @Param('version', new ParseIntPipe({ exceptionFactory: () => notFound('Version') })) version: number,
    @Body() body: RestoreVersionDto,
  ): Promise<CharacterDto> {
    return this.characters.restore(caller.id, id, version, body.version);
  }

  @Post(':id/resources')
  @HttpCode(200)
  @ApiOperation({ summary: 'Owner or DM: apply an atomic delta to a resource (hp, lep, ...), clamped to its bounds' })
  @ApiOkResponse({ type: ResourceChangeDto })
  @ApiUnprocessableEntityResponse({ description: 'Field `resource`: the ruleset declares no such resource' })
  applyResourceDelta(
    @CurrentUser() caller: AuthUser,
    @Param('id') id: string,
    @Body() body: ResourceDeltaDto,
  ): Promise<ResourceChangeDto> {
    return this.resources.applyDelta(caller.id, id, body);
  }

  @Get(':id/export')
  @ApiOperation({ summary: 'Download the character as a .cmchar file (owner, or a DM who may read it)' })
  @ApiOkResponse({ type: CharacterFileDto })
  async exportCharacter(
    @CurrentUser() caller: AuthUser,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CharacterFileDto> {
    const file = await this.files.export(caller.id, id);
    void reply.header('Content-Disposition', contentDisposition(`${file.name}.cmchar`));
    return file;
  }
}

/** An attachment header with an ASCII fallback name and the exact UTF-8 name (RFC 6266). */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^A-Za-z0-9 ._-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
