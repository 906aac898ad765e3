#!/usr/bin/env node
// npm run campaign:import -- <file.yaml> --dm <email> [--dry-run]
// Imports a campaign YAML file (format: README "Campaign files") for the account with that email, using the
// host's configuration from the environment. Run `npm run build` first.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'apps/host/dist/campaign-import/campaign-import.cli.js');
if (!existsSync(cli)) {
  process.stderr.write('The host is not built: run `npm run build` first.\n');
  process.exit(2);
}
const { runCampaignImport } = await import(cli);
process.exitCode = await runCampaignImport(process.argv.slice(2), process.env, (line) =>
  process.stdout.write(`${line}\n`),
);
