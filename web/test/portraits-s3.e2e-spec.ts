import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { startS3Server, type S3Server } from '../../apps/host/test/support/s3-server.js';
import { registerVerifiedUser } from '../../apps/host/test/support/users.js';
import { tinyPng } from './support/images.js';
import { startWebApp, type WebApp } from './support/web-app.js';

/**
 * Portraits in an S3-compatible bucket (s3rver, a real server): the browser PUTs to the presigned URL on the
 * bucket's own origin and shows the image from there, which the pages' Content-Security-Policy must allow.
 */
describe('the web app with portraits in an S3 bucket', () => {
  let s3: S3Server;
  let app: WebApp;
  let page: Page;
  let characterId: string;
  const violations: string[] = [];

  beforeAll(async () => {
    s3 = await startS3Server('cm-web', ['http://127.0.0.1:*']);
    app = await startWebApp(s3.env);
    const owner = await registerVerifiedUser(app.http, app.smtp, 'Painter');
    const created = await app.http('POST', '/v1/characters', {
      token: owner.accessToken,
      body: { rulesetId: 'generic', name: 'Sitter' },
    });
    characterId = created.body.id;
    page = (await app.person()).page;
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto('/login');
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/groups');
  }, 90_000);

  afterAll(async () => {
    await app?.stop();
    await s3?.stop();
  });

  it("allows the bucket's origin in the pages' connect-src and img-src", async () => {
    const response = await fetch(`${app.host.url}/characters/${characterId}`);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(new RegExp(`connect-src [^;]*${s3.endpoint.replace(/[.:/]/g, '\\$&')}`));
    expect(policy).toMatch(new RegExp(`img-src [^;]*${s3.endpoint.replace(/[.:/]/g, '\\$&')}`));
  });

  it('uploads a portrait straight to the bucket and shows it from there', async () => {
    await page.goto(`/characters/${characterId}`);
    const uploads: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') uploads.push(request.url());
    });
    await page
      .getByLabel('Upload an image')
      .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: tinyPng() });
    await page.getByText('Portrait updated.').waitFor();
    expect(uploads.some((url) => url.startsWith(`${s3.endpoint}/cm-web/`))).toBe(true);
    const portrait = page.getByRole('img', { name: 'Portrait of Sitter' });
    await portrait.waitFor();
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>('img[alt="Portrait of Sitter"]');
      return image?.complete;
    });
    expect(await portrait.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(1);
    expect(violations).toEqual([]);
    expect(app.problems).toEqual([]);
  });
});
