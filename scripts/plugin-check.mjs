#!/usr/bin/env node
// npm run plugin:check -- <folder>
// Checks a plugin folder exactly as the host does at load: manifest + host API, server and UI builds,
// the server module in the sandbox, every fixture. Prints what is wrong; exits 1 when the plugin would be skipped.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const folder = process.argv[2];
if (!folder || folder.startsWith('-')) {
  process.stderr.write('Usage: npm run plugin:check -- <plugin folder>\n');
  process.exit(2);
}
const checker = join(root, 'apps/host/dist/plugins/plugin-check.js');
if (!existsSync(checker)) {
  process.stderr.write('The host is not built: run `npm run build` first.\n');
  process.exit(2);
}
const { Logger } = await import('@nestjs/common');
Logger.overrideLogger(['error']);
const { checkPluginFolder } = await import(checker);

const dir = resolve(folder);
const report = await checkPluginFolder(dir);
const { status } = report;
const out = (line) => process.stdout.write(`${line}\n`);
if (!status) {
  out(`✗ ${dir}: no plugin.json found`);
  process.exit(1);
}
out(
  `${report.ok ? '✓' : '✗'} ${status.id}${status.version ? ` ${status.version}` : ''} (${status.kind ?? 'unknown kind'}) in ${dir}`,
);
out(`  fixtures: ${status.fixtures.passed} passed, ${status.fixtures.failed} failed`);
if (report.ui) out(`  UI bundle: ${report.ui.bytes} bytes (${report.ui.gzipBytes} gzipped)`);
for (const error of status.errors) out(`  ✗ ${error}`);
process.exit(report.ok ? 0 : 1);
