import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { registerVerifiedUser, type TestUser } from '../../apps/host/test/support/users.js';
import { tinyPng } from './support/images.js';
import { mailedLink, pathOf, startWebApp, type WebApp } from './support/web-app.js';

/** What a DM and a player do besides playing: settings, files, history, portraits, passwords, logging out. */
describe('the web app: managing groups, characters and the account', () => {
  let app: WebApp;
  let dm: TestUser;
  let players: TestUser[];
  let page: Page;
  let groupId: string;
  let characterId: string;

  const as = (user: TestUser) => (method: string, path: string, body?: unknown) =>
    app.http(method, path, { token: user.accessToken, body });

  beforeAll(async () => {
    app = await startWebApp();
    dm = await registerVerifiedUser(app.http, app.smtp, 'Manager');
    players = [
      await registerVerifiedUser(app.http, app.smtp, 'Nora'),
      await registerVerifiedUser(app.http, app.smtp, 'Olaf'),
    ];
    groupId = (await as(dm)('POST', '/v1/groups', { name: 'Old name', rulesetId: 'generic' })).body.id;
    const invite = (await as(dm)('POST', `/v1/groups/${groupId}/invite`, {})).body;
    for (const player of players) await as(player)('POST', `/v1/groups/${groupId}/join/${invite.token}`);
    characterId = (await as(dm)('POST', '/v1/characters', { rulesetId: 'generic', name: 'First name' })).body.id;
    const current = (await as(dm)('GET', `/v1/characters/${characterId}`)).body;
    await as(dm)('PUT', `/v1/characters/${characterId}`, { name: 'Second name', sheet: current.sheet, version: 1 });
    page = (await app.person()).page;
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto('/login');
    await page.getByLabel('Email').fill(dm.email);
    await page.getByLabel('Password').fill(dm.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/groups');
  }, 90_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('renames the group, revokes an invite, removes a member and hands the DM role over', async () => {
    await page.goto(`/groups/${groupId}/settings`);
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('New name');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByRole('button', { name: 'Create invite link' }).click();
    await page.getByLabel('New invite link').waitFor();
    const invite = page.locator('li', { has: page.getByRole('button', { name: /^Revoke/ }) }).first();
    await invite.getByRole('button', { name: /^Revoke/ }).click();
    await page.locator('li', { hasText: 'Revoked' }).first().waitFor();
    const invites = (await as(dm)('GET', `/v1/groups/${groupId}/invites`)).body;
    expect(invites.filter((entry: any) => entry.revoked)).toHaveLength(1);
    await page.getByRole('button', { name: 'Remove Olaf' }).click();
    await page.getByText('Olaf was removed.').waitFor();
    expect((await as(dm)('GET', `/v1/groups/${groupId}/members`)).body.map((m: any) => m.displayName).sort()).toEqual([
      'Manager',
      'Nora',
    ]);
    await page.getByRole('button', { name: 'Make DM: Nora' }).click();
    await page.waitForURL(`**/groups/${groupId}`);
    await page.getByRole('heading', { name: 'New name' }).waitFor();
    expect(await page.getByRole('link', { name: /Settings/ }).count()).toBe(0);
    expect((await as(dm)('GET', `/v1/groups/${groupId}`)).body).toMatchObject({ name: 'New name', myRole: 'player' });
  });

  it('deletes a group only after its name is typed', async () => {
    const doomed = (await as(dm)('POST', '/v1/groups', { name: 'Doomed table', rulesetId: 'generic' })).body.id;
    await page.goto(`/groups/${doomed}/settings`);
    const remove = page.getByRole('button', { name: 'Delete this group' });
    await expect(remove.isDisabled()).resolves.toBe(true);
    await page.getByLabel(/to confirm/).fill('Doomed table');
    await remove.click();
    await page.waitForURL('**/groups');
    expect((await as(dm)('GET', `/v1/groups/${doomed}`)).status).toBe(404);
  });

  it('exports a character as .cmchar, imports it back, and lists the errors of a bad file', async () => {
    await page.goto('/characters');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export Second name' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('Second name.cmchar');
    const document = JSON.parse(await (await import('node:fs/promises')).readFile(await file.path(), 'utf8'));
    expect(document).toMatchObject({ ruleset_id: 'generic', name: 'Second name' });
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'copy.cmchar',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(document)),
    });
    await page.waitForURL(/\/characters\/[0-9a-f-]{36}$/);
    expect(page.url()).not.toContain(characterId);
    await page.goto('/characters');
    const broken = { ...document, sheet_data: { ...document.sheet_data, hp: 'lots' } };
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'broken.cmchar',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(broken)),
    });
    const problems = page.getByRole('alert').filter({ hasText: 'The file was not imported' });
    await problems.waitFor();
    expect(await problems.innerText()).toMatch(/hp/);
    await page
      .getByLabel('File', { exact: true })
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not json') });
    await page.getByText('notes.txt is not a JSON file').waitFor();
  });

  it('restores an earlier version from the history', async () => {
    await page.goto(`/characters/${characterId}`);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('button', { name: 'Restore version 1' }).click();
    await page.getByText('Version 1 restored.').waitFor();
    await expect(page.getByLabel('Character name').inputValue()).resolves.toBe('First name');
    expect((await as(dm)('GET', `/v1/characters/${characterId}`)).body).toMatchObject({
      name: 'First name',
      version: 3,
    });
  });

  it('uploads a portrait after checking its type and size', async () => {
    const input = page.getByLabel('Upload an image');
    await input.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(3 * 1024 * 1024, 1) });
    await page.getByText(/the limit is 2 MB/).waitFor();
    await input.setInputFiles({ name: 'notes.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a') });
    await page.getByText('Choose a PNG, JPEG or WebP image.').waitFor();
    await input.setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: tinyPng() });
    await page.getByText('Portrait updated.').waitFor();
    const portrait = page.getByRole('img', { name: 'Portrait of First name' });
    await portrait.waitFor();
    expect(await portrait.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).toBe(1);
  });

  it('changes the display name, logs out, and resets a forgotten password through the mailed link', async () => {
    await page.goto('/me');
    await page.getByRole('textbox', { name: 'Display name' }).fill('Manager Prime');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByText('Your display name is saved.').waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/login');
    await page.goto('/groups');
    await page.waitForURL('**/login?next=%2Fgroups');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(dm.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText('a link is on its way').waitFor();
    const link = await mailedLink(app.smtp, dm.email, /https?:\/\/\S+\/reset-password\?token=[\w-]+/);
    await page.goto(pathOf(link));
    await page.getByLabel('New password', { exact: true }).fill('a brand new password');
    await page.getByLabel('Repeat the new password').fill('a brand new password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('Your password is changed').waitFor();
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.getByLabel('Email').fill(dm.email);
    await page.getByLabel('Password').fill('a brand new password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/groups');
    await expect(page.getByRole('link', { name: 'Manager Prime' }).isVisible()).resolves.toBe(true);
    const unexpected = app.problems.filter((problem) => !/^4\d\d POST .*\/v1\/characters\/import$/.test(problem));
    expect(unexpected).toEqual([]);
  });
});
