import { parseConfig, type Env } from '../config/app-config.js';
import { COMMANDS, type CommandDefinition } from './discord-commands.js';
import { DiscordApi } from './discord-api.js';

/** What a registration changed, by command name. */
export interface RegistrationDiff {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

/** Compares the registered set with ours on the fields we set (Discord adds ids, versions and defaults). */
export function diffCommands(
  registered: Array<Record<string, unknown>>,
  wanted: CommandDefinition[],
): RegistrationDiff {
  const byName = new Map(registered.map((command) => [String(command.name), command]));
  const diff: RegistrationDiff = { added: [], changed: [], removed: [], unchanged: [] };
  for (const command of wanted) {
    const existing = byName.get(command.name);
    if (!existing) diff.added.push(command.name);
    else if (comparable(existing) !== comparable(command as unknown as Record<string, unknown>))
      diff.changed.push(command.name);
    else diff.unchanged.push(command.name);
  }
  const names = new Set(wanted.map((command) => command.name));
  diff.removed = [...byName.keys()].filter((name) => !names.has(name));
  return diff;
}

function comparable(command: Record<string, unknown>): string {
  const pick = (entry: Record<string, unknown>): unknown => ({
    name: entry.name,
    description: entry.description,
    type: entry.type ?? 1,
    required: entry.required ?? false,
    autocomplete: entry.autocomplete ?? false,
    min_value: entry.min_value,
    max_value: entry.max_value,
    max_length: entry.max_length,
    options: ((entry.options ?? []) as Array<Record<string, unknown>>).map(pick),
  });
  return JSON.stringify(pick(command));
}

/**
 * `npm run discord:register [-- --guild <id>]`: puts this host's command set for the whole application or for
 * one guild (instant, for development) and prints what changed. Needs DISCORD_PUBLIC_KEY,
 * DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN. Returns the exit code.
 */
export async function registerCommands(args: string[], env: Env, out: (line: string) => void): Promise<number> {
  const config = parseConfig(env).discord;
  if (!config?.applicationId || !config.botToken) {
    out('Set DISCORD_PUBLIC_KEY, DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN (see README, Discord).');
    return 2;
  }
  const guildIndex = args.indexOf('--guild');
  const guildId = guildIndex >= 0 ? args[guildIndex + 1] : undefined;
  if (guildIndex >= 0 && !/^\d{1,20}$/.test(guildId ?? '')) {
    out('Usage: npm run discord:register [-- --guild <guild id>]');
    return 2;
  }
  const api = new DiscordApi(config);
  const diff = diffCommands(await api.commands(guildId), COMMANDS);
  await api.putCommands(COMMANDS, guildId);
  out(
    `Registered ${COMMANDS.length} commands ${guildId ? `in guild ${guildId}` : 'globally (may take up to an hour to show)'}:`,
  );
  for (const [label, names] of Object.entries(diff) as Array<[keyof RegistrationDiff, string[]]>)
    if (names.length > 0) out(`  ${label}: ${names.map((name) => `/${name}`).join(', ')}`);
  return 0;
}
