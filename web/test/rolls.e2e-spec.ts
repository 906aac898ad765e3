import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { TEST_PLUGINS_DIR } from '../../apps/host/test/support/plugins.js';
import { registerVerifiedUser, type TestUser } from '../../apps/host/test/support/users.js';
import { startWebApp, type WebApp } from './support/web-app.js';

/**
 * The SDK's roll contract through the web app: a sheet's `onRoll` sends its modifier/target and its promise
 * resolves with the roll's result (or rejects with the message shown); the roll's value and the ruleset's
 * outcome appear in the sheet, the toast, the last roll and the group's log. Rulesets: dsa5e (its own sheet and
 * modifier), generic (a sheet without options: the panel's apply) and the pool test ruleset (no sheet UI at all).
 */
describe('the web app: rolls from a sheet, read the ruleset’s way', () => {
  let app: WebApp;
  let player: TestUser;
  let page: Page;
  const ids: Record<string, string> = {};

  const as = (method: string, path: string, body?: unknown) =>
    app.http(method, path, { token: player.accessToken, body });

  async function character(rulesetId: string, name: string, groupId?: string): Promise<string> {
    const created = await as('POST', '/v1/characters', { rulesetId, name });
    if (groupId) await as('POST', `/v1/groups/${groupId}/characters`, { characterId: created.body.id });
    return created.body.id;
  }

  beforeAll(async () => {
    app = await startWebApp({}, [join(TEST_PLUGINS_DIR, 'pool')]);
    player = await registerVerifiedUser(app.http, app.smtp, 'Roller');
    for (const rulesetId of ['dsa5e', 'generic', 'pool']) {
      const group = await as('POST', '/v1/groups', { name: `${rulesetId} table`, rulesetId });
      ids[rulesetId] = await character(rulesetId, `${rulesetId} hero`, group.body.id);
      ids[`${rulesetId}-group`] = group.body.id;
    }
    ids.loner = await character('dsa5e', 'Loner');
    ids.genericLoner = await character('generic', 'Wanderer');
    page = (await app.person()).page;
    await page.goto('/login');
    await page.getByLabel('Email').fill(player.email);
    await page.getByLabel('Password').fill(player.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/groups');
  }, 90_000);

  afterAll(async () => {
    await app?.stop();
  });

  async function openSheet(id: string): Promise<void> {
    await page.goto(`/characters/${id}`);
    await page.locator('[data-mounted="true"]').waitFor();
  }

  const lastRoll = () => page.getByRole('list', { name: 'Last roll' }).locator('li[data-roll-id]');

  it('resolves the DSA5 sheet’s roll promise with the outcome and shows the quality level everywhere', async () => {
    await openSheet(ids.dsa5e);
    // +20 on each attribute: every 3d20 succeeds except a double 20 (a botch, 0.7 %), so roll again on one.
    await page.getByLabel('Modifikator').fill('20');
    const outcome = page.locator('.rollbar output.outcome');
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = (await lastRoll().count()) > 0 ? await lastRoll().getAttribute('data-roll-id') : null;
      await page.getByRole('button', { name: 'Probe Klettern' }).click();
      await page.waitForFunction(
        (previous) => {
          const li = document.querySelector('[aria-label="Last roll"] li[data-roll-id]');
          return li !== null && li.getAttribute('data-roll-id') !== previous;
        },
        before,
        { timeout: 5000 },
      );
      if (!/Patzer/.test(await lastRoll().innerText())) break;
    }
    // The sheet shows what its promise resolved with: the ruleset's label and detail.
    await expect(outcome.innerText()).resolves.toMatch(/QS [1-6] \(.*QL [1-6]\)/);
    const detail = await outcome.locator('small').innerText();
    const points = /^(\d+) FP übrig/.exec(detail)?.[1];
    expect(points).toBeDefined();
    // The last roll and the toast show the roll's value (the points left), not the sum of the three dice.
    const entry = lastRoll();
    await expect(entry.locator('.figure').innerText()).resolves.toBe(points);
    await expect(entry.innerText()).resolves.toContain('mod +20');
    const toast = page.locator('.toast', { hasText: 'Klettern' }).last();
    await expect(toast.innerText()).resolves.toMatch(new RegExp(`: ${points} — .*QS [1-6]`));
    expect(await toast.getAttribute('class')).toMatch(/tone-(success|critical)/);
    // The group's log reads it the same way.
    const rollId = await entry.getAttribute('data-roll-id');
    await page.goto(`/groups/${ids['dsa5e-group']}`);
    const logged = page.locator(`li[data-roll-id="${rollId}"]`);
    await expect(logged.innerText()).resolves.toMatch(/QS [1-6]/);
    await expect(logged.locator('.figure').innerText()).resolves.toBe(points);
    await expect(logged.innerText()).resolves.toContain('mod +20');
  });

  it('rejects the sheet’s promise with the message the client showed when the roll cannot be made', async () => {
    await openSheet(ids.loner);
    await page.getByRole('button', { name: 'Probe Klettern' }).click();
    const message = 'Bring this character into a group to roll from the sheet.';
    await page.locator('.rollbar .err', { hasText: message }).waitFor();
    await page.locator('.toast', { hasText: message }).waitFor();
    // The generic sheet ignores its promise: the rejection must not surface as a page error (checked at the end).
    await openSheet(ids.genericLoner);
    await page.getByRole('button', { name: /^Initiative/ }).click();
    await page.locator('.toast', { hasText: message }).last().waitFor();
  });

  it('applies the panel’s target to a sheet that passes no options (generic)', async () => {
    await openSheet(ids.generic);
    await page.getByLabel('Target').fill('100');
    await page.getByRole('button', { name: /^Initiative/ }).click();
    const entry = lastRoll();
    await entry.filter({ hasText: 'Initiative: failure' }).waitFor();
    await expect(entry.innerText()).resolves.toMatch(/\d+ < target 100/);
    await expect(entry.innerText()).resolves.toContain('target 100');
  });

  it('rolls a ruleset without a sheet UI from the panel’s list, with a target, and explains a refusal', async () => {
    await page.goto(`/characters/${ids.pool}`);
    const actions = page.getByRole('list', { name: 'Dice actions' });
    await actions.waitFor();
    // Fudge dice reach −4 at worst, +1 for careful: against −10 the margin is always ≥ 3.
    await page.getByLabel('Target').fill('-10');
    await actions.getByRole('button', { name: 'Carefully' }).click();
    const entry = lastRoll();
    await entry.filter({ hasText: 'Succeed with style' }).waitFor();
    await expect(entry.innerText()).resolves.toContain('target -10');
    await page.getByLabel('Target').fill('');
    await actions.getByRole('button', { name: 'Soak' }).click();
    await page.locator('.toast.error', { hasText: 'Soak needs the damage as its target' }).waitFor();
    await page.goto(`/groups/${ids['pool-group']}`);
    await page.locator('li[data-roll-id]', { hasText: 'Succeed with style' }).waitFor();
  });

  it('saw no page error and no failed request besides the refused soak', () => {
    const unexpected = app.problems.filter((problem) => !/^4\d\d POST .*\/v1\/groups\/[\w-]+\/rolls$/.test(problem));
    expect(unexpected).toEqual([]);
    expect(app.problems).toHaveLength(1);
  });
});
