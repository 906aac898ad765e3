import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestDatabase } from '../../../apps/host/test/support/database.js';
import { createHttp, type Http } from '../../../apps/host/test/support/http.js';
import { REPO_PLUGINS_DIR } from '../../../apps/host/test/support/plugins.js';
import { freePort } from '../../../apps/host/test/support/ports.js';
import { SmtpReceiver } from '../../../apps/host/test/support/smtp-receiver.js';
import { startTestHost, type TestHost } from '../../../apps/host/test/support/test-host.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A real host serving the built web app, with real SMTP, a fresh database and a watched copy of the plugins. */
export interface WebApp {
  host: TestHost;
  http: Http;
  smtp: SmtpReceiver;
  browser: Browser;
  pluginsDir: string;
  /** Problems seen by any page (uncaught errors, failed requests other than the expected ones). */
  problems: string[];
  /** A new browser context (one person) at a 1280×900 window, or `width` wide. */
  person(options?: { width?: number; baseUrl?: string }): Promise<{ context: BrowserContext; page: Page }>;
  stop(): Promise<void>;
}

/** Requests a page may see fail: the silent refresh of a visitor who is not logged in. */
const EXPECTED_FAILURES = [/\/v1\/auth\/refresh$/];

/** `extraPlugins`: more plugin folders (e.g. test fixtures) copied next to the repository's generic, dsa5e and initiative. */
export async function startWebApp(env: Record<string, string> = {}, extraPlugins: string[] = []): Promise<WebApp> {
  const database = await createTestDatabase();
  const smtp = new SmtpReceiver();
  const smtpUrl = await smtp.start();
  const pluginsDir = await mkdtemp(join(tmpdir(), 'cm-web-plugins-'));
  for (const id of ['generic', 'dsa5e', 'initiative'])
    await cp(join(REPO_PLUGINS_DIR, id), join(pluginsDir, id), { recursive: true });
  for (const folder of extraPlugins) await cp(folder, join(pluginsDir, basename(folder)), { recursive: true });
  // A known port, so PUBLIC_URL (mailed links, host-signed upload URLs) is the address the browser uses.
  const port = await freePort();
  const host = await startTestHost({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: database.url,
    SMTP_URL: smtpUrl,
    PLUGINS_DIR: pluginsDir,
    PLUGINS_WATCH: 'true',
    AUTH_RATE_LIMIT_MAX: '100000',
    ...env,
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];
  return {
    host,
    http: createHttp(host.url),
    smtp,
    browser,
    pluginsDir,
    problems,
    async person({ width = 1280, baseUrl = host.url } = {}) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, baseURL: baseUrl });
      contexts.push(context);
      context.on('page', (page) => watch(page, problems));
      const page = await context.newPage();
      return { context, page };
    },
    async stop() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await host.stop();
      await smtp.stop();
      await rm(pluginsDir, { recursive: true, force: true });
      await database.drop();
    },
  };
}

function watch(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    const url = response.url();
    if (response.status() < 400 || url.endsWith('/favicon.ico')) return;
    if (EXPECTED_FAILURES.some((pattern) => pattern.test(new URL(url).pathname))) return;
    problems.push(`${response.status()} ${response.request().method()} ${url}`);
  });
}

/** The path and query of a link the host mailed or returned (its origin is PUBLIC_URL, not the test port). */
export function pathOf(link: string): string {
  const url = new URL(link);
  return url.pathname + url.search;
}

/** Waits for the newest link of `pattern` mailed to `email`. */
export function mailedLink(smtp: SmtpReceiver, email: string, pattern: RegExp): Promise<string> {
  return smtp.waitFor(email, pattern, 10_000);
}

let people = 0;
/** A unique address for a display name. */
export function emailFor(name: string): string {
  people += 1;
  return `${name.toLowerCase()}-${Date.now().toString(36)}-${people}@example.com`;
}
