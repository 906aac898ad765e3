#!/usr/bin/env node
// npm run discord:register [-- --guild <id>]
// Puts the host's slash commands for the Discord application (globally, or in one guild for development) and
// prints what changed. Needs DISCORD_PUBLIC_KEY, DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN; run `npm run build` first.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const module = join(root, 'apps/host/dist/discord/discord-register.js');
if (!existsSync(module)) {
  process.stderr.write('The host is not built: run `npm run build` first.\n');
  process.exit(2);
}
const { registerCommands } = await import(module);
process.exitCode = await registerCommands(process.argv.slice(2), process.env, (line) =>
  process.stdout.write(`${line}\n`),
);
