import { Body, Controller, Get, Header, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Sheet } from '@cm/ruleset-sdk';
import { Public } from '../auth/public.decorator.js';
import { ResolveRollRequestDto, SheetRequestDto } from './dto/ruleset-requests.dto.js';
import {
  DiceActionsDto,
  ResourcesDto,
  RollOutcomeDto,
  RulesetSummaryDto,
  StatBlocksDto,
  ValidationResultDto,
} from './dto/ruleset-responses.dto.js';
import { PluginRateLimitGuard } from './plugin-rate-limit.guard.js';
import { PluginsService, type RulesetSummary } from './plugins.service.js';

/**
 * Installed rulesets and stateless computations on caller-supplied sheets. Public: nothing is stored; the
 * computations are rate limited per client (PluginRateLimitGuard) and bounded by the body limit and the
 * sandbox's time and memory limits.
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
  @UseGuards(PluginRateLimitGuard)
  @ApiTooManyRequestsResponse({ description: 'Too many plugin computations from this client (Retry-After)' })
  @ApiOperation({ summary: 'A new, valid sheet of this ruleset' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  getDefaultSheet(@Param('id') id: string): Promise<Sheet> {
    return this.plugins.defaultSheet(id);
  }

  @Post(':id/validate')
  @HttpCode(200)
  @UseGuards(PluginRateLimitGuard)
  @ApiTooManyRequestsResponse({ description: 'Too many plugin computations from this client (Retry-After)' })
  @ApiOperation({ summary: 'Validates a sheet: the JSON Schema, then the ruleset (field errors with dotted paths)' })
  @ApiOkResponse({ type: ValidationResultDto })
  async validateSheet(@Param('id') id: string, @Body() body: SheetRequestDto): Promise<ValidationResultDto> {
    const errors = await this.plugins.validate(id, body.sheet);
    return { valid: errors.length === 0, errors };
  }

  @Post(':id/stat-blocks')
  @HttpCode(200)
  @UseGuards(PluginRateLimitGuard)
  @ApiTooManyRequestsResponse({ description: 'Too many plugin computations from this client (Retry-After)' })
  @ApiOperation({ summary: 'Derived values of a valid sheet (422 with field errors when invalid)' })
  @ApiOkResponse({ type: StatBlocksDto })
  async getStatBlocks(@Param('id') id: string, @Body() body: SheetRequestDto): Promise<StatBlocksDto> {
    return { statBlocks: await this.plugins.statBlocks(id, body.sheet) };
  }

  @Post(':id/dice-actions')
  @HttpCode(200)
  @UseGuards(PluginRateLimitGuard)
  @ApiTooManyRequestsResponse({ description: 'Too many plugin computations from this client (Retry-After)' })
  @ApiOperation({ summary: 'The rolls a valid sheet offers, with TaleSpire dice strings' })
  @ApiOkResponse({ type: DiceActionsDto })
  async getDiceActions(@Param('id') id: string, @Body() body: SheetRequestDto): Promise<DiceActionsDto> {
    return { diceActions: await this.plugins.diceActions(id, body.sheet) };
  }

  @Post(':id/resources')
  @HttpCode(200)
  @UseGuards(PluginRateLimitGuard)
  @ApiTooManyRequestsResponse({ description: 'Too many plugin computations from this client (Retry-After)' })
  @ApiOperation({ summary: 'The resources of a valid sheet (HP bars, tracks of boxes, counters) with their bounds' })
  @ApiOkResponse({ type: ResourcesDto })
  async getResources(@Param('id') id: string, @Body() body: SheetRequestDto): Promise<ResourcesDto> {
    return { resources: await this.plugins.sheetResources(id, body.sheet) };
  }

  @Post(':id/resolve-roll')
  @HttpCode(200)
  @UseGuards(PluginRateLimitGuard)
  @ApiTooManyRequestsResponse({ description: 'Too many plugin computations from this client (Retry-After)' })
  @ApiOperation({
    summary: 'Interprets rolled faces for one dice action in the ruleset’s terms',
    description:
      'An unknown `actionId` or faces that do not fit the action’s dice string (one per die, 1..sides) are refused with 400 ' +
      'before the ruleset runs; an invalid sheet is 422 with field errors; a ruleset’s own refusal is 422 `ruleset_refused` ' +
      'with its `rulesetCode`.',
  })
  @ApiOkResponse({ type: RollOutcomeDto })
  resolveRoll(@Param('id') id: string, @Body() body: ResolveRollRequestDto): Promise<RollOutcomeDto> {
    return this.plugins.resolveRoll(id, body.sheet, body.actionId, body.faces, {
      modifier: body.modifier,
      target: body.target,
    });
  }
}
