import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import pg from 'pg';
import { AuthGuard } from '../src/auth/auth.guard.js';
import { AccountMailService } from '../src/auth/account-mail.service.js';
import { RequireVerifiedEmail, VerifiedEmailGuard } from '../src/auth/verified-email.guard.js';
import { DomainError } from '../src/common/domain-error.js';
import { createUser, mailedToken } from './support/auth.js';
import { createTestDatabase } from './support/database.js';
import { createHttp, type Http } from './support/http.js';
import { SmtpReceiver } from './support/smtp-receiver.js';
import { startTestHost, TEST_REDIS_URL, uniqueRedisPrefix, type TestHost } from './support/test-host.js';

const STORES = [
  { name: 'in-process store (no REDIS_URL)', env: {} },
  { name: 'Redis store', env: { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: uniqueRedisPrefix() } },
];

describe.each(STORES)('auth with the $name', ({ env }) => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let smtp: SmtpReceiver;
  let host: TestHost;
  let http: Http;
  let db: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = new SmtpReceiver();
    const smtpUrl = await smtp.start();
    // Production-like argon2 cost, so the login timing test can tell a skipped hash from a real one.
    host = await startTestHost({
      ...env,
      DATABASE_URL: database.url,
      SMTP_URL: smtpUrl,
      ARGON2_MEMORY_KIB: '19456',
      ARGON2_TIME_COST: '2',
    });
    http = createHttp(host.url);
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await host?.stop();
    await smtp?.stop();
    await database?.drop();
  });

  const userCount = async (): Promise<number> => Number((await db.query('SELECT count(*) AS n FROM users')).rows[0].n);

  it('registers, verifies from the mailed link, logs in and shows /me', async () => {
    const email = 'Ada.Lovelace@Example.com';
    const registered = await http('POST', '/v1/auth/register', {
      body: { email, password: 'analytical engine', displayName: '  Ada  ' },
    });
    expect(registered.status).toBe(202);
    expect(registered.body.message).toEqual(expect.any(String));

    const login = await http('POST', '/v1/auth/login', {
      body: { email: 'ada.lovelace@example.com', password: 'analytical engine' },
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshToken: expect.any(String),
      accessToken: expect.any(String),
    });
    expect(login.body.user).toMatchObject({ email, displayName: 'Ada', emailVerified: false });
    expect(Object.keys(login.body.user).sort()).toEqual(['createdAt', 'displayName', 'email', 'emailVerified', 'id']);

    const token = await mailedToken(smtp, email, 'verify');
    const mail = smtp.to(email).at(-1)!.raw;
    expect(mail).toContain(`${host.config.publicUrl}/verify-email?token=${token}`);
    const stored = await db.query('SELECT token_hash FROM user_tokens WHERE purpose = $1', ['verify_email']);
    expect(stored.rows.map((row: { token_hash: string }) => row.token_hash)).not.toContain(token);

    expect((await http('POST', '/v1/auth/verify-email', { body: { token } })).status).toBe(204);
    const reused = await http('POST', '/v1/auth/verify-email', { body: { token } });
    expect(reused.status).toBe(400);
    expect(reused.headers.get('content-type')).toContain('application/problem+json');
    expect(reused.body.code).toBe('invalid_token');

    const me = await http('GET', '/v1/me', { token: login.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: login.body.user.id,
      email,
      displayName: 'Ada',
      emailVerified: true,
      createdAt: expect.any(String),
    });
    expect((await http('GET', '/v1/me')).status).toBe(401);
  });

  it('rejects unknown and expired verification tokens', async () => {
    expect((await http('POST', '/v1/auth/verify-email', { body: { token: 'nope' } })).body.code).toBe('invalid_token');
    await http('POST', '/v1/auth/register', {
      body: { email: 'late@example.com', password: 'password123', displayName: 'Late' },
    });
    const token = await mailedToken(smtp, 'late@example.com', 'verify');
    await db.query(`UPDATE user_tokens SET expires_at = now() - interval '1 second'`);
    const expired = await http('POST', '/v1/auth/verify-email', { body: { token } });
    expect(expired.status).toBe(400);
    expect(expired.body.code).toBe('invalid_token');
    expect(
      (await db.query(`SELECT email_verified FROM users WHERE email = 'late@example.com'`)).rows[0].email_verified,
    ).toBe(false);
  });

  /** Mails go out after the answer (AccountMailService); this resolves once every queued one is handled. */
  const mailSettled = (): Promise<void> => host.app.get(AccountMailService).idle();

  it('resends a fresh verification link only to unverified accounts, always answering 202', async () => {
    const user = await createUser(http, smtp, { verified: false });
    await mailSettled();
    const before = smtp.to(user.email).length;
    const resend = await http('POST', '/v1/auth/verify-email/resend', { body: { email: user.email } });
    const unknown = await http('POST', '/v1/auth/verify-email/resend', { body: { email: 'nobody-here@example.com' } });
    expect(resend.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(resend.body);
    const deadline = Date.now() + 5000;
    while (smtp.to(user.email).length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(smtp.to(user.email).length).toBe(before + 1);
    const token = await mailedToken(smtp, user.email, 'verify');
    expect((await http('POST', '/v1/auth/verify-email', { body: { token } })).status).toBe(204);

    const verifiedCount = smtp.to(user.email).length;
    expect((await http('POST', '/v1/auth/verify-email/resend', { body: { email: user.email } })).status).toBe(202);
    await mailSettled();
    expect(smtp.to(user.email).length).toBe(verifiedCount);
    expect(smtp.to('nobody-here@example.com')).toHaveLength(0);
  });

  it('resets a password from the mailed link: old password fails, every session ends, email becomes verified', async () => {
    const user = await createUser(http, smtp, { verified: false });
    const second = await http('POST', '/v1/auth/login', { body: { email: user.email, password: user.password } });
    const request = await http('POST', '/v1/auth/password-reset/request', { body: { email: user.email } });
    const unknown = await http('POST', '/v1/auth/password-reset/request', { body: { email: 'ghost@example.com' } });
    expect(request.status).toBe(202);
    expect({ status: unknown.status, body: unknown.body }).toEqual({ status: request.status, body: request.body });

    const token = await mailedToken(smtp, user.email, 'reset');
    const tooShort = await http('POST', '/v1/auth/password-reset/confirm', { body: { token, password: 'short' } });
    expect(tooShort.status).toBe(400);
    expect(
      (await http('POST', '/v1/auth/password-reset/confirm', { body: { token, password: 'a brand new secret' } }))
        .status,
    ).toBe(204);
    const again = await http('POST', '/v1/auth/password-reset/confirm', {
      body: { token, password: 'yet another secret' },
    });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('invalid_token');

    expect(
      (await http('POST', '/v1/auth/login', { body: { email: user.email, password: user.password } })).status,
    ).toBe(401);
    const fresh = await http('POST', '/v1/auth/login', { body: { email: user.email, password: 'a brand new secret' } });
    expect(fresh.status).toBe(200);
    expect(fresh.body.user.emailVerified).toBe(true);
    for (const refreshToken of [user.refreshToken, second.body.refreshToken]) {
      expect((await http('POST', '/v1/auth/refresh', { body: { refreshToken } })).status).toBe(401);
    }
    expect((await http('POST', '/v1/auth/refresh', { body: { refreshToken: fresh.body.refreshToken } })).status).toBe(
      200,
    );
    await mailSettled();
    expect(smtp.to('ghost@example.com')).toHaveLength(0);
  });

  /** Asks for a reset link and returns its token (each request mails a new one). */
  async function resetToken(email: string): Promise<string> {
    const known = new Set(smtp.to(email).map((mail) => mail.raw));
    expect((await http('POST', '/v1/auth/password-reset/request', { body: { email } })).status).toBe(202);
    await mailSettled();
    const mail = smtp.to(email).find((candidate) => !known.has(candidate.raw));
    const token = mail && /reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.raw)?.[1];
    if (!token) throw new Error(`no new reset mail to ${email}`);
    return token;
  }

  it('spends every outstanding reset link when one is used: an older one is refused after a newer one', async () => {
    const user = await createUser(http, smtp);
    const older = await resetToken(user.email);
    const newer = await resetToken(user.email);
    expect(older).not.toBe(newer);
    const confirm = (token: string, password: string) =>
      http('POST', '/v1/auth/password-reset/confirm', { body: { token, password } });
    expect((await confirm(newer, 'the newest secret')).status).toBe(204);
    const stale = await confirm(older, 'an older secret');
    expect(stale.status).toBe(400);
    expect(stale.body.code).toBe('invalid_token');
    expect(
      (await http('POST', '/v1/auth/login', { body: { email: user.email, password: 'the newest secret' } })).status,
    ).toBe(200);
    expect(
      (await http('POST', '/v1/auth/login', { body: { email: user.email, password: 'an older secret' } })).status,
    ).toBe(401);
  });

  it('spends every outstanding reset link when the password is changed', async () => {
    const user = await createUser(http, smtp);
    const pending = await resetToken(user.email);
    const changed = await http('PATCH', '/v1/me', {
      token: user.accessToken,
      body: { currentPassword: user.password, newPassword: 'changed on purpose' },
    });
    expect(changed.status).toBe(200);
    const late = await http('POST', '/v1/auth/password-reset/confirm', {
      body: { token: pending, password: 'hijacked!!' },
    });
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('invalid_token');
    expect(
      (await http('POST', '/v1/auth/login', { body: { email: user.email, password: 'changed on purpose' } })).status,
    ).toBe(200);
  });

  it('changes the display name and the password; a password change keeps only the current session', async () => {
    const user = await createUser(http, smtp);
    const other = await http('POST', '/v1/auth/login', { body: { email: user.email, password: user.password } });
    const renamed = await http('PATCH', '/v1/me', { token: user.accessToken, body: { displayName: '  Grace  ' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.displayName).toBe('Grace');

    const wrong = await http('PATCH', '/v1/me', {
      token: user.accessToken,
      body: { currentPassword: 'not it at all', newPassword: 'new password 1' },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('wrong_password');
    const missing = await http('PATCH', '/v1/me', { token: user.accessToken, body: { newPassword: 'new password 1' } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toContain('currentPassword');
    expect(
      (await http('POST', '/v1/auth/login', { body: { email: user.email, password: user.password } })).status,
    ).toBe(200);

    const changed = await http('PATCH', '/v1/me', {
      token: user.accessToken,
      body: { currentPassword: user.password, newPassword: 'new password 1' },
    });
    expect(changed.status).toBe(200);
    expect(
      (await http('POST', '/v1/auth/login', { body: { email: user.email, password: user.password } })).status,
    ).toBe(401);
    expect(
      (await http('POST', '/v1/auth/login', { body: { email: user.email, password: 'new password 1' } })).status,
    ).toBe(200);
    expect((await http('POST', '/v1/auth/refresh', { body: { refreshToken: other.body.refreshToken } })).status).toBe(
      401,
    );
    const current = await http('POST', '/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(current.status).toBe(200);
  });

  it('does not reveal which addresses have accounts', async () => {
    const user = await createUser(http, smtp);
    const mailsBefore = smtp.to(user.email).length;
    const existing = await http('POST', '/v1/auth/register', {
      body: { email: user.email.toUpperCase(), password: 'whatever 123', displayName: 'Copy' },
    });
    const fresh = await http('POST', '/v1/auth/register', {
      body: { email: 'brand-new@example.com', password: 'whatever 123', displayName: 'New' },
    });
    expect({ status: existing.status, body: existing.body }).toEqual({ status: fresh.status, body: fresh.body });
    await smtp.waitFor(user.email, /(Someone \(maybe you\) tried to create)/);
    expect(smtp.to(user.email).length).toBe(mailsBefore + 1);
    expect(
      (await db.query('SELECT count(*) AS n FROM users WHERE lower(email) = lower($1)', [user.email])).rows[0].n,
    ).toBe('1');

    const wrongPassword = await http('POST', '/v1/auth/login', {
      body: { email: user.email, password: 'wrong password' },
    });
    const unknownEmail = await http('POST', '/v1/auth/login', {
      body: { email: 'unknown-person@example.com', password: 'wrong password' },
    });
    expect(wrongPassword.status).toBe(401);
    expect({ status: unknownEmail.status, body: unknownEmail.body }).toEqual({
      status: wrongPassword.status,
      body: wrongPassword.body,
    });
  });

  it('takes comparable time for an unknown email and a wrong password', async () => {
    const user = await createUser(http, smtp);
    const time = async (email: string): Promise<number> => {
      const started = performance.now();
      const result = await http('POST', '/v1/auth/login', { body: { email, password: 'definitely wrong' } });
      expect(result.status).toBe(401);
      return performance.now() - started;
    };
    const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 9; i += 1) {
      known.push(await time(user.email));
      unknown.push(await time(`nobody-${i}@example.com`));
    }
    const ratio = median(known) / median(unknown);
    expect(ratio).toBeGreaterThan(1 / 3);
    expect(ratio).toBeLessThan(3);
  });

  it('rejects bad input with field errors and changes nothing', async () => {
    const before = await userCount();
    const mailsBefore = smtp.messages.length;
    const valid = { email: 'valid@example.com', password: 'password123', displayName: 'Valid' };
    const cases: Array<{ body?: unknown; raw?: string; field?: string }> = [
      { body: { password: valid.password, displayName: 'x' }, field: 'email' },
      { body: { ...valid, displayName: undefined }, field: 'displayName' },
      { body: { ...valid, admin: true }, field: 'admin' },
      { body: { ...valid, email: 42 }, field: 'email' },
      { body: { ...valid, password: 12345678 }, field: 'password' },
      { body: { ...valid, password: 'p'.repeat(129) }, field: 'password' },
      { body: { ...valid, password: 'p'.repeat(7) }, field: 'password' },
      { body: { ...valid, email: `${'a'.repeat(250)}@example.com` }, field: 'email' },
      { body: { ...valid, email: 'not an email' }, field: 'email' },
      { body: { ...valid, displayName: '    ' }, field: 'displayName' },
      { body: { ...valid, displayName: 'd'.repeat(65) }, field: 'displayName' },
      { raw: '{"email": "valid@example.com", "password": ' },
      { body: ['not', 'an', 'object'] },
    ];
    for (const testCase of cases) {
      const result = await http(
        'POST',
        '/v1/auth/register',
        testCase.raw === undefined
          ? { body: testCase.body }
          : { rawBody: testCase.raw, headers: { 'content-type': 'application/json' } },
      );
      expect(result.status).toBe(400);
      expect(result.headers.get('content-type')).toContain('application/problem+json');
      if (testCase.field) expect(result.body.errors.map((e: { path: string }) => e.path)).toContain(testCase.field);
    }
    const login = await http('POST', '/v1/auth/login', {
      body: { email: 'valid@example.com', password: 'x', transport: 'carrier-pigeon' },
    });
    expect(login.status).toBe(400);
    expect(login.body.errors.map((e: { path: string }) => e.path)).toContain('transport');
    const longToken = await http('POST', '/v1/auth/verify-email', { body: { token: 't'.repeat(10_000) } });
    expect(longToken.status).toBe(400);
    expect(longToken.body.errors[0].path).toBe('token');
    const patch = await http('PATCH', '/v1/me', {
      token: (await createUser(http, smtp)).accessToken,
      body: { email: 'new@example.com' },
    });
    expect(patch.status).toBe(400);
    expect(await userCount()).toBe(before + 1);
    expect(
      (await db.query(`SELECT count(*) AS n FROM users WHERE email = 'valid@example.com' OR email = 'new@example.com'`))
        .rows[0].n,
    ).toBe('0');
    expect(smtp.messages.slice(mailsBefore).every((mail) => !mail.to.includes('valid@example.com'))).toBe(true);
  });

  it('requires a verified email on routes marked @RequireVerifiedEmail()', async () => {
    const unverified = await createUser(http, smtp, { verified: false });
    const verified = await createUser(http, smtp);
    class Probe {
      @RequireVerifiedEmail()
      create(): void {}
      open(): void {}
    }
    const context = (handler: () => void, token?: string): ExecutionContext => {
      const request = { headers: token ? { authorization: `Bearer ${token}` } : {} };
      return {
        getType: () => 'http',
        getHandler: () => handler,
        getClass: () => Probe,
        switchToHttp: () => ({ getRequest: () => request }),
      } as unknown as ExecutionContext;
    };
    const guard = host.app.get(AuthGuard);
    const failure = (promise: Promise<unknown>): Promise<unknown> =>
      promise.then(
        () => undefined,
        (error: unknown) => error,
      );

    await expect(guard.canActivate(context(Probe.prototype.create, verified.accessToken))).resolves.toBe(true);
    await expect(guard.canActivate(context(Probe.prototype.open, unverified.accessToken))).resolves.toBe(true);
    const refused = await failure(guard.canActivate(context(Probe.prototype.create, unverified.accessToken)));
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'email_not_verified', status: 403 });
    expect(await failure(guard.canActivate(context(Probe.prototype.create)))).toMatchObject({
      code: 'unauthenticated',
      status: 401,
    });

    const verifiedEmailGuard = host.app.get(VerifiedEmailGuard);
    const direct = context(Probe.prototype.create);
    direct.switchToHttp().getRequest<{ user?: unknown }>().user = { id: unverified.id, sessionId: 's' };
    expect(await failure(verifiedEmailGuard.canActivate(direct))).toMatchObject({ code: 'email_not_verified' });
    await db.query('UPDATE users SET email_verified = true WHERE id = $1', [unverified.id]);
    await expect(verifiedEmailGuard.canActivate(direct)).resolves.toBe(true);
  });
});
