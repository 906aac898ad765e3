import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { UserTokenEntity, type UserTokenPurpose } from './user-token.entity.js';

/** SHA-256 (hex) of a token: the only form in which emailed tokens are stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Single-use emailed tokens (email verification, password reset). Only their SHA-256 is stored. */
@Injectable()
export class UserTokensService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Creates a token for the user and returns it in clear text (to be mailed, never stored). */
  async issue(userId: string, purpose: UserTokenPurpose, ttlMs: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.dataSource.getRepository(UserTokenEntity).insert({
      tokenHash: hashToken(token),
      userId,
      purpose,
      expiresAt: new Date(Date.now() + ttlMs),
      usedAt: null,
    });
    return token;
  }

  /** The user of a token that is still usable, without spending it; null otherwise. */
  async peek(token: string, purpose: UserTokenPurpose): Promise<string | null> {
    const rows = await this.dataSource.query<Array<{ user_id: string }>>(
      `SELECT "user_id" FROM "user_tokens"
        WHERE "token_hash" = $1 AND "purpose" = $2 AND "used_at" IS NULL AND "expires_at" > now()`,
      [hashToken(token), purpose],
    );
    return rows[0]?.user_id ?? null;
  }

  /**
   * Marks the token used and returns its user id, atomically (one UPDATE), so two concurrent uses
   * cannot both succeed. Null when the token is unknown, already used, expired or for another purpose.
   */
  async consume(token: string, purpose: UserTokenPurpose): Promise<string | null> {
    const rows: unknown = await this.dataSource.query(
      `UPDATE "user_tokens" SET "used_at" = now()
        WHERE "token_hash" = $1 AND "purpose" = $2 AND "used_at" IS NULL AND "expires_at" > now()
        RETURNING "user_id"`,
      [hashToken(token), purpose],
    );
    // The pg driver answers an UPDATE ... RETURNING with [rows, affectedCount].
    const list = Array.isArray(rows) && Array.isArray(rows[0]) ? (rows[0] as unknown[]) : (rows as unknown[]);
    const first = list[0] as { user_id?: string } | undefined;
    return first?.user_id ?? null;
  }

  /** Spends every outstanding token of a purpose for the user: a password reset or change ends all reset links. */
  async revokeAll(userId: string, purpose: UserTokenPurpose): Promise<void> {
    await this.dataSource.query(
      `UPDATE "user_tokens" SET "used_at" = now() WHERE "user_id" = $1 AND "purpose" = $2 AND "used_at" IS NULL`,
      [userId, purpose],
    );
  }
}
