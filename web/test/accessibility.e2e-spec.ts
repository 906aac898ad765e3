import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { registerVerifiedUser } from '../../apps/host/test/support/users.js';
import { startWebApp, type WebApp } from './support/web-app.js';

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * Every route of the app, as the people who see it: axe-core finds no serious or critical violation, and at
 * 360 px wide nothing scrolls sideways.
 */
describe('the web app is accessible and fits a 360 px screen on every route', () => {
  let app: WebApp;
  let axeSource: string;
  let routes: Record<'anonymous' | 'dm', string[]>;
  let dmPage: Page;
  let anonymousPage: Page;

  beforeAll(async () => {
    app = await startWebApp();
    axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const dm = await registerVerifiedUser(app.http, app.smtp, 'Axe DM');
    const as = (method: string, path: string, body?: unknown) =>
      app.http(method, path, { token: dm.accessToken, body });
    const group = (await as('POST', '/v1/groups', { name: 'Accessible table', rulesetId: 'dsa5e' })).body;
    const invite = (await as('POST', `/v1/groups/${group.id}/invite`, {})).body;
    const character = (await as('POST', '/v1/characters', { rulesetId: 'dsa5e', name: 'Alrik' })).body;
    await as('POST', `/v1/groups/${group.id}/characters`, { characterId: character.id });
    await as('POST', `/v1/groups/${group.id}/rolls`, { characterId: character.id, actionId: 'talent:TAL_1' });
    await as('POST', `/v1/groups/${group.id}/rolls`, { notation: '2d6+3', label: 'Damage' });
    routes = {
      anonymous: [
        '/login',
        '/register',
        '/verify-email',
        '/verify-email?token=not-a-real-token',
        '/reset-password',
        '/reset-password?token=some-token',
        `/join/${group.id}/${invite.token}`,
      ],
      dm: [
        '/groups',
        `/groups/${group.id}`,
        `/groups/${group.id}/settings`,
        '/characters',
        `/characters/${character.id}`,
        '/me',
        '/groups/00000000-0000-4000-8000-000000000000',
      ],
    };
    anonymousPage = (await app.person()).page;
    dmPage = (await app.person()).page;
    await dmPage.goto('/login');
    await dmPage.getByLabel('Email').fill(dm.email);
    await dmPage.getByLabel('Password').fill(dm.password);
    await dmPage.getByRole('button', { name: 'Log in' }).click();
    await dmPage.waitForURL('**/groups');
  }, 90_000);

  afterAll(async () => {
    await app?.stop();
  });

  /** Opens a route and waits until it has rendered (its heading, and a mounted plugin UI where there is one). */
  async function open(page: Page, path: string): Promise<void> {
    await page.goto(path);
    await page.locator('main h1').first().waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll('[role="status"][aria-busy="true"], [aria-busy="true"]').length === 0,
    );
    await page.waitForLoadState('networkidle');
  }

  async function seriousViolations(page: Page): Promise<string[]> {
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: { run: (context: Document, options: object) => Promise<{ violations: unknown[] }> };
        }
      ).axe;
      return (await axe.run(document, { resultTypes: ['violations'] })).violations;
    });
    return (violations as AxeViolation[])
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map(
        (violation) =>
          `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
            .map((node) => node.target.join(' '))
            .slice(0, 5)
            .join(', ')}`,
      );
  }

  it('has no serious or critical axe violation on any route', async () => {
    const found: string[] = [];
    for (const [who, page] of [
      ['anonymous', anonymousPage],
      ['dm', dmPage],
    ] as const) {
      for (const path of routes[who]) {
        await open(page, path);
        for (const violation of await seriousViolations(page)) found.push(`${path}: ${violation}`);
      }
    }
    expect(found).toEqual([]);
  }, 120_000);

  it('never scrolls sideways at 360 px', async () => {
    const wide: string[] = [];
    for (const [who, page] of [
      ['anonymous', anonymousPage],
      ['dm', dmPage],
    ] as const) {
      await page.setViewportSize({ width: 360, height: 740 });
      for (const path of routes[who]) {
        await open(page, path);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width > 360) wide.push(`${path}: ${width}px`);
      }
    }
    expect(wide).toEqual([]);
  }, 120_000);

  it('moves the focus to the new page heading after a navigation', async () => {
    await dmPage.setViewportSize({ width: 1280, height: 900 });
    await open(dmPage, '/groups');
    await dmPage.getByRole('link', { name: 'Characters' }).click();
    await dmPage.getByRole('heading', { name: 'Your characters' }).waitFor();
    await dmPage.waitForFunction(() => document.activeElement?.tagName === 'H1');
    expect(await dmPage.evaluate(() => document.activeElement?.textContent)).toBe('Your characters');
  });

  it('is operable from the keyboard: skip link, then a roll from the roll box with Enter', async () => {
    await open(dmPage, routes.dm[1]);
    await dmPage.keyboard.press('Tab');
    expect(await dmPage.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await dmPage.keyboard.press('Enter');
    await dmPage.getByRole('textbox', { name: 'Dice' }).focus();
    await dmPage.keyboard.press('Control+a');
    await dmPage.keyboard.type('1d12');
    await dmPage.keyboard.press('Enter');
    await dmPage.locator('li[data-roll-id]', { hasText: '1d12' }).first().waitFor();
    // The only failed requests: the made-up verification token and the nonexistent group the test opened.
    const expected = [
      /^400 POST .*\/v1\/auth\/verify-email$/,
      /^404 GET .*\/v1\/groups\/00000000-0000-4000-8000-000000000000$/,
    ];
    expect(app.problems.filter((problem) => !expected.some((pattern) => pattern.test(problem)))).toEqual([]);
  });
});
