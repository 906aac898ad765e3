import type { FeatureCharacter, JsonValue } from '@cm/ruleset-sdk';
import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { DomainError } from '../common/domain-error.js';
import { FeatureActionResultDto, TryFeatureActionDto } from './dto/feature.dto.js';
import { FEATURE_LIMITS, refusal } from '../plugins/feature-result.js';
import { PluginRateLimitGuard } from '../plugins/plugin-rate-limit.guard.js';
import { FeaturePlugins, freshEntropy } from './feature-plugins.js';

/**
 * Runs a feature action against caller-supplied state and context and returns the resulting state without
 * storing anything: the playground's way to drive a feature panel with no group. Public like the ruleset
 * computations: plain JSON in, JSON out, rate limited per client and bounded by the body limit and the sandbox's limits.
 */
@ApiTags('plugins')
@Public()
@Controller('plugins/:pluginId/try')
export class FeatureTrialController {
  constructor(private readonly features: FeaturePlugins) {}

  @Post('actions/:action')
  @HttpCode(200)
  @UseGuards(PluginRateLimitGuard)
  @ApiTooManyRequestsResponse({ description: 'Too many plugin computations from this client (Retry-After)' })
  @ApiOperation({ summary: 'Try a feature action on supplied state (nothing is stored)' })
  @ApiOkResponse({ type: FeatureActionResultDto })
  async tryFeatureAction(
    @Param('pluginId') pluginId: string,
    @Param('action') action: string,
    @Body() body: TryFeatureActionDto,
  ): Promise<FeatureActionResultDto> {
    const plugin = this.features.requireAction(pluginId, action);
    if (JSON.stringify(body).length > FEATURE_LIMITS.maxInputChars * 4) {
      throw new DomainError('payload_too_large', 'The trial state and input are too large');
    }
    const state = body.state as Record<string, JsonValue>;
    const context = {
      groupId: 'playground',
      userId: 'playground-user',
      isDm: body.isDm,
      state,
      characters: body.characters.map((c): FeatureCharacter => ({ ...c, initiative: c.initiative ?? null })),
      entropy: freshEntropy(),
    };
    const result = await this.features.runAction(plugin, action, (body.input ?? null) as JsonValue, context);
    if (result.error) throw refusal(result.error);
    const next = { ...state };
    for (const [key, value] of result.changes) {
      if (value === null) delete next[key];
      else next[key] = value;
    }
    return { reply: result.reply, state: next };
  }
}
