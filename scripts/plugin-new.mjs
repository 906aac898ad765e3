#!/usr/bin/env node
// npm run plugin:new -- <id> [--kind ruleset|feature] [--dir <plugins folder>] [--name "Display name"] [--standalone]
// Creates a working minimal plugin folder from scripts/plugin-templates/<kind>/. Outside this repository (or with
// --standalone) it also adds what an author needs on their own: package.json, tsconfig.json and a node:test test.
import { cp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fail = (message) => {
  process.stderr.write(`${message}\n`);
  process.exit(1);
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    kind: { type: 'string', default: 'ruleset' },
    dir: { type: 'string', default: join(root, 'plugins') },
    name: { type: 'string' },
    standalone: { type: 'boolean', default: false },
  },
});
const id = positionals[0];
if (!id)
  fail(
    'Usage: npm run plugin:new -- <id> [--kind ruleset|feature] [--dir <plugins folder>] [--name "Display name"] [--standalone]',
  );
if (!/^[a-z][a-z0-9-]{1,39}$/.test(id))
  fail(`"${id}" is not a plugin id: 2-40 lowercase letters, digits and dashes, starting with a letter`);
if (!['ruleset', 'feature'].includes(values.kind)) fail(`--kind must be ruleset or feature (got "${values.kind}")`);

const target = resolve(values.dir, id);
if (existsSync(target)) fail(`${target} already exists`);
const name =
  values.name ??
  id
    .split('-')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');
const fromRoot = relative(root, target);
const insideRepo = fromRoot !== '' && !fromRoot.startsWith('..') && !isAbsolute(fromRoot);
const standalone = values.standalone || !insideRepo;
await cp(join(root, 'scripts', 'plugin-templates', values.kind), target, { recursive: true });
if (standalone)
  await cp(join(root, 'scripts', 'plugin-templates', 'standalone', values.kind), target, { recursive: true });

async function substitute(dir) {
  for (const entry of await readdir(dir)) {
    const path = join(dir, entry);
    if ((await stat(path)).isDirectory()) await substitute(path);
    else await writeFile(path, (await readFile(path, 'utf8')).replaceAll('__ID__', id).replaceAll('__NAME__', name));
  }
}
await substitute(target);
const sdk = join(root, 'libs', 'ruleset-sdk');
process.stdout.write(
  `Created the ${values.kind} plugin "${id}" in ${target}\n` +
    `Next: npm run plugin:check -- ${target}\n` +
    (values.kind === 'ruleset'
      ? `      ${standalone ? `PLUGINS_DIR=${dirname(target)} ` : ''}npm run dev, then open http://localhost:3000/playground?ruleset=${id}\n`
      : '') +
    (standalone
      ? `Working outside this repository (types, tsc, tests):\n` +
        `      npm pack -w @cm/ruleset-sdk --pack-destination ${dirname(target)}   (in ${root})\n` +
        `      cd ${target} && npm install -D ${join(dirname(target), 'cm-ruleset-sdk-<version>.tgz')} typescript svelte @types/node\n` +
        `      npm run typecheck && npm test && CM_HOST=${root} npm run check\n` +
        `      (the SDK's README: ${join(sdk, 'README.md')})\n`
      : ''),
);
