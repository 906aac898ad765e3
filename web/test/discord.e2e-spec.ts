import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DiscordStandIn } from '../../apps/host/test/support/discord/discord-stand-in.js';
import { slashCommand } from '../../apps/host/test/support/discord/interactions.js';
import { registerVerifiedUser, type TestUser } from '../../apps/host/test/support/users.js';
import { pathOf, startWebApp, type WebApp } from './support/web-app.js';

const SHOTS = process.env.SCREENSHOT_DIR ?? tmpdir();

/** Linking a Discord account in the browser, and the group view's NPC section (DM and player, live). */
describe('the web app: Discord link and NPCs', () => {
  const discord = new DiscordStandIn();
  let app: WebApp;
  let dm: TestUser;
  let player: TestUser;
  let groupId: string;

  async function logIn(user: TestUser): Promise<Page> {
    const { page } = await app.person();
    await page.goto('/login');
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/groups');
    return page;
  }

  beforeAll(async () => {
    await discord.start();
    app = await startWebApp({
      DISCORD_PUBLIC_KEY: discord.publicKeyHex,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_BASE_URL: discord.url,
    });
    dm = await registerVerifiedUser(app.http, app.smtp, 'Linker');
    player = await registerVerifiedUser(app.http, app.smtp, 'Watcher');
    groupId = (
      await app.http('POST', '/v1/groups', { token: dm.accessToken, body: { name: 'Barovia', rulesetId: 'generic' } })
    ).body.id;
    const invite = (await app.http('POST', `/v1/groups/${groupId}/invite`, { token: dm.accessToken, body: {} })).body;
    await app.http('POST', `/v1/groups/${groupId}/join/${invite.token}`, { token: player.accessToken });
  }, 90_000);

  afterAll(async () => {
    await app?.stop();
    await discord.stop();
  });

  it('confirms a /link link while logged in, shows it on /me and unlinks from there', async () => {
    const body = JSON.stringify(
      slashCommand({ id: '73908232506183680', username: 'mason' }, { guildId: '1' }, 'link', undefined),
    );
    const answer = await app.http('POST', '/v1/discord/interactions', { rawBody: body, headers: discord.sign(body) });
    const url = /(http:\/\/\S+\/link\/discord\/\S+)/.exec(answer.body.data.content)![1];
    const page = await logIn(dm);
    await page.goto(pathOf(url));
    await page.getByRole('heading', { name: 'Link your Discord account' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'discord-link.png') });
    await page.getByRole('button', { name: 'Link mason' }).click();
    await page.waitForURL('**/me');
    await page.getByText('Linked to mason').waitFor();
    await page.screenshot({ path: join(SHOTS, 'discord-me.png'), fullPage: true });
    await page.getByRole('button', { name: 'Unlink Discord' }).click();
    await page.getByText('Not linked.').waitFor();
    expect((await app.http('GET', '/v1/me/discord', { token: dm.accessToken })).body).toEqual({ account: null });
    await page.goto(pathOf(url));
    await page.getByRole('alert').filter({ hasText: 'expired' }).waitFor();
  });

  it('shows NPCs in the group view: the DM adds and reveals, the player sees it appear live', async () => {
    const dmPage = await logIn(dm);
    const playerPage = await logIn(player);
    await dmPage.goto(`/groups/${groupId}`);
    await playerPage.goto(`/groups/${groupId}`);
    await playerPage.getByText('The DM has revealed no NPCs yet.').waitFor();
    await dmPage.getByLabel('New NPC name').fill('Ireena Kolyana');
    await dmPage.getByLabel('New NPC name').press('Enter');
    await dmPage.getByRole('button', { name: 'Reveal Ireena Kolyana' }).waitFor();
    expect(await dmPage.locator('[data-npc-id]').innerText()).toContain('hidden');
    await dmPage.getByRole('button', { name: 'Reveal Ireena Kolyana' }).click();
    await dmPage.getByRole('button', { name: 'Hide Ireena Kolyana' }).waitFor();
    await playerPage.locator('[data-npc-id]').filter({ hasText: 'Ireena Kolyana' }).waitFor();
    expect(await playerPage.getByRole('button', { name: /Hide|Reveal/ }).count()).toBe(0);
    // The DM puts the NPC into the initiative tracker; players get no such control.
    expect(await playerPage.getByRole('button', { name: 'Join initiative' }).count()).toBe(0);
    await dmPage.getByLabel('Initiative of Ireena Kolyana').fill('14');
    await dmPage.getByRole('button', { name: 'Join initiative' }).click();
    await dmPage.getByText('Ireena Kolyana joins the initiative (14).').waitFor();
    const state = await app.http('GET', `/v1/groups/${groupId}/plugins/initiative/state`, { token: dm.accessToken });
    expect(state.status).toBe(200);
    expect(state.body.state.encounter.combatants).toEqual([
      expect.objectContaining({ name: 'Ireena Kolyana', initiative: 14 }),
    ]);
    await dmPage.screenshot({ path: join(SHOTS, 'npcs-dm.png'), fullPage: true });
    await playerPage.screenshot({ path: join(SHOTS, 'npcs-player.png'), fullPage: true });
    // The used link's preview answered 404 in the first test, on purpose.
    expect(app.problems.filter((problem) => !/^404 GET .*\/v1\/discord\/links\//.test(problem))).toEqual([]);
  });
});
