// Issue 9: what the web app costs a browser. Its own first-load JavaScript gzipped (plugin bundles and the
// shared plugin runtime excluded), the time to an interactive dsa5e sheet (cold: a new browser profile; warm:
// an in-app navigation with the bundles cached), and a roll from the sheet to its appearance in a second
// person's roll log (in-page timestamps: the click in one page, a MutationObserver in the other), split into
// its steps (request sent and answered in the roller's page, the event at the other page's WebSocket, drawn), so
// a slow figure says whether the host or a client costs the time. Also the plugin JS the sheet page loads.
import { gzipSync } from 'node:zlib';
import { percentile } from '../lib/harness.js';
import { openBenchTable, PASSWORD } from '../lib/table.js';

const COLD_RUNS = 5;
const WARM_RUNS = 10;
const ROLLS = 100;

export const title = 'Web app: first-load JavaScript, time to an interactive sheet, roll → other browser';

export async function run() {
  const { host, browser, table, close } = await openBenchTable();
  try {
    const firstLoad = await firstLoadBytes(browser, host.url, table);
    const cold = await coldSheet(browser, host.url, table);
    const warm = await warmSheet(browser, host.url, table);
    const rolls = await rollLatencies(browser, host.url, table);
    return [
      [
        'app JS on first load, gzipped (login page / group page)',
        `${kb(firstLoad.login)} / ${kb(firstLoad.group)}`,
        '≤ 90 KB',
      ],
      ['all app JS chunks, gzipped (the rest loads per route)', kb(firstLoad.all), ''],
      [
        `navigation to an interactive dsa5e sheet, cold (new profile, ${COLD_RUNS} runs)`,
        spread(cold.times),
        'median ≤ 1,500 ms',
      ],
      ['plugin JS the sheet page loads, gzipped (dsa5e UI + shared runtime)', kb(cold.pluginBytes), '≤ 30 KB'],
      [`navigation to an interactive dsa5e sheet, warm (in-app, ${WARM_RUNS} runs)`, spread(warm), 'median ≤ 300 ms'],
      [
        `roll from the sheet → other browser's log (${ROLLS} rolls)`,
        `p50 ${ms(percentile(rolls.latencies, 50))}, p99 ${ms(percentile(rolls.latencies, 99))}`,
        'p99 ≤ 150 ms',
      ],
      ['  of which: click → request sent (p50 / p99)', rolls.parts.request, ''],
      ['  click → the roller has the answer', rolls.parts.answered, ''],
      ["  click → the event reaches the other browser's socket", rolls.parts.socket, ''],
      ['  event → drawn in the log (client: state + render)', rolls.parts.rendered, ''],
    ];
  } finally {
    await close();
  }
}

/** A logged-in browser context (logged in through the app's own login form). */
async function loggedIn(browser, url, email) {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL('**/groups');
  return { context, page };
}

/** Gzipped bytes of the app's own scripts a fresh page loads (plugin bundles and their shared runtime excluded). */
async function firstLoadBytes(browser, url, table) {
  const gz = (path) => gzipped(url, path);
  const scriptsOf = async (page) =>
    page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((entry) => new URL(entry.name).pathname)
        .filter((path) => path.startsWith('/_app/') && path.endsWith('.js')),
    );
  const anonymous = await browser.newContext({ baseURL: url });
  const loginPage = await anonymous.newPage();
  await loginPage.goto('/login');
  await loginPage.getByRole('button', { name: 'Log in' }).waitFor();
  let login = 0;
  for (const path of new Set(await scriptsOf(loginPage))) login += await gz(path);
  await anonymous.close();
  const { context, page } = await loggedIn(browser, url, table.dm.email);
  const fresh = await context.newPage();
  await fresh.goto(`/groups/${table.groupId}`);
  await fresh.getByRole('heading', { name: 'Bench table' }).waitFor();
  let group = 0;
  for (const path of new Set(await scriptsOf(fresh))) group += await gz(path);
  await page.close();
  await context.close();
  const manifest = await (await fetch(`${url}/groups`)).text();
  const chunks = new Set([...manifest.matchAll(/\/_app\/immutable\/[^"']+\.js/g)].map((match) => match[0]));
  const all = await allChunks(url, chunks, gz);
  return { login, group, all };
}

const sizes = new Map();
/** Gzipped bytes (level 9) of one served file. */
async function gzipped(url, path) {
  if (!sizes.has(path))
    sizes.set(path, gzipSync(Buffer.from(await (await fetch(`${url}${path}`)).arrayBuffer()), { level: 9 }).length);
  return sizes.get(path);
}

/** Every chunk reachable from the shell's entry points (import statements followed), gzipped. */
async function allChunks(url, roots, gz) {
  const seen = new Set();
  const queue = [...roots];
  let total = 0;
  while (queue.length > 0) {
    const path = queue.pop();
    if (seen.has(path)) continue;
    seen.add(path);
    total += await gz(path);
    const text = await (await fetch(`${url}${path}`)).text();
    for (const match of text.matchAll(/["'](\.{1,2}\/[^"']+\.js)["']/g))
      queue.push(new URL(match[1], `${url}${path}`).pathname);
  }
  return total;
}

async function sheetReady(page) {
  await page.locator('[data-mounted="true"] input[aria-label="Name"]:not([disabled])').waitFor({ timeout: 15_000 });
}

/** The plugin bundles (the ruleset UI and the shared runtime it imports) a page loaded. */
function pluginScripts(page) {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => path.startsWith('/v1/plugins/assets/') && path.endsWith('.js')),
  );
}

/** A new profile each run (empty cache; the login cookie is its only state). */
async function coldSheet(browser, url, table) {
  const times = [];
  let plugins = [];
  for (let run = 0; run < COLD_RUNS; run++) {
    const { context, page } = await loggedIn(browser, url, table.player.email);
    const cookies = await context.cookies();
    await context.close();
    const fresh = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 900 } });
    await fresh.addCookies(cookies);
    const sheet = await fresh.newPage();
    const started = Date.now();
    await sheet.goto(`/characters/${table.characterId}`);
    await sheetReady(sheet);
    times.push(Date.now() - started);
    if (run === 0) plugins = await pluginScripts(sheet);
    await page.close().catch(() => undefined);
    await fresh.close();
  }
  let pluginBytes = 0;
  for (const path of new Set(plugins)) pluginBytes += await gzipped(url, path);
  return { times, pluginBytes };
}

