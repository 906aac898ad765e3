import { Body, Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { KeyObject } from 'node:crypto';
import { Public } from '../auth/public.decorator.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { DiscordConfig, ResolvedConfig } from '../config/app-config.js';
import { DiscordInteractionsService } from './discord-interactions.service.js';
import { importDiscordPublicKey, isValidDiscordRequest } from './discord-signature.js';
import type { Interaction, InteractionResponse } from './discord-types.js';

/**
 * Discord's Interactions Endpoint URL. Public, but every request must carry Discord's Ed25519 signature over the
 * raw body and a fresh timestamp (401 otherwise: Discord itself sends bad signatures to check). 404 while
 * DISCORD_PUBLIC_KEY is unset.
 */
@Public()
@Controller('discord/interactions')
export class DiscordInteractionsController {
  private readonly config: DiscordConfig | undefined;
  private readonly key: KeyObject | undefined;

  constructor(
    @Inject(APP_CONFIG) config: ResolvedConfig,
    private readonly interactions: DiscordInteractionsService,
  ) {
    this.config = config.discord;
    this.key = config.discord ? importDiscordPublicKey(config.discord.publicKey) : undefined;
  }

  @Post()
  @HttpCode(200)
  @ApiExcludeEndpoint()
  handleDiscordInteraction(
    @Req() request: FastifyRequest & { rawBody?: Buffer },
    @Headers('x-signature-ed25519') signature: string | undefined,
    @Headers('x-signature-timestamp') timestamp: string | undefined,
    @Body() body: Interaction,
  ): Promise<InteractionResponse> {
    if (!this.config || !this.key) throw new DomainError('not_found', 'Discord is not configured on this host');
    const signed = { signature, timestamp, rawBody: request.rawBody };
    if (!isValidDiscordRequest(this.key, signed, this.config.timestampSkewSeconds))
      throw new DomainError('unauthenticated', 'Invalid request signature');
    return this.interactions.handle(body);
  }
}
