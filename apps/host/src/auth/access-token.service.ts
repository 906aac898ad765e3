import { Inject, Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { ResolvedConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DomainError } from '../common/domain-error.js';

/** Lifetime of an access token in seconds (15 minutes). */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const ACCESS_TOKEN_ISSUER = 'campaign-manager';
const ALGORITHM = 'HS256';
const VERIFIED_CACHE_SIZE = 10_000;

/** The verified claims of an access token. */
export interface AccessTokenClaims {
  /** The user id. */
  sub: string;
  /** The refresh-token family (= login session) this access token belongs to. */
  sid: string;
}

/** Signs and verifies the short-lived access JWTs (HS256 only; no other algorithm is accepted). */
@Injectable()
export class AccessTokenService {
  /** Imported once: jose would otherwise import raw key bytes into WebCrypto on every verification. */
  private readonly key: Promise<CryptoKey>;
  private readonly verified = new Map<string, { claims: AccessTokenClaims; expiresAt: number }>();

  constructor(@Inject(APP_CONFIG) config: Pick<ResolvedConfig, 'jwtSecret'>) {
    const secret = new TextEncoder().encode(config.jwtSecret);
    this.key = crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  async sign(claims: AccessTokenClaims, now = new Date()): Promise<string> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    return new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ACCESS_TOKEN_TTL_SECONDS)
      .sign(await this.key);
  }

  /** Verifies signature, algorithm, issuer and expiry; throws an `unauthenticated` DomainError otherwise. */
  async verify(token: string, now = Date.now()): Promise<AccessTokenClaims> {
    const cached = this.verified.get(token);
    if (cached && cached.expiresAt > now) return cached.claims;
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        algorithms: [ALGORITHM],
        issuer: ACCESS_TOKEN_ISSUER,
        requiredClaims: ['sub', 'sid', 'exp'],
        currentDate: new Date(now),
      });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new errors.JWTInvalid('bad claims');
      const claims = { sub: payload.sub, sid: payload.sid };
      this.remember(token, claims, payload.exp! * 1000);
      return claims;
    } catch (error) {
      const expired = error instanceof errors.JWTExpired;
      throw new DomainError(
        'unauthenticated',
        expired ? 'The access token has expired' : 'The access token is invalid',
      );
    }
  }

  /**
   * Caches a verified token (by its exact string, which cannot change without failing verification) until
   * its own expiry: a client sends the same token for up to 15 minutes, and WebCrypto's asynchronous HMAC
   * was the largest cost of an authenticated read. Bounded; the oldest entries go first.
   */
  private remember(token: string, claims: AccessTokenClaims, expiresAt: number): void {
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { claims, expiresAt });
  }
}
