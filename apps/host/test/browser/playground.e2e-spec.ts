import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../support/database.js';
import { REPO_PLUGINS_DIR } from '../support/plugins.js';
import { startTestHost, type TestHost } from '../support/test-host.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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
});
