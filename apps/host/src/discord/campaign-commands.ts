import { Injectable } from '@nestjs/common';
import { DiceService } from '../dice/dice.service.js';
import { GroupsService } from '../groups/groups.service.js';
import { GroupCharactersService } from '../characters/group-characters.service.js';
import { RulesetCatalog } from '../plugins/ruleset-catalog.js';
import type { CommandContext } from './command-context.js';
import { DiscordAccountsService } from './discord-accounts.service.js';
import { DiscordCampaignsService } from './discord-campaigns.service.js';
import { clip, fitEmbed } from './discord-embeds.js';
import { EPHEMERAL, type Choice, type MessageData } from './discord-types.js';
import { UserFacingError } from './user-facing-error.js';

/** `/link`, `/unlink` and `/campaign info|switch|create`. */
@Injectable()
export class CampaignCommands {
  constructor(
    private readonly accounts: DiscordAccountsService,
    private readonly campaigns: DiscordCampaignsService,
    private readonly groups: GroupsService,
    private readonly groupCharacters: GroupCharactersService,
    private readonly dice: DiceService,
    private readonly rulesets: RulesetCatalog,
  ) {}

  async link(context: CommandContext): Promise<MessageData> {
    if (context.userId) {
      return ephemeral('Your Discord account is already linked. Run /unlink first to link another account.');
    }
    const url = await this.accounts.startLink(context.caller);
    return ephemeral(
      `Open this link while logged in to Campaign Manager and confirm (it works once, for 10 minutes):\n${url}`,
    );
  }

  async unlink(context: CommandContext): Promise<MessageData> {
    const removed = await this.accounts.unlinkDiscordUser(context.caller.id);
    return ephemeral(removed ? 'Your Discord account is no longer linked.' : 'Your Discord account was not linked.');
  }

  async info(context: CommandContext): Promise<MessageData> {
    const userId = context.requireUser();
    const campaign = await this.campaigns.resolve(userId, context.interaction, context.string('campaign'));
    const [group, members, characters, rolls] = await Promise.all([
      this.groups.get(userId, campaign.id),
      this.groups.members(userId, campaign.id),
      this.groupCharacters.list(userId, campaign.id),
      this.dice.list(userId, campaign.id, { limit: 5 }),
    ]);
    const names = new Map(members.map((member) => [member.userId, member.displayName]));
    const ruleset = this.rulesets.find(group.rulesetId)?.name ?? group.rulesetId;
    return {
      embeds: [
        fitEmbed({
          title: group.name,
          description: group.description || undefined,
          fields: [
            { name: 'Ruleset', value: ruleset, inline: true },
            { name: 'DM', value: names.get(group.dmUserId) ?? '—', inline: true },
            { name: `Members (${members.length})`, value: listText(members.map((member) => member.displayName)) },
            {
              name: `Characters (${characters.length})`,
              value: listText(characters.map((character) => `${character.name} (${character.ownerDisplayName})`)),
            },
            {
              name: 'Last rolls',
              value: listText(
                rolls.items.map(
                  (roll) =>
                    `${names.get(roll.userId) ?? 'someone'}: ${roll.label} → ${roll.value ?? roll.outcome?.label ?? roll.diceTotal}`,
                ),
              ),
            },
          ],
        }),
      ],
      allowed_mentions: { parse: [] },
    };
  }

  async switchCampaign(context: CommandContext): Promise<MessageData> {
    const userId = context.requireUser();
    const campaign = await this.campaigns.switchTo(userId, context.interaction, context.string('name') ?? '');
    return { content: `${where(context)} now plays **${clip(campaign.name, 100)}**.`, allowed_mentions: { parse: [] } };
  }

  async create(context: CommandContext): Promise<MessageData> {
    const userId = context.requireUser();
    const name = context.string('name') ?? '';
    if (name.length < 1 || name.length > 100)
      throw new UserFacingError('Give the campaign a name of 1 to 100 characters.');
    const rulesetId = this.rulesetId(context.string('ruleset') ?? '');
    const group = await this.groups.create(userId, { name, rulesetId });
    await this.campaigns.choose(userId, context.interaction, group.id);
    return {
      content: `Created **${clip(group.name, 100)}** (${this.rulesets.find(rulesetId)?.name ?? rulesetId}); you are its DM and ${where(context).toLowerCase()} now plays it. Invite players from the web app.`,
      allowed_mentions: { parse: [] },
    };
  }

  async campaignChoices(context: CommandContext): Promise<Choice[]> {
    return context.userId ? this.campaigns.choices(context.userId, String(context.focused?.value ?? '')) : [];
  }

  rulesetChoices(context: CommandContext): Choice[] {
    const typed = String(context.focused?.value ?? '').toLowerCase();
    return this.rulesets
      .list()
      .filter((ruleset) => `${ruleset.name} ${ruleset.id}`.toLowerCase().includes(typed))
      .slice(0, 25)
      .map((ruleset) => ({ name: clip(ruleset.name, 100), value: ruleset.id }));
  }

  /** A ruleset by id (from autocomplete) or by name (typed by hand). */
  private rulesetId(typed: string): string {
    const found = this.rulesets
      .list()
      .find((ruleset) => ruleset.id === typed || ruleset.name.toLowerCase() === typed.toLowerCase());
    return found?.id ?? typed;
  }
}

export function ephemeral(content: string): MessageData {
  return { content, flags: EPHEMERAL, allowed_mentions: { parse: [] } };
}

function where(context: CommandContext): string {
  return context.interaction.guild_id ? 'This server' : 'Your direct messages with me';
}

function listText(lines: string[]): string {
  return lines.length === 0 ? '—' : clip(lines.join('\n'), 1024);
}
