import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { ResolvedConfig } from '../config/app-config.js';
import { KEY_VALUE_STORE, type KeyValueStore } from '../store/key-value-store.js';
import { DiscordAccountEntity } from './discord-account.entity.js';
import type { DiscordUser } from './discord-types.js';
import type { DiscordAccountDto, DiscordLinkPreviewDto } from './dto/discord.dto.js';

/** How long a `/link` link works. */
export const LINK_TTL_MS = 10 * 60_000;

interface PendingLink {
  discordUserId: string;
  username: string;
  expiresAt: string;
}

/**
 * Binds Discord users to accounts. `/link` stores a pending link under the hash of a random token in the shared
 * store (every instance sees it, it expires by itself); the logged-in user who opens the link confirms it once.
 */
@Injectable()
export class DiscordAccountsService {
  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    @Inject(KEY_VALUE_STORE) private readonly store: KeyValueStore,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  /** The account a Discord user is bound to, or undefined. */
  async userIdOf(discordUserId: string): Promise<string | undefined> {
    const rows: Array<{ user_id: string }> = await this.manager.query(
      `SELECT "user_id" FROM "discord_accounts" WHERE "discord_user_id" = $1`,
      [discordUserId],
    );
    return rows[0]?.user_id;
  }

  /** A fresh single-use link into the web app for this Discord user. */
  async startLink(user: DiscordUser): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    const pending: PendingLink = {
      discordUserId: user.id,
      username: user.global_name ?? user.username,
      expiresAt: new Date(Date.now() + LINK_TTL_MS).toISOString(),
    };
    await this.store.set(linkKey(token), JSON.stringify(pending), LINK_TTL_MS);
    return `${this.config.publicUrl}/link/discord/${token}`;
  }

  async preview(token: string): Promise<DiscordLinkPreviewDto> {
    const pending = await this.pending(token);
    return { discordUsername: pending.username, expiresAt: pending.expiresAt };
  }

  /** Binds the token's Discord user to the caller (replacing earlier bindings of either); the token is used up. */
  async confirm(userId: string, token: string): Promise<DiscordAccountDto> {
    const pending = await this.pending(token);
    if (!(await this.store.setIfAbsent(`${linkKey(token)}:used`, '1', LINK_TTL_MS))) throw linkGone();
    await this.store.del(linkKey(token));
    const account = await this.manager.transaction(async (manager) => {
      await manager.query(`DELETE FROM "discord_accounts" WHERE "discord_user_id" = $1 OR "user_id" = $2`, [
        pending.discordUserId,
        userId,
      ]);
      return manager.save(
        manager.create(DiscordAccountEntity, {
          discordUserId: pending.discordUserId,
          userId,
          username: pending.username,
        }),
      );
    });
    return toDto(account);
  }

  async mine(userId: string): Promise<{ account: DiscordAccountDto | null }> {
    const account = await this.manager.findOneBy(DiscordAccountEntity, { userId });
    return { account: account ? toDto(account) : null };
  }

  async unlinkUser(userId: string): Promise<void> {
    await this.manager.delete(DiscordAccountEntity, { userId });
  }

  /** Unbinds a Discord user; false when it was not linked. */
  async unlinkDiscordUser(discordUserId: string): Promise<boolean> {
    const result = await this.manager.delete(DiscordAccountEntity, { discordUserId });
    return (result.affected ?? 0) > 0;
  }

  private async pending(token: string): Promise<PendingLink> {
    const stored = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await this.store.get(linkKey(token)) : null;
    if (!stored) throw linkGone();
    return JSON.parse(stored) as PendingLink;
  }
}

function linkKey(token: string): string {
  return `discord:link:${createHash('sha256').update(token).digest('base64url')}`;
}

function linkGone(): DomainError {
  return new DomainError('not_found', 'This link has expired or was already used. Run /link in Discord again.');
}

function toDto(account: DiscordAccountEntity): DiscordAccountDto {
  return { discordUserId: account.discordUserId, username: account.username, linkedAt: account.linkedAt.toISOString() };
}
