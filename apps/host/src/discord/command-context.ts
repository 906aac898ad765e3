import type { CommandOption, DiscordUser, Interaction } from './discord-types.js';
import { commandPath, invoker } from './discord-types.js';
import { UserFacingError } from './user-facing-error.js';

/** One interaction as a command handler reads it: the caller, the subcommand and the options by name. */
export class CommandContext {
  readonly caller: DiscordUser;
  readonly sub: string | undefined;
  private readonly options: CommandOption[];

  constructor(
    readonly interaction: Interaction,
    /** The caller's account, when their Discord user is linked. */
    readonly userId: string | undefined,
  ) {
    const caller = invoker(interaction);
    if (!caller) throw new UserFacingError('Discord did not say who you are; try again.');
    this.caller = caller;
    const path = commandPath(interaction);
    this.sub = path.sub;
    this.options = path.options;
  }

  get command(): string {
    return this.interaction.data?.name ?? '';
  }

  /** The command and subcommand, e.g. `campaign switch`. */
  get key(): string {
    return this.sub ? `${this.command} ${this.sub}` : this.command;
  }

  /** The option being typed (autocomplete). */
  get focused(): CommandOption | undefined {
    return this.options.find((option) => option.focused);
  }

  string(name: string): string | undefined {
    const value = this.options.find((option) => option.name === name)?.value;
    return value === undefined || value === '' ? undefined : String(value).trim();
  }

  integer(name: string): number | undefined {
    const value = this.options.find((option) => option.name === name)?.value;
    return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
  }

  /** The caller's account; an unlinked caller is told how to link. */
  requireUser(): string {
    if (!this.userId) {
      throw new UserFacingError(
        'Your Discord account is not linked to Campaign Manager yet. Run /link and open the link it gives you.',
      );
    }
    return this.userId;
  }

  /** The caller's name as Discord shows it. */
  get callerName(): string {
    return this.caller.global_name ?? this.caller.username;
  }
}
