import { describe, expect, it } from '@jest/globals';
import { SignJWT, UnsecuredJWT } from 'jose';
import { DomainError } from '../common/domain-error.js';
import { ACCESS_TOKEN_ISSUER, ACCESS_TOKEN_TTL_SECONDS, AccessTokenService } from './access-token.service.js';

const SECRET = 'unit-secret-unit-secret-unit-secret-42';
const service = new AccessTokenService({ jwtSecret: SECRET });
const claims = { sub: '6f1c8e1e-0000-4000-8000-000000000001', sid: 'family-1' };

async function expectRejected(token: string, message = /invalid/): Promise<void> {
  const error = await service.verify(token).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe('unauthenticated');
  expect((error as DomainError).message).toMatch(message);
}

function hs(key: string, alg = 'HS256'): SignJWT {
  return new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg })
    .setSubject(claims.sub)
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setIssuedAt()
    .setExpirationTime('15m');
}

describe(AccessTokenService.name, () => {
  it('round-trips sub and sid and expires after 15 minutes', async () => {
    const token = await service.sign(claims);
    await expect(service.verify(token)).resolves.toEqual(claims);
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as {
      iat: number;
      exp: number;
      iss: string;
    };
    expect(payload.exp - payload.iat).toBe(ACCESS_TOKEN_TTL_SECONDS);
    expect(payload.iss).toBe('campaign-manager');
  });

  it('rejects a token whose signature was tampered with', async () => {
    const [header, , signature] = (await service.sign(claims)).split('.');
    const forged = Buffer.from(
      JSON.stringify({ sid: 'family-1', sub: 'someone-else', iss: ACCESS_TOKEN_ISSUER, exp: 9_999_999_999 }),
    ).toString('base64url');
    await expectRejected(`${header}.${forged}.${signature}`);
    const token = await service.sign(claims);
    await expectRejected(token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA'));
  });

  it('rejects alg:none', async () => {
    const unsecured = new UnsecuredJWT({ sid: claims.sid })
      .setSubject(claims.sub)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setExpirationTime('15m')
      .encode();
    await expectRejected(unsecured);
  });

  it('rejects another algorithm with the same secret and a token signed with another key', async () => {
    await expectRejected(await hs(SECRET, 'HS512').sign(new TextEncoder().encode(SECRET)));
    await expectRejected(await hs('x').sign(new TextEncoder().encode('another-secret-another-secret-123456')));
  });

  it('rejects another issuer, a missing sid and garbage', async () => {
    const key = new TextEncoder().encode(SECRET);
    await expectRejected(await hs(SECRET).setIssuer('someone-else').sign(key));
    await expectRejected(
      await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.sub)
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setExpirationTime('15m')
        .sign(key),
    );
    await expectRejected('not-a-jwt');
  });

  it('rejects an expired token', async () => {
    const token = await service.sign(claims, new Date(Date.now() - (ACCESS_TOKEN_TTL_SECONDS + 5) * 1000));
    await expectRejected(token, /expired/);
  });

  it('keeps rejecting a cached token once it has expired, and never lets a cached token vouch for a changed one', async () => {
    const token = await service.sign(claims);
    await expect(service.verify(token)).resolves.toEqual(claims); // now cached
    const later = Date.now() + (ACCESS_TOKEN_TTL_SECONDS + 1) * 1000;
    const error = await service.verify(token, later).catch((e: unknown) => e);
    expect((error as DomainError).message).toMatch(/expired/);
    await expectRejected(token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA'));
    await expectRejected(`${token}x`);
  });
});
