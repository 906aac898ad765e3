import { Injectable } from '@nestjs/common';
import { NpcsService } from '../npcs/npcs.service.js';
import type { NpcDto } from '../npcs/dto/npc.dto.js';
import type { CommandContext } from './command-context.js';
import { DiscordCampaignsService } from './discord-campaigns.service.js';
import { clip, fitEmbed } from './discord-embeds.js';
import type { Choice, MessageData } from './discord-types.js';
import { UserFacingError } from './user-facing-error.js';

/** `/npc list` and `/npc show`: what the caller may see (the DM: every NPC; players: the revealed ones). */
@Injectable()
export class NpcCommands {
  constructor(
    private readonly campaigns: DiscordCampaignsService,
    private readonly npcs: NpcsService,
  ) {}

  async list(context: CommandContext): Promise<MessageData> {
    const userId = context.requireUser();
    const campaign = await this.campaigns.resolve(userId, context.interaction, context.string('campaign'));
    const npcs = await this.npcs.list(userId, campaign.id);
    const lines = npcs.map((npc) => `• ${npc.name}${campaign.role === 'dm' && !npc.revealed ? ' (hidden)' : ''}`);
    return {
      embeds: [
        fitEmbed({
          title: `NPCs of ${campaign.name}`,
          description: lines.length > 0 ? lines.join('\n') : 'No NPCs to show yet.',
        }),
      ],
      allowed_mentions: { parse: [] },
    };
  }

  async show(context: CommandContext): Promise<MessageData> {
    const userId = context.requireUser();
    const campaign = await this.campaigns.resolve(userId, context.interaction, context.string('campaign'));
    const named = context.string('name') ?? '';
    const npcs = await this.npcs.list(userId, campaign.id);
    const npc =
      npcs.find((entry) => entry.id === named) ??
      npcs.find((entry) => entry.name.toLowerCase() === named.toLowerCase());
    if (!npc)
      throw new UserFacingError(`There is no NPC called “${clip(named, 100)}” you can see in ${campaign.name}.`);
    return { embeds: [npcEmbed(npc, campaign.name)], allowed_mentions: { parse: [] } };
  }

  async choices(context: CommandContext): Promise<Choice[]> {
    if (!context.userId) return [];
    const campaign = await this.campaigns.resolve(context.userId, context.interaction, context.string('campaign'));
    const typed = String(context.focused?.value ?? '').toLowerCase();
    return (await this.npcs.list(context.userId, campaign.id))
      .filter((npc) => npc.name.toLowerCase().includes(typed))
      .slice(0, 25)
      .map((npc) => ({ name: clip(npc.name, 100), value: npc.id }));
  }
}

function npcEmbed(npc: NpcDto, campaignName: string): ReturnType<typeof fitEmbed> {
  return fitEmbed({
    title: npc.name,
    ...(npc.portraitUrl ? { thumbnail: { url: npc.portraitUrl } } : {}),
    description: npc.revealed ? undefined : 'Hidden from players.',
    fields: npc.statBlocks.map((block) => ({
      name: block.label,
      value: block.stats.map((stat) => `${stat.label}: **${stat.value}**`).join('\n'),
      inline: true,
    })),
    footer: { text: campaignName },
  });
}
