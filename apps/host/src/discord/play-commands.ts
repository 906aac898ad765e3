import { randomBytes } from 'node:crypto';
import type { DiceAction } from '@cm/ruleset-sdk';
import { Inject, Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { CharacterResourcesService } from '../characters/character-resources.service.js';
import { GroupCharactersService } from '../characters/group-characters.service.js';
import { DiceService } from '../dice/dice.service.js';
import type { CreateRollDto } from '../dice/dto/roll-requests.dto.js';
import { GroupCharacterSheets, type GroupCharacterSheet } from '../dice/group-character-sheets.js';
import { RulesetCatalog } from '../plugins/ruleset-catalog.js';
import { KEY_VALUE_STORE, type KeyValueStore } from '../store/key-value-store.js';
import type { CommandContext } from './command-context.js';
import { DiscordCampaignsService, type Campaign } from './discord-campaigns.service.js';
import { clip, fitEmbed, rollEmbed, signed } from './discord-embeds.js';
import type { Choice, MessageData } from './discord-types.js';
import { UserFacingError } from './user-facing-error.js';

/** A roll the "Roll again" button repeats (kept for a day under the button's id). */
interface RepeatableRoll {
  groupId: string;
  body: CreateRollDto;
}

const REPEAT_TTL_MS = 24 * 3600_000;

/** `/roll`, `/character`, `/hp` and the "Roll again" button. */
@Injectable()
export class PlayCommands {
  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    @Inject(KEY_VALUE_STORE) private readonly store: KeyValueStore,
    private readonly campaigns: DiscordCampaignsService,
    private readonly dice: DiceService,
    private readonly sheets: GroupCharacterSheets,
    private readonly groupCharacters: GroupCharactersService,
    private readonly resources: CharacterResourcesService,
    private readonly rulesets: RulesetCatalog,
  ) {}

  async roll(context: CommandContext): Promise<MessageData> {
    const userId = context.requireUser();
    const campaign = await this.campaigns.resolve(userId, context.interaction, context.string('campaign'));
    const notation = context.string('notation');
    const actionText = context.string('action');
    if ((notation === undefined) === (actionText === undefined))
      throw new UserFacingError('Give either notation: (like 2d20kh1+3) or action: (one of your character’s rolls).');
    const label = context.string('label');
    let body: CreateRollDto;
    if (notation !== undefined) {
      if (context.integer('modifier') !== undefined)
        throw new UserFacingError('A modifier goes with action:; add it to the notation instead (2d6+3).');
      body = { notation, ...(label ? { label } : {}) };
    } else {
      const character = await this.activeCharacter(userId, campaign);
      const action = findAction(await this.sheets.diceActions(character), actionText!);
      const modifier = context.integer('modifier');
      body = {
        characterId: character.id,
        actionId: action.id,
        ...(modifier === undefined ? {} : { modifier }),
        ...(label ? { label } : {}),
      };
    }
    return this.rollAndAnswer(userId, context.callerName, campaign, body);
  }

  /** The "Roll again" button: the same roll for whoever presses it (their rights are checked again). */
  async repeat(context: CommandContext, key: string): Promise<MessageData> {
    const userId = context.requireUser();
    const stored = /^[A-Za-z0-9_-]{1,40}$/.test(key) ? await this.store.get(`discord:again:${key}`) : null;
    if (!stored) throw new UserFacingError('This roll can no longer be repeated; use /roll.');
    const { groupId, body } = JSON.parse(stored) as RepeatableRoll;
    const campaign = await this.campaigns.resolve(userId, context.interaction, groupId);
    return this.rollAndAnswer(userId, context.callerName, campaign, body);
  }

  async character(context: CommandContext): Promise<MessageData> {
    const userId = context.requireUser();
    const campaign = await this.campaigns.resolve(userId, context.interaction, context.string('campaign'));
    const switchTo = context.string('switch');
    if (switchTo !== undefined) {
      const mine = (await this.groupCharacters.list(userId, campaign.id)).filter((entry) => entry.ownerId === userId);
      const chosen = mine.find(
        (entry) => entry.characterId === switchTo || entry.name.toLowerCase() === switchTo.toLowerCase(),
      );
      if (!chosen)
        throw new UserFacingError(`You have no character called “${clip(switchTo, 100)}” in ${campaign.name}.`);
      await this.groupCharacters.assign(userId, campaign.id, chosen.characterId, true);
    }
    const character = await this.activeCharacter(userId, campaign);
    const blocks = await this.rulesets.statBlocks(character.rulesetId, character.sheet);
    return {
      ...(switchTo === undefined ? {} : { content: `**${clip(character.name, 100)}** is now your active character.` }),
      embeds: [
        fitEmbed({
          title: character.name,
          footer: { text: campaign.name },
          fields: blocks.map((block) => ({
            name: block.label,
            value: block.stats.map((stat) => `${stat.label}: **${stat.value}**`).join('\n'),
            inline: true,
          })),
        }),
      ],
      allowed_mentions: { parse: [] },
    };
  }

  async hp(context: CommandContext): Promise<MessageData> {
    const userId = context.requireUser();
    const campaign = await this.campaigns.resolve(userId, context.interaction, context.string('campaign'));
    const delta = context.integer('delta');
    if (delta === undefined) throw new UserFacingError('Give delta: as a whole number, like -5 or 3.');
    const character = await this.targetCharacter(userId, campaign, context.string('character'));
    const states = await this.rulesets.resources(character.rulesetId, character.sheet);
    const named = context.string('resource');
    const resource = named
      ? states.find((state) => state.id === named || state.label.toLowerCase() === named.toLowerCase())
      : states[0];
    if (!resource) {
      throw new UserFacingError(
        named ? `${character.name} has no resource “${clip(named, 100)}”.` : `${character.name} has no resources.`,
      );
    }
    const change = await this.resources.applyDelta(userId, character.id, { resource: resource.id, delta });
    const max = change.max === null ? '' : ` / ${change.max}`;
    return {
      content: `**${clip(character.name, 100)}** ${resource.label}: ${signed(change.appliedDelta)} → **${change.value}${max}**`,
      allowed_mentions: { parse: [] },
    };
  }

  async actionChoices(context: CommandContext): Promise<Choice[]> {
    if (!context.userId) return [];
    const campaign = await this.campaigns.resolve(context.userId, context.interaction, context.string('campaign'));
    const character = await this.activeCharacter(context.userId, campaign);
    const typed = String(context.focused?.value ?? '').toLowerCase();
    return (await this.sheets.diceActions(character))
      .filter((action) => action.label.toLowerCase().includes(typed))
      .slice(0, 25)
      .map((action) => ({ name: clip(action.label, 100), value: action.id.slice(0, 100) }));
  }

  async characterChoices(context: CommandContext, everyoneForDm: boolean): Promise<Choice[]> {
    if (!context.userId) return [];
    const userId = context.userId;
    const campaign = await this.campaigns.resolve(userId, context.interaction, context.string('campaign'));
    const typed = String(context.focused?.value ?? '').toLowerCase();
    return (await this.groupCharacters.list(userId, campaign.id))
      .filter((entry) => entry.ownerId === userId || (everyoneForDm && campaign.role === 'dm'))
      .filter((entry) => entry.name.toLowerCase().includes(typed))
      .slice(0, 25)
      .map((entry) => ({ name: clip(entry.name, 100), value: entry.characterId }));
  }

  async resourceChoices(context: CommandContext): Promise<Choice[]> {
    if (!context.userId) return [];
    const campaign = await this.campaigns.resolve(context.userId, context.interaction, context.string('campaign'));
    const character = await this.targetCharacter(context.userId, campaign, context.string('character'));
    return (await this.rulesets.resources(character.rulesetId, character.sheet))
      .slice(0, 25)
      .map((state) => ({ name: clip(state.label, 100), value: state.id }));
  }

  private async rollAndAnswer(
    userId: string,
    rollerName: string,
    campaign: Campaign,
    body: CreateRollDto,
  ): Promise<MessageData> {
    const roll = await this.dice.create(userId, campaign.id, body, 'discord');
    const key = randomBytes(12).toString('base64url');
    const repeatable: RepeatableRoll = { groupId: campaign.id, body };
    await this.store.set(`discord:again:${key}`, JSON.stringify(repeatable), REPEAT_TTL_MS);
    return {
      embeds: [rollEmbed(roll, rollerName, campaign.name)],
      components: [{ type: 1, components: [{ type: 2, style: 2, label: 'Roll again', custom_id: `again:${key}` }] }],
      allowed_mentions: { parse: [] },
    };
  }

  /** The caller's active character in the campaign. */
  private async activeCharacter(userId: string, campaign: Campaign): Promise<GroupCharacterSheet> {
    const rows: Array<{ character_id: string }> = await this.manager.query(
      `SELECT "character_id" FROM "group_characters" WHERE "group_id" = $1 AND "user_id" = $2 AND "is_active"`,
      [campaign.id, userId],
    );
    const character = rows[0] ? await this.sheets.find(campaign.id, rows[0].character_id) : undefined;
    if (!character) {
      throw new UserFacingError(
        `You have no active character in ${campaign.name}. Bring one into the campaign in the web app, or pick one with /character switch:.`,
      );
    }
    return character;
  }

  /** The named character (the caller's own, or any in the campaign for its DM), else the caller's active one. */
  private async targetCharacter(
    userId: string,
    campaign: Campaign,
    named: string | undefined,
  ): Promise<GroupCharacterSheet> {
    if (named === undefined) return this.activeCharacter(userId, campaign);
    const all = await this.sheets.list(campaign.id);
    const found = all.find(
      (character) =>
        (character.ownerId === userId || campaign.role === 'dm') &&
        (character.id === named || character.name.toLowerCase() === named.toLowerCase()),
    );
    if (!found)
      throw new UserFacingError(`You may not change a character called “${clip(named, 100)}” in ${campaign.name}.`);
    return found;
  }
}

/** An action by id (what autocomplete sends) or by its label (typed by hand). */
function findAction(actions: DiceAction[], typed: string): DiceAction {
  const found =
    actions.find((action) => action.id === typed) ??
    actions.find((action) => action.label.toLowerCase() === typed.toLowerCase());
  if (!found)
    throw new UserFacingError(`Your character has no roll called “${clip(typed, 100)}”; pick one from the list.`);
  return found;
}
