import type { JsonObject } from '@cm/ruleset-sdk';
import { Inject, Injectable } from '@nestjs/common';
import { CampaignImportService } from '../campaign-import/campaign-import.service.js';
import { CharacterFilesService } from '../characters/character-files.service.js';
import { GroupCharactersService } from '../characters/group-characters.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { ResolvedConfig } from '../config/app-config.js';
import type { CommandContext } from './command-context.js';
import { DiscordApi } from './discord-api.js';
import { DiscordCampaignsService } from './discord-campaigns.service.js';
import { clip, fitEmbed } from './discord-embeds.js';
import type { DiscordAttachment, MessageData } from './discord-types.js';
import { UserFacingError } from './user-facing-error.js';

/** Discord's CDN hosts; attachments are fetched from nowhere else (plus the configured API host, for stand-ins). */
const CDN_HOSTS = new Set(['cdn.discordapp.com', 'media.discordapp.net']);

/**
 * `/campaign load file:`: a campaign YAML file is imported for the caller as its DM (and becomes the one played
 * here); a `.cmchar` file becomes the caller's character in the campaign played here. Both through the same
 * services as the web app and the CLI.
 */
@Injectable()
export class LoadCommand {
  private readonly api: DiscordApi;
  private readonly maxBytes: number;
  private readonly allowedHosts: Set<string>;

  constructor(
    @Inject(APP_CONFIG) config: ResolvedConfig,
    private readonly campaigns: DiscordCampaignsService,
    private readonly importer: CampaignImportService,
    private readonly files: CharacterFilesService,
    private readonly groupCharacters: GroupCharactersService,
  ) {
    const discord = config.discord ?? {
      apiBaseUrl: 'https://discord.com/api/v10',
      applicationId: undefined,
      botToken: undefined,
      attachmentMaxBytes: 1_048_576,
    };
    this.api = new DiscordApi(discord);
    this.maxBytes = discord.attachmentMaxBytes;
    this.allowedHosts = new Set([...CDN_HOSTS, new URL(discord.apiBaseUrl).host]);
  }

  async load(context: CommandContext): Promise<MessageData> {
    const userId = context.requireUser();
    const attachment = this.attachment(context);
    const kind = /\.cmchar$/i.test(attachment.filename)
      ? 'cmchar'
      : /\.ya?ml$/i.test(attachment.filename)
        ? 'yaml'
        : undefined;
    if (!kind) throw new UserFacingError('Attach a campaign file (.yaml or .yml) or a character file (.cmchar).');
    if (attachment.size > this.maxBytes)
      throw new UserFacingError(`The file is too large (${kb(attachment.size)}); at most ${kb(this.maxBytes)}.`);
    const text = await this.download(attachment);
    return kind === 'yaml' ? this.loadCampaign(context, userId, text) : this.loadCharacter(context, userId, text);
  }

  private async loadCampaign(context: CommandContext, userId: string, text: string): Promise<MessageData> {
    const report = await this.importer.import(userId, text);
    await this.campaigns.choose(userId, context.interaction, report.groupId);
    const verb = { create: 'created', update: 'updated', unchanged: 'unchanged' };
    const lines = report.npcs.map((npc) => `• ${npc.name}: ${verb[npc.change]}`);
    return {
      embeds: [
        fitEmbed({
          title: `${report.name} ${verb[report.campaign]}`,
          description: `${context.interaction.guild_id ? 'This server' : 'Your direct messages with me'} now play${context.interaction.guild_id ? 's' : ''} it.`,
          fields: [{ name: `NPCs (${report.npcs.length})`, value: lines.join('\n') || '—' }],
        }),
      ],
      allowed_mentions: { parse: [] },
    };
  }

  private async loadCharacter(context: CommandContext, userId: string, text: string): Promise<MessageData> {
    const campaign = await this.campaigns.resolve(userId, context.interaction, context.string('campaign'));
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      throw new UserFacingError('The .cmchar file is not valid JSON.');
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document))
      throw new UserFacingError('The .cmchar file does not hold a character.');
    const imported = await this.files.import(userId, { format: 'cmchar', document: document as JsonObject });
    await this.groupCharacters.assign(userId, campaign.id, imported.character.id, true);
    return {
      content: `**${clip(imported.character.name, 100)}** is now your active character in ${clip(campaign.name, 100)}.`,
      allowed_mentions: { parse: [] },
    };
  }

  private attachment(context: CommandContext): DiscordAttachment {
    const id = context.string('file');
    const attachment = id ? context.interaction.data?.resolved?.attachments?.[id] : undefined;
    if (!attachment) throw new UserFacingError('Attach the file to the command (file:).');
    return attachment;
  }

  private async download(attachment: DiscordAttachment): Promise<string> {
    let url: URL;
    try {
      url = new URL(attachment.url);
    } catch {
      throw new UserFacingError('Discord sent no usable link to the file; attach it again.');
    }
    if (!this.allowedHosts.has(url.host)) throw new UserFacingError('The file must be attached in Discord.');
    try {
      return (await this.api.download(url.toString(), this.maxBytes)).toString('utf8');
    } catch (error) {
      if ((error as Error).message === 'too large')
        throw new UserFacingError(`The file is larger than ${kb(this.maxBytes)}.`);
      throw new UserFacingError('Could not fetch the file from Discord; attach it again.');
    }
  }
}

function kb(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KB`;
}
