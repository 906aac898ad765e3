import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../support/database.js';
import { REPO_PLUGINS_DIR, TEST_PLUGINS_DIR } from '../support/plugins.js';
import { startTestHost, type TestHost } from '../support/test-host.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A sheet UI that adds elements inside its target, to <body> and to <head>, then throws. */
const THROWING_UI = `
export default {
  mount(target: HTMLElement): never {
    const inside = document.createElement('p');
    inside.id = 'leak-target';
    target.append(inside);
    const overlay = document.createElement('div');
    overlay.id = 'leak-body';
    document.body.append(overlay);
    const style = document.createElement('style');
    style.dataset.leak = 'yes';
    document.head.append(style);
    throw new Error('the sheet is broken');
  },
};
`;

describe('plugin playground in Chromium', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let host: TestHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'cm-playground-'));
    for (const id of ['generic', 'dsa5e', 'initiative'])
      await cp(join(REPO_PLUGINS_DIR, id), join(dir, id), { recursive: true });
    await cp(join(TEST_PLUGINS_DIR, 'pool'), join(dir, 'pool'), { recursive: true });
    await cp(join(TEST_PLUGINS_DIR, 'basic'), join(dir, 'ui-throws'), { recursive: true });
    const manifest = JSON.parse(await readFile(join(dir, 'ui-throws', 'plugin.json'), 'utf8'));
    await writeFile(join(dir, 'ui-throws', 'plugin.json'), JSON.stringify({ ...manifest, id: 'ui-throws' }));
    await writeFile(join(dir, 'ui-throws', 'src', 'ui', 'index.ts'), THROWING_UI);
    host = await startTestHost({ DATABASE_URL: database.url, PLUGINS_DIR: dir, PLUGINS_WATCH: 'true' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Failed requests are reported with their URL (the browser's own favicon probe is not ours).
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico'))
        pageErrors.push(`${response.status()} ${response.url()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await rm(dir, { recursive: true, force: true });
    await database?.drop();
  });

  it('mounts the generic sheet from its served bundle and shows server validation errors for an edit', async () => {
    await page.goto(`${host.url}/playground?ruleset=generic`);
    const name = page.locator('#sheet-host input[aria-label="Name"]');
    await name.waitFor({ timeout: 10_000 });
    expect(await page.locator('body').getAttribute('data-mounted-url')).toMatch(
      /^\/v1\/plugins\/assets\/generic-ui\.[0-9a-f]{16}\.js$/,
    );
    await name.fill('');
    await page.locator('#errors li', { hasText: 'name' }).first().waitFor({ timeout: 5000 });
    expect(await page.locator('#errors').innerText()).toMatch(/name/);
    await name.fill('Aria');
    await page.waitForFunction(() => document.querySelectorAll('#errors li').length === 0, undefined, {
      timeout: 5000,
    });
  });

  it('mounts the dsa5e sheet in the same page (sharing the vendor Svelte) and validates its edits', async () => {
    await page.locator('button[data-ruleset="dsa5e"]').click();
    await page.waitForFunction(() => /dsa5e-ui\./.test(document.body.dataset.mountedUrl ?? ''), undefined, {
      timeout: 10_000,
    });
    const name = page.locator('#sheet-host input[aria-label="Name"]');
    await name.waitFor({ timeout: 10_000 });
    await name.fill('');
    await page.locator('#errors li', { hasText: 'name' }).first().waitFor({ timeout: 5000 });
    // Both UIs imported the same hashed Svelte runtime: one instance for every plugin.
    const runtimes = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((n) => /\/vendor-svelte\.[^/]+\.js$/.test(n)),
    );
    expect(new Set(runtimes).size).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('mounts the initiative panel and runs an encounter against the trial endpoint', async () => {
    await page.goto(`${host.url}/playground?ruleset=generic`);
    await page.locator('#sheet-host input[aria-label="Name"]').waitFor({ timeout: 10_000 });
    await page.locator('#features button', { hasText: 'Initiative' }).click();
    await page.waitForFunction(() => /initiative-ui\./.test(document.body.dataset.panelUrl ?? ''), undefined, {
      timeout: 10_000,
    });
    await page.locator('#panel-host button', { hasText: 'Start' }).click();
    await page.locator('#panel-host ol li').nth(1).waitFor({ timeout: 5000 });
    expect(await page.locator('#panel-host ol li').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringContaining('Alrik'), expect.stringContaining('Bosper')]),
    );
    const first = await page.locator('#panel-host li[aria-current="step"]').innerText();
    await page.locator('#panel-host button[aria-label="Next turn"]').click();
    await page.waitForFunction(
      (before) => document.querySelector('#panel-host li[aria-current="step"]')?.textContent !== before,
      first,
      { timeout: 5000 },
    );
    await page.locator('#as-dm').uncheck();
    expect(await page.locator('#panel-host button', { hasText: 'Start' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('re-imports a plugin UI edited on disk and remounts it with the current sheet', async () => {
    // A fresh page: clicking the ruleset that is already shown would remount it while the test types.
    await page.goto(`${host.url}/playground?ruleset=generic`);
    const name = page.locator('#sheet-host input[aria-label="Name"]');
    await name.waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => /generic-ui\./.test(document.body.dataset.mountedUrl ?? ''), undefined, {
      timeout: 10_000,
    });
    await name.fill('Kept across reloads');
    // The edit has reached the playground's state (and its validation round-trip) before the file changes.
    await page.waitForFunction(
      () => document.getElementById('sheet-json')?.textContent?.includes('Kept across reloads'),
      undefined,
      { timeout: 5000 },
    );
    await page.waitForFunction(() => document.body.dataset.events === 'open', undefined, { timeout: 5000 });
    const before = await page.locator('body').getAttribute('data-mounted-url');
    const file = join(dir, 'generic', 'src', 'ui', 'GenericSheet.svelte');
    const source = await readFile(file, 'utf8');
    expect(source).toContain('<h3>HP</h3>');
    const started = Date.now();
    await writeFile(file, source.replace('<h3>HP</h3>', '<h3>HP (hot reloaded)</h3>'));
    await page.locator('#sheet-host h3', { hasText: 'HP (hot reloaded)' }).waitFor({ timeout: 5000 });
    process.stdout.write(`playground: edited UI visible in the page after ${Date.now() - started} ms\n`);
    expect(await page.locator('body').getAttribute('data-mounted-url')).not.toBe(before);
    expect(await page.locator('#sheet-host input[aria-label="Name"]').inputValue()).toBe('Kept across reloads');
    expect(pageErrors).toEqual([]);
  });

  it('shows an error card for a sheet UI that throws on mount, leaves nothing behind and keeps working', async () => {
    await page.goto(`${host.url}/playground?ruleset=ui-throws`);
    const card = page.locator('#sheet-host [data-testid="ui-error"]');
    await card.waitFor({ timeout: 10_000 });
    expect(await card.getAttribute('role')).toBe('alert');
    expect(await card.innerText()).toContain('Error: the sheet is broken');
    expect(await page.locator('#status').innerText()).toMatch(/The sheet UI of Basic 1\.1\.0 failed to mount/);
    expect(await page.locator('#leak-target, #leak-body').count()).toBe(0);
    expect(await page.locator('#sheet-host > *').count()).toBe(1);
    expect(await page.evaluate(() => document.head.querySelectorAll('style[data-leak]').length)).toBe(0);
    expect(await page.locator('body').getAttribute('data-mounted-url')).toBeNull();
    // the rest of the page works: another ruleset mounts in the same element
    await page.locator('button[data-ruleset="generic"]').click();
    await page.locator('#sheet-host input[aria-label="Name"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="ui-error"]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it("resolves the sheet's onRoll promise with the outcome, passing the sheet's modifier", async () => {
    await page.goto(`${host.url}/playground?ruleset=dsa5e`);
    await page.locator('#sheet-host input[aria-label="Name"]').waitFor({ timeout: 10_000 });
    await page.locator('#sheet-host input[aria-label="Modifikator"]').fill('2');
    await page.locator('#sheet-host button[aria-label="Probe MU"]').click();
    // the DSA5 sheet renders what its onRoll promise resolved with
    const output = page.locator('#sheet-host .rollbar output');
    await output.waitFor({ timeout: 5000 });
    expect(await output.innerText()).toMatch(/^MU: (Erfolg|Misserfolg|Kritischer Erfolg|Patzer)/);
    // MU 8 + 2: the modifier reached the ruleset; the side panel shows the generic outcome with its tone
    expect(await output.innerText()).toMatch(/\d+ gegen \(vs\) 10/);
    expect(['critical', 'success', 'failure', 'botch']).toContain(
      await page.locator('#outcome').getAttribute('data-tone'),
    );
    expect(await page.locator('#outcome .faces').innerText()).toMatch(/^faces \[\d+, \d+\] · dice total \d+$/);
    expect(pageErrors).toEqual([]);
  });

  it("rolls a side-panel action against a target and shows a ruleset's refusal", async () => {
    await page.goto(`${host.url}/playground?ruleset=generic`);
    await page.locator('#sheet-host input[aria-label="Name"]').waitFor({ timeout: 10_000 });
    await page.locator('#roll-target').fill('15');
    await page.locator('#dice button', { hasText: 'Initiative' }).click();
    await page.locator('#outcome .detail').waitFor({ timeout: 5000 });
    expect(await page.locator('#outcome .label').innerText()).toMatch(/^Initiative: (success|failure)$/);
    expect(await page.locator('#outcome .detail').innerText()).toMatch(/^\d+ (≥|<) target 15$/);
    await page.locator('button[data-ruleset="dsa5e"]').click();
    await page.waitForFunction(() => /dsa5e-ui\./.test(document.body.dataset.mountedUrl ?? ''), undefined, {
      timeout: 10_000,
    });
    await page.locator('#roll-target').fill('12');
    await page.locator('#dice button', { hasText: 'Mut (Courage)' }).click();
    await page.locator('#outcome', { hasText: 'not a target number' }).waitFor({ timeout: 5000 });
    expect(await page.locator('#outcome').getAttribute('data-tone')).toBe('failure');
    // the 422 refusal was the only failed request
    expect(pageErrors.splice(0)).toEqual([expect.stringMatching(/^422 .*\/v1\/rulesets\/dsa5e\/resolve-roll$/)]);
  });

  it('rolls the dice actions of a ruleset without a UI, showing a ladder outcome with its tone', async () => {
    await page.goto(`${host.url}/playground?ruleset=pool`);
    await page.locator('#dice button', { hasText: 'Carefully' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#status').innerText()).toContain('has no UI module');
    await page.locator('#roll-target').fill('-10');
    await page.locator('#dice button', { hasText: 'Carefully' }).click();
    await page.locator('#outcome .label', { hasText: 'Succeed with style' }).waitFor({ timeout: 5000 });
    expect(await page.locator('#outcome').getAttribute('data-tone')).toBe('critical');
    expect(await page.locator('#outcome').innerText()).toMatch(/rung -?\d+: \w+/);
    expect(pageErrors).toEqual([]);
  });
});
