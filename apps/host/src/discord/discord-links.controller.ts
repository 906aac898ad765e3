import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator.js';
import { Public } from '../auth/public.decorator.js';
import { DiscordAccountsService } from './discord-accounts.service.js';
import { DiscordAccountDto, DiscordLinkPreviewDto, MyDiscordAccountDto } from './dto/discord.dto.js';

/** Linking a Discord user to an account: `/link` gives a link into the web app, whose page confirms it here. */
@ApiTags('discord')
@Controller()
export class DiscordLinksController {
  constructor(private readonly accounts: DiscordAccountsService) {}

  @Public()
  @Get('discord/links/:token')
  @ApiOperation({ summary: 'Who asked for a Discord link (shown before confirming)' })
  @ApiOkResponse({ type: DiscordLinkPreviewDto })
  @ApiNotFoundResponse({ description: 'The link expired, was used, or never existed' })
  getDiscordLink(@Param('token') token: string): Promise<DiscordLinkPreviewDto> {
    return this.accounts.preview(token);
  }

  @Post('discord/links/:token')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Bind the link’s Discord user to my account (the link is used up)' })
  @ApiOkResponse({ type: DiscordAccountDto })
  @ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' })
  @ApiNotFoundResponse({ description: 'The link expired, was used, or never existed' })
  confirmDiscordLink(@CurrentUser() caller: AuthUser, @Param('token') token: string): Promise<DiscordAccountDto> {
    return this.accounts.confirm(caller.id, token);
  }

  @Get('me/discord')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'My linked Discord account (account null when none)' })
  @ApiOkResponse({ type: MyDiscordAccountDto })
  @ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' })
  getMyDiscordAccount(@CurrentUser() caller: AuthUser): Promise<MyDiscordAccountDto> {
    return this.accounts.mine(caller.id);
  }

  @Delete('me/discord')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Unlink my Discord account (nothing happens when none is linked)' })
  @ApiNoContentResponse()
  @ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' })
  async unlinkMyDiscordAccount(@CurrentUser() caller: AuthUser): Promise<void> {
    await this.accounts.unlinkUser(caller.id);
  }
}
