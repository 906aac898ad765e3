import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBadGatewayResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator.js';
import { DiceService } from './dice.service.js';
import { CreateRollDto, ListRollsQueryDto } from './dto/roll-requests.dto.js';
import { RollDto, RollPageDto } from './dto/roll-responses.dto.js';

/** A group's roll log (SPEC §5 Dice): members roll and read; a group you are not in answers 404. */
@ApiTags('dice')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' })
@ApiNotFoundResponse({ description: 'No such group, or the caller is not a member (indistinguishable)' })
@Controller('groups/:id/rolls')
export class DiceController {
  constructor(private readonly dice: DiceService) {}

  @Post()
  @ApiOperation({
    summary: 'Roll (server RNG) or report a TaleSpire result',
    description:
      'Body is one of: `{ notation, label? }` (the server rolls with a cryptographic RNG); `{ characterId, actionId, modifier?, label? }` ' +
      '(the server rolls the character’s dice action, the ruleset resolves it into `outcome`); `{ talespire: { rollId?, resultsGroups }, ' +
      'characterId?, actionId?, label? }` (results reported by the Symbiote, stored with source `talespire`; totals are recomputed). ' +
      'Stored and announced as `roll.created` in one transaction.',
  })
  @ApiCreatedResponse({ type: RollDto })
  @ApiBadRequestResponse({
    description:
      'Invalid or absurd notation (with `position`), malformed results, unknown action, or an unknown field such as `total`',
  })
  @ApiForbiddenResponse({ description: 'Rolling for another player’s character (only its owner or the DM may)' })
  @ApiBadGatewayResponse({ description: 'The ruleset plugin failed' })
  createRoll(
    @CurrentUser() caller: AuthUser,
    @Param('id') groupId: string,
    @Body() body: CreateRollDto,
  ): Promise<RollDto> {
    return this.dice.create(caller.id, groupId, body);
  }

  @Get()
  @ApiOperation({ summary: 'The roll log, newest first, cursor-paginated' })
  @ApiOkResponse({ type: RollPageDto })
  @ApiBadRequestResponse({ description: 'Invalid limit or cursor' })
  listRolls(
    @CurrentUser() caller: AuthUser,
    @Param('id') groupId: string,
    @Query() query: ListRollsQueryDto,
  ): Promise<RollPageDto> {
    return this.dice.list(caller.id, groupId, query);
  }
}