/** The app already open, bundles cached: from a click on the character in the list to the mounted sheet. */
async function warmSheet(browser, url, table) {
  const { context, page } = await loggedIn(browser, url, table.player.email);
  await page.goto(`/characters/${table.characterId}`);
  await sheetReady(page);
  const times = [];
  for (let run = 0; run < WARM_RUNS; run++) {
    await page.getByRole('link', { name: 'Characters', exact: true }).first().click();
    await page.getByRole('link', { name: 'Alrik' }).waitFor();
    const started = Date.now();
    await page.getByRole('link', { name: 'Alrik' }).click();
    await sheetReady(page);
    times.push(Date.now() - started);
  }
  await context.close();
  return times;
}

/** Each roll: the click time in the player's page, the arrival time of the new log entry in the DM's page. */
async function rollLatencies(browser, url, table) {
  const dm = await loggedIn(browser, url, table.dm.email);
  const player = await loggedIn(browser, url, table.player.email);
  await dm.page.addInitScript(() => {
    const sockets = (window.__wsRolls = []);
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (event) => {
          if (typeof event.data === 'string' && event.data.includes('"roll.created"'))
            sockets.push(performance.timeOrigin + performance.now());
        });
      }
    };
  });
  await dm.page.goto(`/groups/${table.groupId}`);
  await dm.page.getByRole('heading', { name: 'Roll log' }).waitFor();
  await dm.page.evaluate(() => {
    const arrivals = (window.__arrivals = []);
    const known = new Set([...document.querySelectorAll('li[data-roll-id]')].map((li) => li.dataset.rollId));
    new MutationObserver(() => {
      const now = performance.timeOrigin + performance.now();
      for (const li of document.querySelectorAll('li[data-roll-id]')) {
        if (known.has(li.dataset.rollId)) continue;
        known.add(li.dataset.rollId);
        arrivals.push(now);
      }
    }).observe(document.querySelector('main'), { childList: true, subtree: true });
  });
  await player.page.goto(`/characters/${table.characterId}`);
  await sheetReady(player.page);
  const button = player.page.getByRole('button', { name: 'Probe Klettern' });
  await player.page.evaluate(() => {
    const answers = (window.__answers = []);
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        if (/\/rolls$/.test(entry.name)) answers.push({ start: entry.startTime, end: entry.responseEnd });
    }).observe({ type: 'resource' });
  });
  const latencies = [];
  const answers = [];
  for (let i = 0; i < ROLLS; i++) {
    const clicked = await button.evaluate((element) => {
      const at = performance.timeOrigin + performance.now();
      element.click();
      return at;
    });
    await dm.page.waitForFunction((count) => window.__arrivals.length >= count, i + 1, { timeout: 10_000 });
    const arrived = await dm.page.evaluate((index) => window.__arrivals[index], i);
    latencies.push(arrived - clicked);
    const answer = await player.page.waitForFunction((index) => window.__answers[index], i).then((h) => h.jsonValue());
    const origin = await player.page.evaluate(() => performance.timeOrigin);
    const socket = await dm.page.evaluate((index) => window.__wsRolls[index], i);
    answers.push({
      request: origin + answer.start - clicked,
      answered: origin + answer.end - clicked,
      socket: socket - clicked,
      rendered: arrived - socket,
      arrived: arrived - clicked,
    });
  }
  await dm.context.close();
  await player.context.close();
  return { latencies, parts: summary(answers) };
}

/** p50/p99 of each step of a roll, from the click: request sent, answer received, event at the other page, drawn. */
function summary(answers) {
  const of = (key) => {
    const values = answers.map((answer) => answer[key]);
    return `${ms(percentile(values, 50))} / ${ms(percentile(values, 99))}`;
  };
  return Object.fromEntries(Object.keys(answers[0]).map((key) => [key, of(key)]));
}

function spread(times) {
  return `median ${ms(percentile(times, 50))}, max ${ms(Math.max(...times))}`;
}

function ms(value) {
  return `${Math.round(value)} ms`;
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
