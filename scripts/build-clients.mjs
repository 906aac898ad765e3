// Builds the browser clients (`npm run build`, `npm start`) only when their inputs changed: each build folder
// keeps a stamp with a hash of the files that went into it, so an already-built checkout starts at once.
// Usage: node scripts/build-clients.mjs [--force] [name...]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const STAMP = '.build-stamp';
/** Vite's CLI as the client's folder resolves it (npm may install it there or hoist it to the root). */
function viteBin(cwd) {
  return join(dirname(createRequire(join(root, cwd, 'package.json')).resolve('vite/package.json')), 'bin/vite.js');
}
const SHARED_INPUTS = ['libs/client/src', 'libs/contracts/src', 'libs/ruleset-sdk/src', 'package-lock.json'];

/** Every client: its folder, the inputs whose change needs a rebuild, its output folder and its build command. */
const CLIENTS = [
  {
    name: 'web',
    cwd: 'web',
    inputs: ['web/src', 'web/static', 'web/vite.config.ts', 'web/package.json', ...SHARED_INPUTS],
    out: 'web/build',
    command: ['node', [viteBin('web'), 'build']],
  },
  {
    name: 'symbiote',
    cwd: 'symbiote',
    inputs: [
      'symbiote/src',
      'symbiote/public',
      'symbiote/index.html',
      'symbiote/manifest.json',
      'symbiote/vite.config.ts',
      'symbiote/package.json',
      ...SHARED_INPUTS,
    ],
    out: 'symbiote/dist',
    command: ['node', [viteBin('symbiote'), 'build']],
  },
];

/** A hash of the inputs' paths and contents (folders walked in sorted order; build output and caches skipped). */
function hashInputs(inputs) {
  const hash = createHash('sha256');
  const visit = (path) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) {
        if (name === 'node_modules' || name === '.svelte-kit' || name === 'build') continue;
        visit(join(path, name));
      }
      return;
    }
    hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0');
  };
  for (const input of inputs) visit(join(root, input));
  return hash.digest('hex');
}

function build(client, force) {
  const stampFile = join(root, client.out, STAMP);
  const hash = hashInputs(client.inputs);
  if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === hash) {
    process.stdout.write(`${client.name}: up to date (${client.out})\n`);
    return;
  }
  process.stdout.write(`${client.name}: building into ${client.out}…\n`);
  const started = Date.now();
  const [command, args] = client.command;
  const result = spawnSync(command, args, { cwd: join(root, client.cwd), stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? '');
    process.stderr.write(`${client.name}: build failed (exit ${result.status ?? result.signal})\n`);
    process.exit(1);
  }
  writeFileSync(stampFile, `${hash}\n`);
  process.stdout.write(`${client.name}: built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const args = process.argv.slice(2);
const force = args.includes('--force');
const names = args.filter((arg) => !arg.startsWith('--'));
const unknown = names.filter((name) => !CLIENTS.some((client) => client.name === name));
if (unknown.length > 0) {
  process.stderr.write(`Unknown client(s): ${unknown.join(', ')} (known: ${CLIENTS.map((c) => c.name).join(', ')})\n`);
  process.exit(1);
}
for (const client of CLIENTS) if (names.length === 0 || names.includes(client.name)) build(client, force);
