import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { KEY_VALUE_STORE, type KeyValueStore } from '../store/key-value-store.js';

/** Lifetime of a refresh token and of the records around it (30 days). */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

interface RefreshRecord {
  userId: string;
  familyId: string;
  secretHash: string;
}

/** A freshly issued refresh token and the session (family) it belongs to. */
export interface IssuedRefreshToken {
  token: string;
  userId: string;
  familyId: string;
}

const keys = {
  token: (tokenId: string) => `rt:${tokenId}`,
  used: (tokenId: string) => `rt:${tokenId}:used`,
  revokedFamily: (familyId: string) => `rf:${familyId}`,
  userFamilies: (userId: string) => `ru:${userId}`,
};

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function invalid(): DomainError {
  return new DomainError('unauthenticated', 'The refresh token is invalid, expired or revoked');
}

/**
 * Opaque rotating refresh tokens `<tokenId>.<secret>` kept in the KeyValueStore (Redis when
 * configured, so every instance sees them). A login starts a family; each refresh spends the
 * presented token (single use) and issues the next one in the same family. Presenting a spent
 * token means it leaked (or two clients raced): the whole family is revoked.
 */
@Injectable()
export class RefreshTokenService {
  constructor(@Inject(KEY_VALUE_STORE) private readonly store: KeyValueStore) {}

  /** Starts a new family (a login session) for the user. */
  startFamily(userId: string): Promise<IssuedRefreshToken> {
    return this.issue(userId, randomUUID());
  }

  /** Spends the token and returns its successor; reuse of a spent token revokes the whole family. */
  async rotate(token: string): Promise<IssuedRefreshToken> {
    const { tokenId, record } = await this.lookup(token);
    if (!record || (await this.isRevoked(record.familyId))) throw invalid();
    const firstUse = await this.store.setIfAbsent(keys.used(tokenId), '1', REFRESH_TOKEN_TTL_MS);
    if (!firstUse) {
      await this.revokeFamily(record.familyId);
      throw new DomainError('unauthenticated', 'The refresh token was already used; the session has been revoked');
    }
    return this.issue(record.userId, record.familyId);
  }

  /** Revokes the family of a token (logout). Unknown or forged tokens are ignored. */
  async revokeByToken(token: string): Promise<void> {
    const { record } = await this.lookup(token);
    if (record) await this.revokeFamily(record.familyId);
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.store.set(keys.revokedFamily(familyId), '1', REFRESH_TOKEN_TTL_MS);
  }

  /** Revokes every session of the user except `keepFamilyId` (the caller's own, on password change). */
  async revokeAllForUser(userId: string, keepFamilyId?: string): Promise<void> {
    const families = await this.store.setMembers(keys.userFamilies(userId));
    await Promise.all(families.filter((id) => id !== keepFamilyId).map((id) => this.revokeFamily(id)));
  }

  async isRevoked(familyId: string): Promise<boolean> {
    return (await this.store.get(keys.revokedFamily(familyId))) !== null;
  }

  private async issue(userId: string, familyId: string): Promise<IssuedRefreshToken> {
    const tokenId = randomBytes(16).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    const record: RefreshRecord = { userId, familyId, secretHash: sha256(secret).toString('base64url') };
    await this.store.set(keys.token(tokenId), JSON.stringify(record), REFRESH_TOKEN_TTL_MS);
    await this.store.addToSet(keys.userFamilies(userId), familyId, REFRESH_TOKEN_TTL_MS);
    return { token: `${tokenId}.${secret}`, userId, familyId };
  }

  /** Finds the record of a token whose secret matches (constant-time comparison), else `record` is null. */
  private async lookup(token: string): Promise<{ tokenId: string; record: RefreshRecord | null }> {
    const match = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return { tokenId: '', record: null };
    const [, tokenId, secret] = match as unknown as [string, string, string];
    const raw = await this.store.get(keys.token(tokenId));
    if (raw === null) return { tokenId, record: null };
    const record = JSON.parse(raw) as RefreshRecord;
    const expected = Buffer.from(record.secretHash, 'base64url');
    const actual = sha256(secret);
    return { tokenId, record: expected.length === actual.length && timingSafeEqual(expected, actual) ? record : null };
  }
}
