import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestDatabase } from '../support/database.js';
import { REPO_PLUGINS_DIR } from '../support/plugins.js';
import { startTestHost, type TestHost } from '../support/test-host.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * `@cm/client`'s PluginUiLoader in Chromium with the host's real bundles: it mounts the generic sheet from the
 * catalog URL, contains a UI that throws, and when the plugin is edited on disk re-mounts the new bundle (told by
 * the SSE stream) with the edit the user had typed.
 */
describe('PluginUiLoader in Chromium', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let host: TestHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'cm-loader-'));
    await cp(join(REPO_PLUGINS_DIR, 'generic'), join(dir, 'generic'), { recursive: true });
    host = await startTestHost({ DATABASE_URL: database.url, PLUGINS_DIR: dir, PLUGINS_WATCH: 'true' });
    // The loader as a browser script (window.CmClient), built from its source like the apps' bundlers do.
    const bundled = await build({
      entryPoints: [join(process.cwd(), 'libs/client/src/plugin-ui-loader.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'CmClient',
      platform: 'browser',
      write: false,
    });
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
    // A same-origin page of the host to run in (a JSON document: no page script of its own).
    await page.goto(`${host.url}/health/live`);
    await page.addScriptTag({ content: bundled.outputFiles[0].text });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await rm(dir, { recursive: true, force: true });
    await database?.drop();
  });

  it('mounts the generic sheet, and re-mounts its edited bundle keeping the unsaved edit', async () => {
    await page.evaluate(async () => {
      const { PluginUiLoader } = (window as unknown as { CmClient: typeof import('@cm/client') }).CmClient;
      const state = window as unknown as Record<string, unknown>;
      const target = document.createElement('div');
      target.id = 'sheet';
      document.body.replaceChildren(target);
      const ruleset = (await (await fetch('/v1/rulesets/generic')).json()) as { ui: { url: string } };
      const sheet = (await (await fetch('/v1/rulesets/generic/default-sheet')).json()) as Record<string, unknown>;
      const loader = new PluginUiLoader();
      state.changes = [];
      state.mounted = await loader.mount(target, ruleset.ui.url, {
        sheet,
        editable: true,
        statBlocks: [],
        diceActions: [],
        errors: [],
        onChange: (next: unknown) => (state.changes as unknown[]).push(next),
        onRoll: () => Promise.reject(new Error('no rolls here')),
      });
      const events = new EventSource('/v1/plugins/events');
      events.addEventListener('plugin.reloaded', (message) => {
        state.reloads = ((state.reloads as number) ?? 0) + 1;
        void loader.reload(JSON.parse((message as MessageEvent<string>).data));
      });
      await new Promise((resolve) => events.addEventListener('open', resolve, { once: true }));
    });
    const name = page.locator('#sheet input[aria-label="Name"]');
    await name.fill('Alrik the Unsaved');
    await page.waitForFunction(() => ((window as unknown as { changes: unknown[] }).changes ?? []).length > 0);
    const before = await page.evaluate(() => (window as unknown as { mounted: { url: string } }).mounted.url);

    const file = join(dir, 'generic', 'src', 'ui', 'GenericSheet.svelte');
    const source = await readFile(file, 'utf8');
    await writeFile(file, source.replace('<h3>HP</h3>', '<h3>HP (reloaded)</h3>'));
    await page.locator('#sheet h3', { hasText: 'HP (reloaded)' }).waitFor({ timeout: 15_000 });

    const after = await page.evaluate(() => (window as unknown as { mounted: { url: string } }).mounted.url);
    expect(after).not.toBe(before);
    expect(after).toMatch(/^\/v1\/plugins\/assets\/generic-ui\.[0-9a-f]{16}\.js$/);
    expect(await page.locator('#sheet input[aria-label="Name"]').inputValue()).toBe('Alrik the Unsaved');
    expect(await page.locator('#sheet h3', { hasText: 'HP (reloaded)' }).count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('shows an error card for a UI that throws on mount, and the page keeps working', async () => {
    const result = await page.evaluate(async () => {
      const { PluginUiLoader } = (window as unknown as { CmClient: typeof import('@cm/client') }).CmClient;
      const broken = URL.createObjectURL(
        new Blob(['export default { mount() { throw new Error("the sheet exploded"); } };'], {
          type: 'text/javascript',
        }),
      );
      const target = document.createElement('div');
      target.id = 'broken';
      document.body.append(target);
      const reported: string[] = [];
      const loader = new PluginUiLoader({ onError: (error) => reported.push(error.message) });
      const mounted = await loader.mount(target, broken, {}, { pluginId: 'broken' });
      return { reported, error: mounted.error?.message, card: target.innerText, role: target.firstElementChild?.role };
    });
    expect(result).toEqual({
      reported: ['the sheet exploded'],
      error: 'the sheet exploded',
      card: expect.stringContaining('The broken plugin stopped working.'),
      role: 'alert',
    });
    // The sheet mounted before still answers.
    await page.locator('#sheet input[aria-label="Name"]').fill('Still here');
    expect(await page.locator('#sheet input[aria-label="Name"]').inputValue()).toBe('Still here');
    expect(pageErrors).toEqual([]);
  });
});
