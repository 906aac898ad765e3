import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { TestUser } from '../../../apps/host/test/support/auth.js';
import { REPO_PLUGINS_DIR } from '../../../apps/host/test/support/plugins.js';
import { registerVerifiedUser } from '../../../apps/host/test/support/users.js';
import { startWebApp, type WebApp } from '../../../web/test/support/web-app.js';
import { attachTaleSpire } from '../simulator/page.js';
import { foreignRoll, SimulatedBoard, SimulatedClient, type Manifest } from '../simulator/simulator.js';

/**
 * The real built Symbiote, served by a real host at /symbiote/, inside a simulated TaleSpire (injected before the
 * app, events through the handlers its manifest names), next to the web app in a second browser context.
 */
describe('Symbiote in simulated TaleSpire', () => {
  let app: WebApp;
  let manifest: Manifest;
  let dm: TestUser;
  let player: TestUser;
  let groupId: string;
  let characterId: string;
  let page: Page;
  let web: Page;
  const campaign1 = new SimulatedBoard('board-1', { id: 'campaign-1', name: 'Aventurien' });
  const campaign2 = new SimulatedBoard('board-2', { id: 'campaign-2', name: 'Myranor' });
  let client: SimulatedClient;
  let dmClient: SimulatedClient;
  let dmPage: Page;

  const as = (user: TestUser) => (method: string, path: string, body?: unknown) =>
    app.http(method, path, { body, token: user.accessToken });
  const rolls = async (): Promise<any[]> => (await as(dm)('GET', `/v1/groups/${groupId}/rolls?limit=50`)).body.items;
  /** With SYMBIOTE_SCREENSHOTS=<folder>, the views are captured there (to look at them, not asserted). */
  const shot = async (name: string, of: Page = page): Promise<void> => {
    const folder = process.env.SYMBIOTE_SCREENSHOTS;
    if (folder) await of.screenshot({ path: join(folder, `${name}.png`), fullPage: true });
  };
  const trayFilled = async (count: number): Promise<void> => {
    for (let i = 0; i < 400 && client.tray.length < count; i++) await new Promise((r) => setTimeout(r, 25));
    expect(client.tray.length).toBe(count);
  };

  beforeAll(async () => {
    app = await startWebApp();
    manifest = (await app.http<Manifest>('GET', '/symbiote/manifest.json')).body;
    dm = await registerVerifiedUser(app.http, app.smtp, 'Gerda');
    player = await registerVerifiedUser(app.http, app.smtp, 'Piet');
    groupId = (await as(dm)('POST', '/v1/groups', { name: 'The Black Eye', rulesetId: 'dsa5e' })).body.id;
    const invite = await as(dm)('POST', `/v1/groups/${groupId}/invite`, {});
    expect((await as(player)('POST', `/v1/groups/${groupId}/join/${invite.body.token}`)).status).toBe(200);
    const sheet = JSON.parse(
      await readFile(join(REPO_PLUGINS_DIR, 'dsa5e/fixtures/valid/human-worked-example.json'), 'utf8'),
    );
    const created = await as(player)('POST', '/v1/characters', { rulesetId: 'dsa5e', name: 'Alrik', sheet });
    expect(created.status).toBe(201);
    characterId = created.body.id;
    expect((await as(player)('POST', `/v1/groups/${groupId}/characters`, { characterId, active: true })).status).toBe(
      200,
    );
    client = new SimulatedClient(manifest, { id: 'ts-player-piet', name: 'Piet' }, 'client-piet');
    client.joinBoard(campaign1);
    dmClient = new SimulatedClient(manifest, { id: 'ts-player-gerda', name: 'Gerda' }, 'client-gerda');
    const symbiote = await app.person({ width: 420 });
    page = symbiote.page;
    await attachTaleSpire(page, client);
    web = (await app.person()).page;
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('logs in inside TaleSpire and keeps the login in TS.localStorage.global across a reload', async () => {
    await page.goto('/symbiote/');
    await page.getByLabel('Email').waitFor();
    await shot('1-login');
    await page.getByLabel('Email').fill(player.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    expect(client.storage.has('global') && JSON.parse(client.storage.get('global')!).refreshToken).toBeFalsy();
    await page.getByLabel('Password').fill(player.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Your groups' }).waitFor();
    await shot('2-groups');
    expect(JSON.parse(client.storage.get('global')!).refreshToken).toEqual(expect.any(String));
    const local = await page.evaluate(() => Object.keys(localStorage));
    expect(local).toEqual([]);
    await page.reload();
    await page.getByRole('heading', { name: 'Your groups' }).waitFor();
    await expect(page.getByRole('button', { name: 'Log in' }).count()).resolves.toBe(0);
  });

  it('remembers the group of the TaleSpire campaign and follows a campaign switch', async () => {
    await page.getByRole('button', { name: 'Open The Black Eye' }).click();
    await page.getByRole('heading', { name: 'The Black Eye' }).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-view="group"]'));
    for (let i = 0; i < 500 && !client.storage.has('campaign:campaign-1'); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(JSON.parse(client.storage.get('campaign:campaign-1')!)).toEqual({ groupId });
    await page.reload();
    await page.locator('[data-view="group"]').waitFor();
    // Another campaign has no group yet: the list; back in the first one, its group again.
    client.joinBoard(campaign2);
    await page.getByRole('heading', { name: 'Your groups' }).waitFor();
    client.joinBoard(campaign1);
    await page.locator('[data-view="group"]').waitFor();
  });

  it('holds TaleSpire calls during a board transition and replays them after the join', async () => {
    // The DM's Symbiote on the same board, logged in from its TaleSpire storage, its group remembered.
    const login = await app.http('POST', '/v1/auth/login', {
      body: { email: dm.email, password: dm.password, transport: 'body' },
    });
    dmClient.storage.set('global', JSON.stringify({ refreshToken: login.body.refreshToken }));
    dmClient.storage.set('campaign:campaign-1', JSON.stringify({ groupId }));
    dmClient.joinBoard(campaign1);
    dmPage = (await app.person({ width: 420 })).page;
    await attachTaleSpire(dmPage, dmClient);
    await dmPage.goto('/symbiote/');
    await dmPage.locator('[data-view="group"] [data-connection="open"]').waitFor();
    client.leaveBoard();
    await page.getByText('Changing boards').waitFor();
    await page.getByRole('button', { name: 'Open the sheet of Alrik' }).click();
    await page.locator('[data-mounted="true"]').waitFor(); // host calls keep working
    await page.getByRole('button', { name: 'Probe Klettern' }).click();
    await page.getByText('the dice go to the tray when you arrive').waitFor();
    await shot('3-sheet-waiting-for-throw');
    expect(client.calls.some((call) => call.method === 'dice.putDiceInTray')).toBe(false);
    client.joinBoard(campaign1);
    await trayFilled(1);
    expect(client.tray[0].groups).toEqual([
      { name: expect.stringMatching(/^Klettern/), terms: [{ sign: 1, count: 3, sides: 20 }] },
    ]);
  });

  it('reports its own throw only (not another client’s roll), stored as talespire with the server’s quality level, live in the web app', async () => {
    await web.goto('/login');
    await web.getByLabel('Email').fill(dm.email);
    await web.getByLabel('Password').fill(dm.password);
    await web.getByRole('button', { name: 'Log in' }).click();
    await web.waitForURL('**/groups**');
    await web.goto(`/groups/${groupId}`);
    await web.getByRole('heading', { name: 'The Black Eye' }).waitFor();
    const before = (await rolls()).length;
    foreignRoll(campaign1, 'client-someone-else', [
      { name: 'Klettern', result: { kind: 'd20', results: [20, 20, 20] } },
    ]);
    const rollId = client.throwDice([3, 5, 7]);
    const shown = page.locator('p.last');
    await shown.waitFor();
    const stored = await rolls();
    expect(stored.length).toBe(before + 1);
    const roll = stored[0];
    expect(roll).toMatchObject({ source: 'talespire', talespireRollId: rollId, characterId });
    expect(roll.label).toMatch(/^Klettern/);
    expect(roll.groups.flatMap((group: any) => group.dice.flatMap((dice: any) => dice.faces))).toEqual([3, 5, 7]);
    expect(roll.outcome.label).toEqual(expect.any(String));
    await expect(shown.innerText()).resolves.toContain(roll.outcome.label);
    await web.locator(`li[data-roll-id="${roll.id}"]`).waitFor({ timeout: 10_000 });
    await dmPage.locator(`li[data-roll-id="${roll.id}"]`).waitFor({ timeout: 10_000 });
    await shot('4-sheet-result');
    await page.getByRole('tab', { name: 'Roll history' }).click();
    await page.locator(`li[data-roll-id="${roll.id}"]`).waitFor();
    await shot('5-roll-history');
  });

  it('recomputes the total from the faces whatever the client claims (a forged total is refused)', async () => {
    await page.getByRole('button', { name: 'Back to the group' }).click();
    await page.route('**/v1/groups/*/rolls', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      const body = route.request().postDataJSON();
      await route.continue({ postData: JSON.stringify({ ...body, total: 99 }) });
    });
    const before = (await rolls()).length;
    await page.getByLabel('Dice to roll').fill('1d20+5');
    await page.getByRole('button', { name: 'To the tray' }).click();
    await trayFilled(1);
    client.throwDice([12]);
    await page.getByRole('alert').first().waitFor();
    expect((await rolls()).length).toBe(before);
    await page.unroute('**/v1/groups/*/rolls');
    await page.getByLabel('Dice to roll').fill('1d20+5');
    await page.getByRole('button', { name: 'To the tray' }).click();
    await trayFilled(1);
    client.throwDice([12]);
    await page.locator('li[data-roll-id] .figure', { hasText: '17' }).first().waitFor();
    expect((await rolls())[0]).toMatchObject({ diceTotal: 17, value: 17, source: 'talespire' });
  });

  it('keeps quiet and GM-only rolls in TaleSpire: never reported', async () => {
    const before = (await rolls()).length;
    await page.getByLabel('Quiet').check();
    await page.getByLabel('Dice to roll').fill('1d6');
    await page.getByRole('button', { name: 'To the tray' }).click();
    await trayFilled(1);
    expect(client.tray[0].quiet).toBe(true);
    client.throwDice([4]);
    await page.getByText('1d6: 4 (quiet, not shared)').waitFor();
    expect((await rolls()).length).toBe(before);
    await page.getByLabel('Quiet').uncheck();
    // A result TaleSpire marks GM-only (a GM's hidden roll) is not published either.
    await page.getByLabel('Dice to roll').fill('1d8');
    await page.getByRole('button', { name: 'To the tray' }).click();
    await trayFilled(1);
    expect(client.tray[0].quiet).toBe(false);
    client.throwDice([5], { gmOnly: true });
    await page.getByText('1d8: 5 (quiet, not shared)').waitFor();
    expect((await rolls()).length).toBe(before);
  });

  it('reports nothing for dice removed from the tray unthrown, and says so', async () => {
    const before = (await rolls()).length;
    await page.getByLabel('Dice to roll').fill('3d6');
    await page.getByRole('button', { name: 'To the tray' }).click();
    await trayFilled(1);
    client.removeRoll();
    await page.getByText('The dice were removed from the tray: nothing was rolled.').waitFor();
    expect((await rolls()).length).toBe(before);
  });

  it('shows the DM’s damage from the web app live', async () => {
    const lep = web.getByRole('group', { name: 'Change LeP of Alrik' });
    const value = page.getByLabel('LeP of Alrik');
    const start = await value.innerText();
    await lep.getByRole('button', { name: '−5' }).click();
    const [current, max] = start.split(' / ').map(Number);
    await page
      .getByLabel('LeP of Alrik')
      .getByText(`${current - 5} / ${max}`)
      .waitFor({ timeout: 10_000 });
    // The DM damages from their own Symbiote too; the player's Symbiote follows.
    const controls = dmPage.getByRole('group', { name: 'Change LeP of Alrik' });
    await controls.getByLabel('Amount for LeP of Alrik').fill('2');
    await shot('7-dm-group-view', dmPage);
    await controls.getByRole('button', { name: 'Damage' }).click();
    await page
      .getByLabel('LeP of Alrik')
      .getByText(`${current - 7} / ${max}`)
      .waitFor({ timeout: 10_000 });
    await expect(page.getByRole('group', { name: 'Change LeP of Alrik' }).count()).resolves.toBe(0); // players cannot
  });

  it('resumes a dropped connection without losing a roll', async () => {
    await shot('6-group-detail');
    const context = page.context();
    await context.setOffline(true);
    await page.getByLabel('Dice to roll').fill('2d6');
    await page.getByRole('button', { name: 'To the tray' }).click();
    await trayFilled(1);
    const rollId = client.throwDice([2, 4]);
    // Meanwhile the DM rolls in the web app: the Symbiote must get it after the reconnect.
    const dmRoll = await as(dm)('POST', `/v1/groups/${groupId}/rolls`, { notation: '1d4' });
    await context.setOffline(false);
    await page.locator(`li[data-roll-id="${dmRoll.body.id}"]`).waitFor({ timeout: 15_000 });
    for (let i = 0; i < 200; i++) {
      if ((await rolls()).some((roll) => roll.talespireRollId === rollId)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await rolls()).filter((roll) => roll.talespireRollId === rollId)).toHaveLength(1);
  });

  it('threw no uncaught error in any page', () => {
    expect(app.problems.filter((problem) => problem.startsWith('page error'))).toEqual([]);
  });
});
