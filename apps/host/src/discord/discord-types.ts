/** The parts of Discord's interaction payloads this host reads (discord-api-docs, receiving-and-responding). */

export const InteractionType = { Ping: 1, Command: 2, Component: 3, Autocomplete: 4 } as const;
export const CallbackType = { Pong: 1, Message: 4, DeferredMessage: 5, DeferredUpdate: 6, Autocomplete: 8 } as const;
export const OptionType = { SubCommand: 1, String: 3, Integer: 4, Attachment: 11 } as const;
/** Message flag: only the caller sees the message. */
export const EPHEMERAL = 64;

export interface DiscordUser {
  id: string;
  username: string;
  global_name?: string | null;
}

export interface CommandOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: CommandOption[];
  focused?: boolean;
}

export interface DiscordAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  content_type?: string;
}

export interface Interaction {
  id: string;
  application_id: string;
  type: number;
  token: string;
  guild_id?: string;
  channel_id?: string;
  member?: { user: DiscordUser };
  user?: DiscordUser;
  data?: {
    name?: string;
    options?: CommandOption[];
    custom_id?: string;
    resolved?: { attachments?: Record<string, DiscordAttachment> };
  };
}

export interface EmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

export interface Embed {
  title?: string;
  description?: string;
  color?: number;
  fields?: EmbedField[];
  footer?: { text: string };
  thumbnail?: { url: string };
}

export interface MessageData {
  content?: string;
  embeds?: Embed[];
  flags?: number;
  components?: unknown[];
  allowed_mentions?: { parse: string[] };
}

export interface Choice {
  name: string;
  value: string;
}

export type InteractionResponse =
  | { type: typeof CallbackType.Pong }
  | { type: typeof CallbackType.Message; data: MessageData }
  | { type: typeof CallbackType.DeferredMessage; data?: { flags?: number } }
  | { type: typeof CallbackType.Autocomplete; data: { choices: Choice[] } };

/** Who invoked an interaction: `member.user` in guilds, `user` in DMs. */
export function invoker(interaction: Interaction): DiscordUser | undefined {
  return interaction.member?.user ?? interaction.user;
}

/** The command's subcommand (when it has one) and its leaf options. */
export function commandPath(interaction: Interaction): { sub: string | undefined; options: CommandOption[] } {
  const top = interaction.data?.options ?? [];
  const sub = top.find((option) => option.type === OptionType.SubCommand);
  return sub ? { sub: sub.name, options: sub.options ?? [] } : { sub: undefined, options: top };
}
