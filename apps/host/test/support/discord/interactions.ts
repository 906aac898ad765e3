/**
 * Interaction payloads shaped like Discord's (discord-api-docs receiving-and-responding.mdx, application-commands.mdx):
 * a guild command carries `guild_id` and `member.user`, a DM command `user` only; subcommand options nest.
 */
export interface FakeDiscordUser {
  id: string;
  username: string;
}

export interface Place {
  guildId?: string;
}

type OptionValue = string | number;

let sequence = 0;

function base(type: number, user: FakeDiscordUser, place: Place): Record<string, unknown> {
  sequence += 1;
  const who = place.guildId
    ? {
        guild_id: place.guildId,
        context: 0,
        member: { user: { ...user, global_name: user.username, discriminator: '0' }, roles: [], permissions: '0' },
      }
    : { context: 1, user: { ...user, global_name: user.username, discriminator: '0' } };
  return {
    id: `12500000000${String(sequence).padStart(8, '0')}`,
    application_id: '1240000000000000000',
    type,
    version: 1,
    token: `interaction-token-${sequence}`,
    channel_id: '645027906669510667',
    locale: 'en-US',
    app_permissions: '442368',
    ...who,
  };
}

function options(values: Record<string, OptionValue | undefined>, focused?: string): unknown[] {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ({
      name,
      type: typeof value === 'number' ? 4 : 3,
      value,
      ...(name === focused ? { focused: true } : {}),
    }));
}

/** A slash command (`sub` for commands with subcommands). */
export function slashCommand(
  user: FakeDiscordUser,
  place: Place,
  name: string,
  sub: string | undefined,
  values: Record<string, OptionValue | undefined> = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const leaf = options(values);
  return {
    ...base(2, user, place),
    data: {
      id: '1240000000000000100',
      name,
      type: 1,
      options: sub ? [{ name: sub, type: 1, options: leaf }] : leaf,
      ...extra,
    },
  };
}

/** Autocomplete while typing option `focused` (its partial value is in `values`). */
export function autocomplete(
  user: FakeDiscordUser,
  place: Place,
  name: string,
  sub: string | undefined,
  values: Record<string, OptionValue | undefined>,
  focused: string,
): Record<string, unknown> {
  const leaf = options(values, focused);
  return {
    ...base(4, user, place),
    data: { id: '1240000000000000100', name, type: 1, options: sub ? [{ name: sub, type: 1, options: leaf }] : leaf },
  };
}

/** A button press on one of our messages. */
export function buttonPress(user: FakeDiscordUser, place: Place, customId: string): Record<string, unknown> {
  return { ...base(3, user, place), data: { custom_id: customId, component_type: 2 } };
}
