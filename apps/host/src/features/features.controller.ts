import type { JsonValue } from '@cm/ruleset-sdk';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBearerAuth,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator.js';
import { FeatureActionDto, FeatureActionResultDto, FeatureStateDto } from './dto/feature.dto.js';
import { FeaturesService } from './features.service.js';

/** Feature plugins in a group: their state and their actions (members only). */
@ApiTags('plugins')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' })
@ApiNotFoundResponse({ description: 'No such group (or not a member), no such feature plugin or action' })
@Controller('groups/:id/plugins/:pluginId')
export class FeaturesController {
  constructor(private readonly features: FeaturesService) {}

  @Get('state')
  @ApiOperation({ summary: 'The feature plugin’s state in the group' })
  @ApiOkResponse({ type: FeatureStateDto })
  async getFeatureState(
    @CurrentUser() caller: AuthUser,
    @Param('id') groupId: string,
    @Param('pluginId') pluginId: string,
  ): Promise<FeatureStateDto> {
    return { state: await this.features.state(caller.id, groupId, pluginId) };
  }

  @Post('actions/:action')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run one of the plugin’s actions',
    description:
      'Runs in the plugin sandbox under a per-(plugin, group) lock; state changes are stored and announced as `plugin.state_changed` atomically.',
  })
  @ApiOkResponse({ type: FeatureActionResultDto })
  @ApiBadRequestResponse({ description: 'The plugin refused the input (`invalid_input`)' })
  @ApiForbiddenResponse({ description: 'The plugin refused the caller (e.g. a DM-only action)' })
  @ApiConflictResponse({ description: 'The plugin refused the action in the current state' })
  @ApiBadGatewayResponse({ description: 'The plugin failed (threw, timed out, bad result); nothing changed' })
  runFeatureAction(
    @CurrentUser() caller: AuthUser,
    @Param('id') groupId: string,
    @Param('pluginId') pluginId: string,
    @Param('action') action: string,
    @Body() body: FeatureActionDto,
  ): Promise<FeatureActionResultDto> {
    return this.features.act(caller.id, groupId, pluginId, action, (body.input ?? null) as JsonValue);
  }
}
