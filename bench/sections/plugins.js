// Issue 3: sandboxed dsa5e validations/s, the validate route's req/s, time to bundle the bundled plugins,
// time from a file change to the new bundle being served, and the gzipped bytes a client fetches for its
// first ruleset UI (with the shared Svelte runtime) and for each further one.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createBenchDatabase, percentile, startHostProcess } from '../lib/harness.js';
import { load } from '../lib/load.js';

const REPO_PLUGINS = new URL('../../plugins/', import.meta.url).pathname;
const SANDBOX_SECONDS = 5;
const IN_FLIGHT = 256;
const RELOADS = 5;

export const title = 'Plugins: sandbox throughput, validate route, bundling, hot reload, UI bytes';

export async function run() {
  const sheet = await validDsaSheet();
  const bundling = await bundleAll();
  const sandbox = await sandboxThroughput(bundling.dsa5eServer, sheet);
  const database = await createBenchDatabase();
  const host = await startHostProcess({
    DATABASE_URL: database.url,
    PLUGINS_DIR: REPO_PLUGINS,
    PLUGIN_RATE_LIMIT_MAX: '10000000',
  });
  const watchedDir = await mkdtemp(join(tmpdir(), 'cm-bench-plugins-'));
  let watched;
  try {
    const route = await load({
      url: `${host.url}/v1/rulesets/dsa5e/validate`,
      method: 'POST',
      body: { sheet },
      connections: 32,
      duration: 8,
    });
    const bytes = await uiBytes(host.url);
    await cp(join(REPO_PLUGINS, 'generic'), join(watchedDir, 'generic'), { recursive: true });
    watched = await startHostProcess({ DATABASE_URL: database.url, PLUGINS_DIR: watchedDir, PLUGINS_WATCH: 'true' });
    const reloads = await reloadLatencies(watched.url, join(watchedDir, 'generic', 'src', 'ui', 'index.ts'));
    return [
      ['sandboxed dsa5e validate, calls/s (2 workers, 256 in flight)', `${sandbox.toFixed(0)}/s`, '≥ 5,000/s'],
      [
        'POST /v1/rulesets/dsa5e/validate (32 connections)',
        `${route.rps.toFixed(0)} req/s, p99 ${route.p99} ms${route.non2xx ? `, ${route.non2xx} non-2xx` : ''}`,
        '',
      ],
      [
        'bundle all bundled plugins (shared vendor + server + UI each)',
        `${bundling.totalMs.toFixed(0)} ms (${bundling.detail})`,
        '',
      ],
      [
        `file change → new UI bundle served (${RELOADS} edits)`,
        `median ${percentile(reloads, 50).toFixed(0)} ms, max ${Math.max(...reloads).toFixed(0)} ms`,
        '< 1,000 ms',
      ],
      ['first ruleset UI, gzipped (dsa5e + shared runtime)', kb(bytes.first), '≤ 30 KB'],
      ['first ruleset UI, gzipped (generic + shared runtime)', kb(bytes.firstGeneric), '≤ 30 KB'],
      [
        'each further ruleset UI, gzipped (generic after dsa5e / dsa5e after generic)',
        `${kb(bytes.further)} / ${kb(bytes.furtherDsa)}`,
        '≤ 10 KB',
      ],
    ];
  } finally {
    await watched?.stop();
    await host.stop();
    await database.drop();
    await rm(watchedDir, { recursive: true, force: true });
  }
}

async function validDsaSheet() {
  const folder = join(REPO_PLUGINS, 'dsa5e', 'fixtures', 'valid');
  const [file] = (await readdir(folder)).filter((name) => name.endsWith('.json')).sort();
  return JSON.parse(await readFile(join(folder, file), 'utf8'));
}

