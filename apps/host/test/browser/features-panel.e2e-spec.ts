import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_PLUGINS_DIR } from '../support/plugins.js';
import { registerVerifiedUser, startCampaignHost, type CampaignHost, type TestUser } from '../support/users.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Mounts the initiative plugin's served PanelUiModule in Chromium the way a client does: props with the
 * state and a `callAction` that POSTs to the host and pushes the new state back through `update`.
 */
describe('initiative panel in Chromium', () => {
  let ctx: CampaignHost;
  let browser: Browser;
  let dm: TestUser;
  let player: TestUser;
  let groupId: string;
  let uiUrl: string;
  const pageErrors: string[] = [];

  async function mountPanel(user: TestUser, isDm: boolean): Promise<Page> {
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${ctx.host.url}/health/live`);
    await page.evaluate(
      async ({ uiUrl, groupId, userId, token, isDm }) => {
        const api = async (method: string, path: string, body?: unknown) => {
          const response = await fetch(path, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const json = await response.json();
          if (!response.ok) throw json;
          return json;
        };
        document.body.innerHTML = '<div id="panel"></div>';
        const module = await import(uiUrl);
        const initial = await api('GET', `/v1/groups/${groupId}/plugins/initiative/state`);
        const mounted: { update(props: unknown): void } = module.default.mount(document.getElementById('panel'), {
          groupId,
          userId,
          isDm,
          state: initial.state,
          async callAction(action: string, input: unknown) {
            const result = await api('POST', `/v1/groups/${groupId}/plugins/initiative/actions/${action}`, { input });
            mounted.update({ state: result.state });
            return result.reply;
          },
        });
        (window as unknown as { refresh: () => Promise<void> }).refresh = async () =>
          mounted.update({ state: (await api('GET', `/v1/groups/${groupId}/plugins/initiative/state`)).state });
      },
      { uiUrl, groupId, userId: user.id, token: user.accessToken, isDm },
    );
    return page;
  }

  beforeAll(async () => {
    ctx = await startCampaignHost(['dsa5e']);
    const plugins = await ctx.http('GET', '/v1/plugins');
    const initiative = plugins.body.find((plugin: { id: string }) => plugin.id === 'initiative');
    expect(initiative).toMatchObject({
      status: 'loaded',
      ui: { url: expect.stringMatching(/^\/v1\/plugins\/assets\//) },
    });
    uiUrl = initiative.ui.url;
    [dm, player] = await Promise.all([
      registerVerifiedUser(ctx.http, ctx.smtp, 'Panel DM'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Panel Player'),
    ]);
    const group = await ctx.as(dm)('POST', '/v1/groups', { name: 'Panel table', rulesetId: 'dsa5e' });
    groupId = group.body.id;
    const link = await ctx.as(dm)('POST', `/v1/groups/${groupId}/invite`, {});
    expect((await ctx.as(player)('POST', `/v1/groups/${groupId}/join/${link.body.token}`)).status).toBe(200);
    const sheet = JSON.parse(
      await readFile(join(REPO_PLUGINS_DIR, 'dsa5e/fixtures/valid/human-worked-example.json'), 'utf8'),
    );
    const hero = await ctx.as(player)('POST', '/v1/characters', { rulesetId: 'dsa5e', name: 'Alrik', sheet });
    expect(
      (await ctx.as(player)('POST', `/v1/groups/${groupId}/characters`, { characterId: hero.body.id })).status,
    ).toBe(200);
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
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await ctx?.stop();
  });

  it('lets the DM start, add, advance and remove, highlighting the current turn', async () => {
    const page = await mountPanel(dm, true);
    await page.getByText('No encounter running.').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByText('Round 1').waitFor({ timeout: 5000 });
    expect(await page.locator('li.current .name').textContent()).toBe('Alrik');
    await page.getByLabel('Combatant name').fill('Goblin');
    await page.getByLabel('Initiative value').fill('50');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.locator('li .name', { hasText: 'Goblin' }).waitFor({ timeout: 5000 });
    expect(await page.locator('li .name').allTextContents()).toEqual(['Goblin', 'Alrik']);
    // the turn stays with Alrik after the insert
    expect(await page.locator('li.current .name').textContent()).toBe('Alrik');
    await page.getByRole('button', { name: 'Next turn' }).click();
    await page.getByText('Round 2').waitFor({ timeout: 5000 });
    expect(await page.locator('li.current .name').textContent()).toBe('Goblin');
    await page.getByRole('button', { name: 'Remove Goblin' }).click();
    await page.locator('li .name', { hasText: 'Goblin' }).waitFor({ state: 'detached', timeout: 5000 });
    expect(await page.locator('li.current .name').textContent()).toBe('Alrik');
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('shows the order without DM controls to a player', async () => {
    const page = await mountPanel(player, false);
    await page.locator('li .name', { hasText: 'Alrik' }).waitFor({ timeout: 10_000 });
    expect(await page.getByRole('button', { name: 'Next turn' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Start' }).count()).toBe(0);
    expect(await page.locator('li.current').count()).toBe(1);
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
