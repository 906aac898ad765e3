import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Http } from './http.js';
import type { SmtpReceiver } from './smtp-receiver.js';

/** Where a test reads mail from: a real SmtpReceiver, or a host's data folder when it has no SMTP_URL. */
export type Mailbox = SmtpReceiver | { dataDir: string };

const LINKS = { verify: /verify-email\?token=([A-Za-z0-9_-]+)/, reset: /reset-password\?token=([A-Za-z0-9_-]+)/ };

/** Waits for the newest mailed link of a kind to `email` and returns its token. */
export async function mailedToken(
  mailbox: Mailbox,
  email: string,
  kind: keyof typeof LINKS,
  timeoutMs = 5000,
): Promise<string> {
  if ('waitFor' in mailbox) return mailbox.waitFor(email, LINKS[kind], timeoutMs);
  const folder = join(mailbox.dataDir, 'mail');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const files = (await readdir(folder).catch(() => [] as string[])).sort().reverse();
    for (const file of files) {
      const text = await readFile(join(folder, file), 'utf8');
      const match = text.includes(`To: ${email}`) ? LINKS[kind].exec(text) : null;
      if (match) return match[1];
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`No ${kind} mail to ${email} within ${timeoutMs} ms`);
}

/** A logged-in test user. */
export interface TestUser {
  id: string;
  email: string;
  password: string;
  displayName: string;
  accessToken: string;
  refreshToken: string;
}

let counter = 0;

/** Registers a user through the API, verifies the address from the mail (unless `verified: false`) and logs in. */
export async function createUser(
  http: Http,
  mailbox: Mailbox,
  options: { email?: string; password?: string; displayName?: string; verified?: boolean } = {},
): Promise<TestUser> {
  counter += 1;
  const email = options.email ?? `user-${Date.now().toString(36)}-${counter}@example.com`;
  const password = options.password ?? 'correct horse battery';
  const displayName = options.displayName ?? `User ${counter}`;
  const registered = await http('POST', '/v1/auth/register', { body: { email, password, displayName } });
  if (registered.status !== 202)
    throw new Error(`register failed: ${registered.status} ${JSON.stringify(registered.body)}`);
  if (options.verified !== false) {
    const token = await mailedToken(mailbox, email, 'verify');
    const verified = await http('POST', '/v1/auth/verify-email', { body: { token } });
    if (verified.status !== 204) throw new Error(`verify failed: ${verified.status} ${JSON.stringify(verified.body)}`);
  }
  const login = await http('POST', '/v1/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return {
    id: login.body.user.id,
    email,
    password,
    displayName,
    accessToken: login.body.accessToken,
    refreshToken: login.body.refreshToken,
  };
}
