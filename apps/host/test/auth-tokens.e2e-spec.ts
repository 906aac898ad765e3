import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { createUser, type TestUser } from './support/auth.js';
import { createTestDatabase } from './support/database.js';
import { createHttp, type Http } from './support/http.js';
import { startTestHost, TEST_REDIS_URL, uniqueRedisPrefix, type TestHost } from './support/test-host.js';

const JWT_SECRET = 'tokens-suite-secret-tokens-suite-secret';

/** The refresh cookie of a response, parsed into name=value and lower-cased attributes. */
function refreshCookie(headers: Headers): { value: string; attributes: Map<string, string> } | undefined {
  const raw = headers.getSetCookie().find((cookie) => cookie.startsWith('cm_rt='));
  if (!raw) return undefined;
  const [pair, ...rest] = raw.split(';').map((part) => part.trim());
  const attributes = new Map(
    rest.map((part) => {
      const [key, ...value] = part.split('=');
      return [key.toLowerCase(), value.join('=')] as const;
    }),
  );
  return { value: pair.slice('cm_rt='.length), attributes };
}

describe('auth tokens and sessions (Redis store)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let host: TestHost;
  let http: Http;

  beforeAll(async () => {
    database = await createTestDatabase();
    host = await startTestHost({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: uniqueRedisPrefix(),
      JWT_SECRET,
    });
    http = createHttp(host.url);
  });

  afterAll(async () => {
    await host?.stop();
    await database?.drop();
  });

  const newUser = (): Promise<TestUser> => createUser(http, { dataDir: host.dataDir });
  const refresh = (refreshToken: string) => http('POST', '/v1/auth/refresh', { body: { refreshToken } });

  it('writes mail to the data folder when SMTP_URL is unset', async () => {
    const user = await newUser();
    expect(user.accessToken).toEqual(expect.any(String));
    expect((await http('GET', '/v1/me', { token: user.accessToken })).body.emailVerified).toBe(true);
    const files = await readdir(join(host.dataDir, 'mail'));
    expect(files.every((file) => file.endsWith('.eml'))).toBe(true);
    const texts = await Promise.all(files.map((file) => readFile(join(host.dataDir, 'mail', file), 'utf8')));
    const mail = texts.find((text) => text.includes(`To: ${user.email}`))!;
    expect(mail).toContain('Subject: Confirm your Campaign Manager email address');
    expect(mail).toMatch(new RegExp(`${host.config.publicUrl}/verify-email\\?token=[A-Za-z0-9_-]{43}`));
  });

  it('answers register the same when the SMTP server is down (failure only logged)', async () => {
    const broken = await startTestHost({ DATABASE_URL: database.url, SMTP_URL: 'smtp://127.0.0.1:1', JWT_SECRET });
    try {
      const brokenHttp = createHttp(broken.url);
      const body = { email: 'smtp-down@example.com', password: 'password123', displayName: 'Down' };
      const failed = await brokenHttp('POST', '/v1/auth/register', { body });
      const normal = await http('POST', '/v1/auth/register', { body: { ...body, email: 'smtp-up@example.com' } });
      expect({ status: failed.status, body: failed.body }).toEqual({ status: normal.status, body: normal.body });
      expect(
        (await brokenHttp('POST', '/v1/auth/login', { body: { email: body.email, password: body.password } })).status,
      ).toBe(200);
    } finally {
      await broken.stop();
    }
  });

  it('rotates refresh tokens: each is single use and the new one works', async () => {
    const user = await newUser();
    const first = await refresh(user.refreshToken);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    expect((await http('GET', '/v1/me', { token: first.body.accessToken })).status).toBe(200);
    const second = await refresh(first.body.refreshToken);
    expect(second.status).toBe(200);
    expect((await http('GET', '/v1/me', { token: second.body.accessToken })).body.id).toBe(user.id);
  });

  it('revokes the whole family when a used token is presented again, newest token included', async () => {
    const user = await newUser();
    const otherSession = await http('POST', '/v1/auth/login', { body: { email: user.email, password: user.password } });
    const next = await refresh(user.refreshToken);
    const newest = await refresh(next.body.refreshToken);
    expect(newest.status).toBe(200);

    const replay = await refresh(user.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.headers.get('content-type')).toContain('application/problem+json');
    expect(replay.body.code).toBe('unauthenticated');
    expect((await refresh(newest.body.refreshToken)).status).toBe(401);
    // Another login of the same user is another family and keeps working.
    expect((await refresh(otherSession.body.refreshToken)).status).toBe(200);
  });

  it('lets exactly one of two concurrent uses of the same token win', async () => {
    const user = await newUser();
    const results = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 401]);
  });

  it('rejects unknown, forged and missing refresh tokens', async () => {
    const user = await newUser();
    const [tokenId] = user.refreshToken.split('.');
    const forged = await refresh(`${tokenId}.${'A'.repeat(43)}`);
    expect(forged.status).toBe(401);
    expect((await refresh('garbage')).status).toBe(401);
    expect((await http('POST', '/v1/auth/refresh')).status).toBe(401);
    // The forged attempt did not spend the real token.
    expect((await refresh(user.refreshToken)).status).toBe(200);
  });

  it('logs out: the family is revoked, logout is idempotent', async () => {
    const user = await newUser();
    const logout = await http('POST', '/v1/auth/logout', { body: { refreshToken: user.refreshToken } });
    expect(logout.status).toBe(204);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect((await http('POST', '/v1/auth/logout', { body: { refreshToken: user.refreshToken } })).status).toBe(204);
    expect((await http('POST', '/v1/auth/logout', { body: {} })).status).toBe(204);
  });

  it('keeps the refresh token only in a strict HttpOnly cookie with the cookie transport', async () => {
    const user = await newUser();
    const login = await http('POST', '/v1/auth/login', {
      body: { email: user.email, password: user.password, transport: 'cookie' },
    });
    expect(login.status).toBe(200);
    expect(login.body.refreshToken).toBeUndefined();
    expect(login.body.accessToken).toEqual(expect.any(String));
    const cookie = refreshCookie(login.headers)!;
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(cookie.attributes.has('httponly')).toBe(true);
    expect(cookie.attributes.has('secure')).toBe(true);
    expect(cookie.attributes.get('samesite')).toBe('Strict');
    expect(cookie.attributes.get('path')).toBe('/v1/auth');
    expect(cookie.attributes.get('max-age')).toBe(String(30 * 24 * 60 * 60));

    const rotated = await http('POST', '/v1/auth/refresh', { headers: { cookie: `cm_rt=${cookie.value}` } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).toBeUndefined();
    const next = refreshCookie(rotated.headers)!;
    expect(next.value).not.toBe(cookie.value);
    expect(next.attributes.has('httponly')).toBe(true);
    expect((await http('GET', '/v1/me', { token: rotated.body.accessToken })).status).toBe(200);
    expect((await http('POST', '/v1/auth/refresh', { headers: { cookie: `cm_rt=${cookie.value}` } })).status).toBe(401);

    // The reuse revoked the family: the rotated cookie is dead too. A fresh cookie session logs out cleanly.
    expect((await http('POST', '/v1/auth/refresh', { headers: { cookie: `cm_rt=${next.value}` } })).status).toBe(401);
    const again = refreshCookie(
      (
        await http('POST', '/v1/auth/login', {
          body: { email: user.email, password: user.password, transport: 'cookie' },
        })
      ).headers,
    )!;
    const logout = await http('POST', '/v1/auth/logout', { headers: { cookie: `cm_rt=${again.value}` } });
    expect(logout.status).toBe(204);
    const cleared = refreshCookie(logout.headers)!;
    expect(cleared.value).toBe('');
    expect(cleared.attributes.get('path')).toBe('/v1/auth');
    expect((await http('POST', '/v1/auth/refresh', { headers: { cookie: `cm_rt=${again.value}` } })).status).toBe(401);
  });

  it('answers expired, tampered, foreign and malformed access tokens with 401 problems', async () => {
    const user = await newUser();
    const key = new TextEncoder().encode(JWT_SECRET);
    const claims = { sid: 'some-session' };
    const expired = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer('campaign-manager')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    const foreign = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer('campaign-manager')
      .setExpirationTime('15m')
      .sign(new TextEncoder().encode('some-other-secret-some-other-secret-1234'));
    const [header, payload, signature] = user.accessToken.split('.');
    const otherPayload = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
        sub: '00000000-0000-4000-8000-000000000000',
      }),
    ).toString('base64url');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    for (const token of [expired, foreign, `${header}.${otherPayload}.${signature}`, none, 'not.a.jwt']) {
      const result = await http('GET', '/v1/me', { token });
      expect(result.status).toBe(401);
      expect(result.headers.get('content-type')).toContain('application/problem+json');
      expect(result.body.code).toBe('unauthenticated');
    }
    expect((await http('GET', '/v1/me', { token: expired })).body.detail).toMatch(/expired/);
    expect((await http('GET', '/v1/me', { headers: { authorization: `Basic ${user.accessToken}` } })).status).toBe(401);
    expect((await http('GET', '/v1/me', { token: user.accessToken })).status).toBe(200);
  });

  it('documents every auth route in the OpenAPI document', async () => {
    const document = await http('GET', '/v1/openapi.json');
    const paths = Object.keys(document.body.paths);
    for (const path of [
      'register',
      'verify-email',
      'verify-email/resend',
      'login',
      'refresh',
      'logout',
      'password-reset/request',
      'password-reset/confirm',
    ]) {
      expect(paths).toContain(`/v1/auth/${path}`);
    }
    expect(document.body.paths['/v1/me'].get).toBeDefined();
    expect(document.body.paths['/v1/me'].patch).toBeDefined();
    expect(document.body.components.schemas.LoginResponseDto.properties.user).toBeDefined();
  });
});
