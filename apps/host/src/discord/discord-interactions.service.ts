import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { DiscordConfig, ResolvedConfig } from '../config/app-config.js';
import { CampaignCommands, ephemeral } from './campaign-commands.js';
import { CommandContext } from './command-context.js';
import { DiscordAccountsService } from './discord-accounts.service.js';
import { DiscordApi } from './discord-api.js';
import {
  CallbackType,
  EPHEMERAL,
  InteractionType,
  type Choice,
  type Interaction,
  type InteractionResponse,
  type MessageData,
} from './discord-types.js';
import { LoadCommand } from './load-command.js';
import { NpcCommands } from './npc-commands.js';
import { PlayCommands } from './play-commands.js';
import { UserFacingError } from './user-facing-error.js';

type Handler = (context: CommandContext) => Promise<MessageData>;
type Completer = (context: CommandContext) => Promise<Choice[]> | Choice[];

/**
 * Answers verified interactions: PING, slash commands, autocomplete and the "Roll again" button. A command that
 * has not finished after DISCORD_DEFER_AFTER_MS is answered "thinking…" (type 5), well inside Discord's 3-second
 * deadline, and finished through the interaction webhook.
 */
@Injectable()
export class DiscordInteractionsService implements OnApplicationShutdown {
  private readonly logger = new Logger(DiscordInteractionsService.name);
  private readonly api: DiscordApi | undefined;
  private readonly followUps = new Set<Promise<void>>();
  private readonly commands: Record<string, Handler>;
  private readonly completers: Record<string, Completer>;
  private readonly repeat: (context: CommandContext, key: string) => Promise<MessageData>;
  private readonly config: DiscordConfig | undefined;

  constructor(
    @Inject(APP_CONFIG) config: ResolvedConfig,
    private readonly accounts: DiscordAccountsService,
    campaign: CampaignCommands,
    play: PlayCommands,
    npc: NpcCommands,
    load: LoadCommand,
  ) {
    this.config = config.discord;
    this.api = config.discord ? new DiscordApi(config.discord) : undefined;
    // Commands by "name sub"; completers by "name sub option" (`campaign`: the campaign: option of any command).
    this.commands = {
      link: (c) => campaign.link(c),
      unlink: (c) => campaign.unlink(c),
      'campaign info': (c) => campaign.info(c),
      'campaign switch': (c) => campaign.switchCampaign(c),
      'campaign create': (c) => campaign.create(c),
      'campaign load': (c) => load.load(c),
      roll: (c) => play.roll(c),
      character: (c) => play.character(c),
      hp: (c) => play.hp(c),
      'npc list': (c) => npc.list(c),
      'npc show': (c) => npc.show(c),
    };
    this.completers = {
      'campaign switch name': (c) => campaign.campaignChoices(c),
      'campaign create ruleset': (c) => campaign.rulesetChoices(c),
      campaign: (c) => campaign.campaignChoices(c),
      'roll action': (c) => play.actionChoices(c),
      'character switch': (c) => play.characterChoices(c, false),
      'hp character': (c) => play.characterChoices(c, true),
      'hp resource': (c) => play.resourceChoices(c),
      'npc show name': (c) => npc.choices(c),
    };
    this.repeat = (c, key) => play.repeat(c, key);
  }

  async handle(interaction: Interaction): Promise<InteractionResponse> {
    if (interaction.type === InteractionType.Ping) return { type: CallbackType.Pong };
    const userId = await this.linkedUser(interaction);
    if (interaction.type === InteractionType.Autocomplete) return this.autocomplete(interaction, userId);
    if (interaction.type === InteractionType.Command) {
      const context = new CommandContext(interaction, userId);
      const handler = this.commands[context.key];
      if (!handler)
        return {
          type: CallbackType.Message,
          data: ephemeral('I do not know that command. Ask the server’s admin to update my commands.'),
        };
      return this.answer(interaction, () => handler(context));
    }
    if (interaction.type === InteractionType.Component) {
      const customId = interaction.data?.custom_id ?? '';
      const context = new CommandContext(interaction, userId);
      if (customId.startsWith('again:')) return this.answer(interaction, () => this.repeat(context, customId.slice(6)));
      return { type: CallbackType.Message, data: ephemeral('This button no longer works.') };
    }
    return { type: CallbackType.Message, data: ephemeral('I cannot answer this kind of interaction.') };
  }

  /** Waits for deferred answers still being sent. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.followUps]);
  }

  private async linkedUser(interaction: Interaction): Promise<string | undefined> {
    const discordUserId = interaction.member?.user.id ?? interaction.user?.id;
    return discordUserId ? this.accounts.userIdOf(discordUserId) : undefined;
  }

  private async autocomplete(interaction: Interaction, userId: string | undefined): Promise<InteractionResponse> {
    const context = new CommandContext(interaction, userId);
    const focused = context.focused?.name ?? '';
    const completer =
      this.completers[`${context.key} ${focused}`] ?? (focused === 'campaign' ? this.completers.campaign : undefined);
    let choices: Choice[] = [];
    try {
      choices = completer ? await completer(context) : [];
    } catch (error) {
      // Nothing to offer (no campaign here, no character): the command itself will explain.
      if (!(error instanceof UserFacingError || error instanceof DomainError)) this.logger.error(error);
    }
    return { type: CallbackType.Autocomplete, data: { choices: choices.slice(0, 25) } };
  }

  /** The handler's answer, inline when it is quick, else deferred and sent as an edit of the deferred answer. */
  private async answer(interaction: Interaction, run: () => Promise<MessageData>): Promise<InteractionResponse> {
    const work = run().catch((error: unknown) => this.failure(error));
    const deferAfter = this.config?.deferAfterMs ?? 2000;
    let timer: NodeJS.Timeout | undefined;
    // 0 means: always defer.
    const quick =
      deferAfter === 0
        ? undefined
        : await Promise.race([
            work,
            new Promise<undefined>((resolve) => (timer = setTimeout(resolve, deferAfter, undefined))),
          ]);
    clearTimeout(timer);
    if (quick) return { type: CallbackType.Message, data: quick };
    const followUp = work
      .then((message) => this.finish(interaction.token, message))
      .catch((error: unknown) => this.logger.error(`Could not send a deferred answer: ${String(error)}`))
      .finally(() => this.followUps.delete(followUp));
    this.followUps.add(followUp);
    return { type: CallbackType.DeferredMessage };
  }

  /**
   * Sends a deferred command's answer. A deferred answer is public and stays so; a private one (an error, a link)
   * replaces it by deleting it and posting an ephemeral follow-up.
   */
  private async finish(token: string, message: MessageData): Promise<void> {
    if (!this.api) return;
    if (((message.flags ?? 0) & EPHEMERAL) === 0) return this.api.editOriginal(token, message);
    await this.api.deleteOriginal(token);
    await this.api.followUp(token, message);
  }

  /** What the user reads when a command fails: the reason in plain words, never a stack or an internal id. */
  private failure(error: unknown): MessageData {
    if (error instanceof UserFacingError) return ephemeral(error.message);
    if (error instanceof DomainError) {
      const fields = (error.extras.errors ?? []).map(
        (field) => `• ${field.path ? `${field.path}: ` : ''}${field.message}`,
      );
      return ephemeral(
        [
          error.code === 'not_found' ? `${error.message}.`.replace(/\.\.$/, '.') : error.message,
          ...fields.slice(0, 10),
        ].join('\n'),
      );
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return ephemeral('Something went wrong on our side. Try again in a moment.');
  }
}