/** Builds what the host builds at start, timed: each plugin's server and UI module, then the shared vendor. */
async function bundleAll() {
  const { PluginBundler } = await import('../../apps/host/dist/plugins/plugin-bundler.js');
  const { readManifest } = await import('../../apps/host/dist/plugins/plugin-discovery.js');
  const bundler = new PluginBundler();
  const started = performance.now();
  const parts = [];
  const uses = new Map();
  const compiled = [];
  let dsa5eServer;
  for (const id of (await readdir(REPO_PLUGINS, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()) {
    const dir = join(REPO_PLUGINS, id);
    const manifest = await readManifest(dir).catch(() => undefined);
    if (!manifest) continue;
    const t = performance.now();
    const server = await bundler.buildServer(dir, manifest);
    if (manifest.entry.ui) {
      const ui = await bundler.compileUi(dir, manifest);
      compiled.push([id, ui]);
      for (const [specifier, names] of ui.uses)
        uses.set(specifier, new Set([...(uses.get(specifier) ?? []), ...names]));
    }
    parts.push(`${id} ${(performance.now() - t).toFixed(0)} ms`);
    if (id === 'dsa5e') dsa5eServer = server.code;
  }
  const t = performance.now();
  const vendor = await bundler.buildVendor(uses);
  for (const [id, ui] of compiled) bundler.linkUi(id, ui, vendor);
  parts.push(`shared vendor + linking ${(performance.now() - t).toFixed(0)} ms`);
  return { totalMs: performance.now() - started, detail: parts.join(', '), dsa5eServer };
}

/** Validations/s through the real sandbox (child process, worker pool, vm contexts) with calls pipelined. */
async function sandboxThroughput(code, sheet) {
  const { PluginSandbox } = await import('../../apps/host/dist/plugins/sandbox/plugin-sandbox.js');
  const sandbox = new PluginSandbox();
  await sandbox.start();
  try {
    await sandbox.load('dsa5e', code);
    const errors = await sandbox.call('dsa5e', 'validate', [sheet]);
    if (!Array.isArray(errors) || errors.length > 0)
      throw new Error(`the fixture sheet is not valid: ${JSON.stringify(errors)}`);
    let done = 0;
    const deadline = performance.now() + SANDBOX_SECONDS * 1000;
    const lane = async () => {
      while (performance.now() < deadline) {
        await sandbox.call('dsa5e', 'validate', [sheet]);
        done += 1;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    return done / ((performance.now() - started) / 1000);
  } finally {
    await sandbox.stop();
  }
}

/** Gzipped bytes of a UI module and every shared module it imports, counting each module once per page. */
async function uiBytes(url) {
  const rulesets = await (await fetch(`${url}/v1/rulesets`)).json();
  const uiOf = (id) => rulesets.find((r) => r.id === id).ui.url;
  const fetched = new Map();
  const graph = async (assetUrl, seen) => {
    if (seen.has(assetUrl)) return 0;
    seen.add(assetUrl);
    if (!fetched.has(assetUrl)) fetched.set(assetUrl, await (await fetch(`${url}${assetUrl}`)).text());
    const text = fetched.get(assetUrl);
    let bytes = gzipSync(text, { level: 9 }).length;
    // Static and dynamic imports: absolute URLs (shared modules) and relative chunks (vendor code splitting).
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+\.js)["']/g)) {
      bytes += await graph(new URL(specifier, `http://host${assetUrl}`).pathname, seen);
    }
    return bytes;
  };
  const page = new Set();
  const first = await graph(uiOf('dsa5e'), page);
  const further = await graph(uiOf('generic'), page);
  const otherPage = new Set();
  const firstGeneric = await graph(uiOf('generic'), otherPage);
  const furtherDsa = await graph(uiOf('dsa5e'), otherPage);
  return { first, further, firstGeneric, furtherDsa };
}

/** Edits the UI source and measures until GET /v1/rulesets/generic names a new bundle URL. */
async function reloadLatencies(url, uiFile) {
  const current = async () => (await (await fetch(`${url}/v1/rulesets/generic`)).json()).ui.url;
  const original = await readFile(uiFile, 'utf8');
  const latencies = [];
  for (let n = 1; n <= RELOADS; n += 1) {
    const before = await current();
    const started = performance.now();
    await writeFile(uiFile, `${original}\n(globalThis as Record<string, unknown>).benchEdit = ${n};\n`);
    for (;;) {
      if ((await current()) !== before) break;
      if (performance.now() - started > 10_000) throw new Error('the edited bundle was not served within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return latencies;
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
