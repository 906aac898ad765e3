// Issue 10: what the Symbiote costs inside TaleSpire (it shares the machine with the game). Its own first-load
// JavaScript gzipped (ruleset bundles and the shared plugin runtime excluded); the JS heap after 1,000 live roll
// events, measured after a forced GC at 500 and at 1,000 (bounded roll log: it must not grow); and the time from
// TaleSpire's hasInitialized to an interactive dsa5e sheet (session restored from TS storage, the campaign's
// group opened from memory, then the sheet). A minimal in-page TaleSpire stands in (no dice are thrown here).
import { gzipSync } from 'node:zlib';
import { percentile } from '../lib/harness.js';
import { api, openBenchTable, PASSWORD } from '../lib/table.js';

const EVENTS = 1000;
const SHEET_RUNS = 5;

export const title = 'Symbiote: first-load JavaScript, heap under 1,000 live rolls, hasInitialized → dsa5e sheet';

export async function run() {
  const { host, browser, table, close } = await openBenchTable({ browserArgs: ['--enable-precise-memory-info'] });
  try {
    const sheet = [];
    let js = 0;
    for (let run = 0; run < SHEET_RUNS; run++) {
      const result = await sheetAfterInit(browser, host.url, table);
      sheet.push(result.ms);
      js = result.js;
    }
    const heap = await heapUnderRolls(browser, host.url, table);
    return [
      ['own JS on first load, gzipped', kb(js), '≤ 45 KB'],
      [
        `JS heap after ${EVENTS / 2} / ${EVENTS} live roll events (after GC)`,
        `${mb(heap.half)} / ${mb(heap.full)}`,
        '≤ 30 MB, not growing',
      ],
      ['roll log entries on screen after the events', String(heap.entries), 'bounded (100)'],
      [
        `hasInitialized → interactive dsa5e sheet (${SHEET_RUNS} runs, new profile each)`,
        `median ${Math.round(percentile(sheet, 50))} ms, max ${Math.round(Math.max(...sheet))} ms`,
        '≤ 1,000 ms',
      ],
    ];
  } finally {
    await close();
  }
}

/** A TaleSpire stand-in in the page: blobs in memory (seeded), hasInitialized after DOMContentLoaded, timed. */
function fakeTaleSpire({ global, campaign }) {
  const blobs = { global, campaign };
  const blob = (scope) => ({
    getBlob: async () => blobs[scope],
    setBlob: async (value) => void (blobs[scope] = value),
    deleteBlob: async () => void (blobs[scope] = null),
  });
  const me = { id: 'bench-client', player: { id: 'bench-player', name: 'Bench' } };
  window.TS = {
    dice: { isValidRollString: async () => true, putDiceInTray: async () => crypto.randomUUID() },
    localStorage: { global: blob('global'), campaign: blob('campaign') },
    campaigns: { whereAmI: async () => ({ id: 'bench-campaign', name: 'Bench' }) },
    clients: { whoAmI: async () => me },
    sync: { send: async () => undefined },
  };
  document.addEventListener('DOMContentLoaded', () =>
    setTimeout(() => {
      window.__initializedAt = performance.now();
      window.tsOnStateChange({ kind: 'hasInitialized' });
    }, 0),
  );
}

/** A body-transport login stored in the TS global blob, the group remembered for the campaign. */
async function symbiotePage(browser, url, table, email) {
  const login = await api(url, 'POST', '/v1/auth/login', { email, password: PASSWORD, transport: 'body' });
  const context = await browser.newContext({ baseURL: url, viewport: { width: 420, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(fakeTaleSpire, {
    global: JSON.stringify({ refreshToken: login.refreshToken, serverUrl: url }),
    campaign: JSON.stringify({ groupId: table.groupId }),
  });
  return { context, page };
}

async function sheetAfterInit(browser, url, table) {
  const { context, page } = await symbiotePage(browser, url, table, table.player.email);
  await page.goto('/symbiote/');
  await page.getByRole('button', { name: 'Open the sheet of Alrik' }).click();
  await page.locator('[data-mounted="true"] input[aria-label="Name"]:not([disabled])').waitFor({ timeout: 15_000 });
  const ms = await page.evaluate(() => performance.now() - window.__initializedAt);
  const js = await ownScripts(page, url);
  await context.close();
  return { ms, js };
}

/** The Symbiote's own scripts the page loaded (plugin bundles under /v1/plugins/assets/ excluded), gzipped. */
async function ownScripts(page, url) {
  const paths = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => path.startsWith('/symbiote/') && path.endsWith('.js')),
  );
  let total = 0;
  for (const path of new Set(paths))
    total += gzipSync(Buffer.from(await (await fetch(`${url}${path}`)).arrayBuffer()), { level: 9 }).length;
  return total;
}

/** The DM's Symbiote on the group page while the player's rolls arrive live (server rolls, 20 at a time). */
async function heapUnderRolls(browser, url, table) {
  const { context, page } = await symbiotePage(browser, url, table, table.dm.email);
  await page.goto('/symbiote/');
  await page.locator('[data-view="group"] [data-connection="open"]').waitFor({ timeout: 15_000 });
  const cdp = await context.newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const roll = () =>
    api(
      url,
      'POST',
      `/v1/groups/${table.groupId}/rolls`,
      { characterId: table.characterId, actionId: 'ini' },
      table.player.token,
    );
  const send = async (count) => {
    for (let i = 0; i < count; i += 20) await Promise.all(Array.from({ length: Math.min(20, count - i) }, roll));
  };
  await send(EVENTS / 2);
  await page.waitForFunction(() => document.querySelectorAll('li[data-roll-id]').length >= 100, undefined, {
    timeout: 30_000,
  });
  const half = await heap();
  await sendAndWait(send, page);
  const full = await heap();
  const entries = await page.locator('li[data-roll-id]').count();
  await context.close();
  return { half, full, entries };
}

/** The second half of the events, then waits until the page shows the newest roll. */
async function sendAndWait(send, page) {
  const before = await page.locator('li[data-roll-id]').first().getAttribute('data-roll-id');
  await send(EVENTS / 2);
  await page.waitForFunction(
    (id) => document.querySelector('li[data-roll-id]')?.getAttribute('data-roll-id') !== id,
    before,
    {
      timeout: 30_000,
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 500)); // let the last events of the burst land
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
