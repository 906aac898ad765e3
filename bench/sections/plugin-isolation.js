// Issue 12: a hostile plugin costs only itself. A well-behaved plugin's validations/s and p99, and a host
// route's p99, alone and while a plugin that loops forever is hammered (side by side in one run); hot reload
// under that load; the sandbox's memory after a plugin that keeps ArrayBuffers is recycled.
import { cp, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBenchDatabase, percentile, rssMb, startHostProcess } from '../lib/harness.js';
import { load } from '../lib/load.js';

const REPO_PLUGINS = new URL('../../plugins/', import.meta.url).pathname;
const TEST_BASIC = new URL('../../apps/host/test/fixtures/plugins/basic/', import.meta.url).pathname;
const HOSTILE = new URL('../../apps/host/test/fixtures/hostile/', import.meta.url).pathname;
const SECONDS = 4;
const ROUNDS = 3;
const GOOD_CONNECTIONS = 8;
/** The attack: four callers looping on a plugin that never returns (each at most 25 requests/s). */
const ATTACKERS = 4;
const ATTACK_RATE = 25;
const RELOADS = 3;

export const title = 'Plugin isolation: a hostile plugin hammered next to a well-behaved one';

export async function run() {
  const dir = await mkdtemp(join(tmpdir(), 'cm-bench-isolation-'));
  const database = await createBenchDatabase();
  const hosts = [];
  try {
    await cp(join(REPO_PLUGINS, 'generic'), join(dir, 'generic'), { recursive: true });
    for (const kind of ['loop', 'buffers']) await addHostile(dir, kind);
    const sheet = await validSheet();
    const env = {
      DATABASE_URL: database.url,
      PLUGINS_DIR: dir,
      PLUGINS_WATCH: 'true',
      PLUGIN_RATE_LIMIT_MAX: '10000000',
    };
    const host = await startHostProcess(env);
    hosts.push(host);
    // Alternating rounds, medians: drifts of the shared machine hit both sides.
    const rounds = { alone: [], attacked: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      rounds.alone.push(await measure(host.url, sheet, false));
      rounds.attacked.push(await measure(host.url, sheet, true));
    }
    const alone = medians(rounds.alone);
    const attacked = medians(rounds.attacked);
    const underLoad = await measure(host.url, sheet, true, dir);
    const memory = await buffersRecycled(host);
    // The partition alone, without the circuit breaker: the looping plugin keeps both its workers spinning.
    const unguarded = await startHostProcess({ ...env, PLUGINS_WATCH: 'false', PLUGIN_QUARANTINE_FAILURES: '1000' });
    hosts.push(unguarded);
    const unguardedAttack = await measure(unguarded.url, sheet, true);
    const ratio = attacked.good.rps / alone.good.rps;
    const unguardedRatio = unguardedAttack.good.rps / alone.good.rps;
    const attack = attacked.attack.statuses;
    return [
      ['generic validate alone (8 connections)', `${alone.good.rps.toFixed(0)}/s, p99 ${alone.good.p99} ms`, ''],
      [
        `… while hostile-loop is hammered (${ATTACKERS} callers, median of ${ROUNDS} alternating rounds)`,
        `${attacked.good.rps.toFixed(0)}/s, p99 ${attacked.good.p99} ms${failures(attacked.good)}`,
        '',
      ],
      ['validations/s ratio (attacked / alone)', ratio.toFixed(2), '≥ 0.8'],
      ['generic p99 attacked / alone', `${(attacked.good.p99 / Math.max(1, alone.good.p99)).toFixed(2)}×`, '≤ 2×'],
      [
        'host route GET /v1/rulesets p99 alone / attacked',
        `${alone.route.p99} ms / ${attacked.route.p99} ms`,
        '≤ 2× (or ≤ 5 ms)',
      ],
      [
        'hostile-loop answers during the attack',
        `${attacked.attack.total} (5xx ${attack['5xx']}: a few 502 timeouts, then 503 quarantined)`,
        'quarantined',
      ],
      [
        `file change → new UI bundle served, under the attack (${RELOADS} edits)`,
        `median ${percentile(underLoad.reloads, 50).toFixed(0)} ms, max ${Math.max(...underLoad.reloads).toFixed(0)} ms`,
        '< 1,000 ms',
      ],
      [
        'sandbox RSS: before / after 10 calls keeping 48 MB each',
        `${memory.before.toFixed(0)} MB / ${memory.after.toFixed(0)} MB (${memory.failed} failed as out_of_memory, then quarantined)`,
        'back to normal',
      ],
      [
        'without the circuit breaker: ratio, generic p99',
        `${unguardedRatio.toFixed(2)}, p99 ${unguardedAttack.good.p99} ms`,
        '(partition only, for comparison)',
      ],
    ];
  } finally {
    for (const host of hosts) await host.stop();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The good plugin's validate route and the catalog route side by side, optionally with the attack running. */
async function measure(url, sheet, attacked, reloadDir = undefined) {
  const good = load({
    url: `${url}/v1/rulesets/generic/validate`,
    method: 'POST',
    body: { sheet },
    connections: GOOD_CONNECTIONS,
    duration: SECONDS,
  });
  const route = load({ url: `${url}/v1/rulesets`, connections: 2, duration: SECONDS, connectionRate: 50 });
  const attack = attacked
    ? load({
        url: `${url}/v1/rulesets/hostile-loop/validate`,
        method: 'POST',
        body: { sheet: { name: 'attack', hp: { current: 1, max: 1 }, skill: 1 } },
        connections: ATTACKERS,
        connectionRate: ATTACK_RATE,
        duration: SECONDS,
      })
    : undefined;
  const reloads = reloadDir ? reloadLatencies(url, reloadDir) : undefined;
  return { good: await good, route: await route, attack: await attack, reloads: await reloads };
}

async function reloadLatencies(url, dir) {
  // Once the attack is under way.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const uiFile = join(dir, 'generic', 'src', 'ui', 'index.ts');
  const current = async () => (await (await fetch(`${url}/v1/rulesets/generic`)).json()).ui.url;
  const original = await readFile(uiFile, 'utf8');
  const latencies = [];
  for (let n = 1; n <= RELOADS; n += 1) {
    const before = await current();
    const started = performance.now();
    await writeFile(uiFile, `${original}\n(globalThis as Record<string, unknown>).benchEdit = ${n};\n`);
    while ((await current()) === before) {
      if (performance.now() - started > 10_000) throw new Error('the edited bundle was not served within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return latencies;
}

/**
 * Calls that keep 48 MB of ArrayBuffers each: a worker's second one fails and recycles only that worker; after
 * three such failures the plugin is quarantined and its workers stopped.
 */
async function buffersRecycled(host) {
  const sandbox = sandboxPid(host.pid);
  const before = rssMb(sandbox);
  let failed = 0;
  for (let i = 0; i < 10; i += 1) {
    const response = await fetch(`${host.url}/v1/rulesets/hostile-buffers/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sheet: { name: 'attack', hp: { current: 1, max: 1 }, skill: 1 } }),
    });
    const body = await response.json();
    if (body.failure === 'out_of_memory') failed += 1;
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { before, after: rssMb(sandbox), failed };
}

/** The sandbox child of a host process (its command line names the runner file). */
function sandboxPid(hostPid) {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === hostPid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('runner-')) return Number(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  throw new Error('the sandbox process was not found');
}

async function addHostile(dir, kind) {
  const folder = join(dir, `hostile-${kind}`);
  await cp(TEST_BASIC, folder, { recursive: true });
  const manifest = JSON.parse(await readFile(join(folder, 'plugin.json'), 'utf8'));
  manifest.id = `hostile-${kind}`;
  await writeFile(join(folder, 'plugin.json'), JSON.stringify(manifest, null, 2));
  // The hostile module wraps the copy's own ruleset, which it imports as ./basic.js.
  await rename(join(folder, 'src', 'ruleset.ts'), join(folder, 'src', 'basic.ts'));
  await writeFile(join(folder, 'src', 'ruleset.ts'), await readFile(join(HOSTILE, `${kind}.ts`), 'utf8'));
}

async function validSheet() {
  const folder = join(REPO_PLUGINS, 'generic', 'fixtures', 'valid');
  const [file] = (await readdir(folder)).filter((name) => name.endsWith('.json')).sort();
  return JSON.parse(await readFile(join(folder, file), 'utf8'));
}

/** The median round by the good plugin's throughput, with the host route's median p99 and summed attack answers. */
function medians(results) {
  const byRps = [...results].sort((a, b) => a.good.rps - b.good.rps);
  const middle = byRps[Math.floor(byRps.length / 2)];
  const routeP99 = [...results.map((r) => r.route.p99)].sort((a, b) => a - b)[Math.floor(results.length / 2)];
  const attacks = results.map((r) => r.attack).filter(Boolean);
  const attack = attacks.length
    ? {
        total: attacks.reduce((sum, a) => sum + a.total, 0),
        statuses: { '5xx': attacks.reduce((sum, a) => sum + a.statuses['5xx'], 0) },
      }
    : undefined;
  return { ...middle, route: { ...middle.route, p99: routeP99 }, attack };
}

function failures(result) {
  return result.non2xx || result.errors ? `, ${result.non2xx} non-2xx, ${result.errors} errors` : '';
}
