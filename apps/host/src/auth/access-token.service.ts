import { Inject, Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { ResolvedConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DomainError } from '../common/domain-error.js';

/** Lifetime of an access token in seconds (15 minutes). */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const ACCESS_TOKEN_ISSUER = 'campaign-manager';
const ALGORITHM = 'HS256';

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
  private readonly key: Uint8Array;

  constructor(@Inject(APP_CONFIG) config: Pick<ResolvedConfig, 'jwtSecret'>) {
    this.key = new TextEncoder().encode(config.jwtSecret);
  }

  async sign(claims: AccessTokenClaims, now = new Date()): Promise<string> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    return new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ACCESS_TOKEN_TTL_SECONDS)
      .sign(this.key);
  }

  /** Verifies signature, algorithm, issuer and expiry; throws an `unauthenticated` DomainError otherwise. */
  async verify(token: string): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ACCESS_TOKEN_ISSUER,
        requiredClaims: ['sub', 'sid', 'exp'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new errors.JWTInvalid('bad claims');
      return { sub: payload.sub, sid: payload.sid };
    } catch (error) {
      const expired = error instanceof errors.JWTExpired;
      throw new DomainError('unauthenticated', expired ? 'The access token has expired' : 'The access token is invalid');
    }
  }
}
