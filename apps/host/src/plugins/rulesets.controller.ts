import { Body, Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Sheet } from '@cm/ruleset-sdk';
import { Public } from '../auth/public.decorator.js';
import { ResolveRollRequestDto, SheetRequestDto } from './dto/ruleset-requests.dto.js';
import {
  DiceActionsDto,
  RollOutcomeDto,
  RulesetSummaryDto,
  StatBlocksDto,
  ValidationResultDto,
} from './dto/ruleset-responses.dto.js';
import { PluginsService, type RulesetSummary } from './plugins.service.js';

/**
 * Installed rulesets and stateless computations on caller-supplied sheets. Public: nothing is stored, the body
 * limit and the sandbox's time and memory limits bound the work.
 */
@ApiTags('rulesets')
@Public()
@Controller('rulesets')
export class RulesetsController {
  constructor(private readonly plugins: PluginsService) {}

  @Get()
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'Loaded rulesets with their UI bundle URLs (the catalog clients revalidate)' })
  @ApiOkResponse({ type: [RulesetSummaryDto] })
  listRulesets(): RulesetSummary[] {
    return this.plugins.summaries('ruleset');
  }

  @Get(':id')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'One loaded ruleset' })
  @ApiOkResponse({ type: RulesetSummaryDto })
  getRuleset(@Param('id') id: string): RulesetSummary {
    return this.plugins.summary(id);
  }

  @Get(':id/default-sheet')
  @ApiOperation({ summary: 'A new, valid sheet of this ruleset' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  getDefaultSheet(@Param('id') id: string): Promise<Sheet> {
    return this.plugins.defaultSheet(id);
  }

  @Post(':id/validate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Validates a sheet: the JSON Schema, then the ruleset (field errors with dotted paths)' })
  @ApiOkResponse({ type: ValidationResultDto })
  async validateSheet(@Param('id') id: string, @Body() body: SheetRequestDto): Promise<ValidationResultDto> {
    const errors = await this.plugins.validate(id, body.sheet);
    return { valid: errors.length === 0, errors };
  }

  @Post(':id/stat-blocks')
  @HttpCode(200)
  @ApiOperation({ summary: 'Derived values of a valid sheet (422 with field errors when invalid)' })
  @ApiOkResponse({ type: StatBlocksDto })
  async getStatBlocks(@Param('id') id: string, @Body() body: SheetRequestDto): Promise<StatBlocksDto> {
    return { statBlocks: await this.plugins.statBlocks(id, body.sheet) };
  }

  @Post(':id/dice-actions')
  @HttpCode(200)
  @ApiOperation({ summary: 'The rolls a valid sheet offers, with TaleSpire dice strings' })
  @ApiOkResponse({ type: DiceActionsDto })
  async getDiceActions(@Param('id') id: string, @Body() body: SheetRequestDto): Promise<DiceActionsDto> {
    return { diceActions: await this.plugins.diceActions(id, body.sheet) };
  }

  @Post(':id/resolve-roll')
  @HttpCode(200)
  @ApiOperation({ summary: 'Interprets rolled faces for one dice action in the ruleset’s terms' })
  @ApiOkResponse({ type: RollOutcomeDto })
  resolveRoll(@Param('id') id: string, @Body() body: ResolveRollRequestDto): Promise<RollOutcomeDto> {
    const options = body.modifier === undefined ? undefined : { modifier: body.modifier };
    return this.plugins.resolveRoll(id, body.sheet, body.actionId, body.faces, options);
  }
}
