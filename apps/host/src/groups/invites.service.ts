import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { DomainError, notFound } from '../common/domain-error.js';
import type { ResolvedConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { GroupEventLog } from '../events/group-event-log.js';
import { UsersService } from '../users/users.service.js';
import type { CreateInviteDto } from './dto/group-requests.dto.js';
import { GroupDto, type CreatedInviteDto, type InviteDto, type InvitePreviewDto } from './dto/group-responses.dto.js';
import { GroupAccessService, isUuid } from './group-access.service.js';
import { GroupInviteEntity } from './group-invite.entity.js';
import { GroupEntity } from './group.entity.js';

const DEFAULT_EXPIRY_HOURS = 168;
/** The public id of an invite: the first 16 hex digits of its token's SHA-256. */
const INVITE_ID_LENGTH = 16;

/** Invite links: created, listed and revoked by the DM; redeemed by verified users (SPEC §5). */
@Injectable()
export class InvitesService {
  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly access: GroupAccessService,
    private readonly events: GroupEventLog,
    private readonly users: UsersService,
  ) {}

  /** DM: a new invite. The token is returned once; only its hash is stored. */
  async create(userId: string, groupId: string, body: CreateInviteDto): Promise<CreatedInviteDto> {
    await this.access.requireDm(userId, groupId);
    const token = randomBytes(32).toString('base64url');
    const tokenHash = hashToken(token);
    const expiresAt = new Date(Date.now() + (body.expiresInHours ?? DEFAULT_EXPIRY_HOURS) * 3_600_000);
    const maxUses = body.maxUses ?? null;
    await this.manager.insert(GroupInviteEntity, { tokenHash, groupId, createdBy: userId, expiresAt, maxUses });
    return {
      token,
      url: `${this.config.publicUrl}/join/${groupId}/${token}`,
      id: tokenHash.slice(0, INVITE_ID_LENGTH),
      expiresAt: expiresAt.toISOString(),
      maxUses,
    };
  }

  async list(userId: string, groupId: string): Promise<InviteDto[]> {
    await this.access.requireDm(userId, groupId);
    const invites = await this.manager.find(GroupInviteEntity, { where: { groupId }, order: { createdAt: 'DESC' } });
    const now = Date.now();
    return invites.map((invite) => ({
      id: invite.tokenHash.slice(0, INVITE_ID_LENGTH),
      createdBy: invite.createdBy,
      createdAt: invite.createdAt.toISOString(),
      expiresAt: invite.expiresAt.toISOString(),
      uses: invite.uses,
      maxUses: invite.maxUses,
      revoked: invite.revokedAt !== null,
      expired: invite.expiresAt.getTime() <= now,
    }));
  }

  /** DM: revokes an invite (idempotent); 404 for an id that is not one of this group's invites. */
  async revoke(userId: string, groupId: string, inviteId: string): Promise<void> {
    await this.access.requireDm(userId, groupId);
    if (!new RegExp(`^[0-9a-f]{${INVITE_ID_LENGTH}}$`).test(inviteId)) throw notFound('Invite');
    const rows = (
      await this.manager.query<[Array<{ token_hash: string }>, number]>(
        `UPDATE "group_invites" SET "revoked_at" = COALESCE("revoked_at", now())
          WHERE "group_id" = $1 AND "token_hash" LIKE $2 || '%' RETURNING "token_hash"`,
        [groupId, inviteId],
      )
    )[0];
    if (rows.length === 0) throw notFound('Invite');
  }

  /**
   * What an invite leads to, for the join page (public: the unguessable token is the credential, as for
   * joining). Unknown token or another group's token: 404, like joining.
   */
  async preview(groupId: string, token: string): Promise<InvitePreviewDto> {
    if (!isUuid(groupId) || !/^[A-Za-z0-9_-]{16,128}$/.test(token)) throw notFound('Invite');
    const rows: Array<{
      name: string;
      ruleset_id: string;
      dm_name: string;
      expires_at: Date;
      revoked: boolean;
      used_up: boolean;
    }> = await this.manager.query(
      `SELECT g."name", g."ruleset_id", u."display_name" AS dm_name, i."expires_at",
              i."revoked_at" IS NOT NULL AS revoked, (i."max_uses" IS NOT NULL AND i."uses" >= i."max_uses") AS used_up
         FROM "group_invites" i JOIN "groups" g ON g."id" = i."group_id" JOIN "users" u ON u."id" = g."dm_user_id"
        WHERE i."token_hash" = $1 AND i."group_id" = $2`,
      [hashToken(token), groupId],
    );
    const row = rows[0];
    if (!row) throw notFound('Invite');
    const status = row.revoked
      ? 'revoked'
      : row.expires_at.getTime() <= Date.now()
        ? 'expired'
        : row.used_up
          ? 'used_up'
          : 'valid';
    return {
      groupId,
      groupName: row.name,
      rulesetId: row.ruleset_id,
      dmDisplayName: row.dm_name,
      status,
      expiresAt: row.expires_at.toISOString(),
    };
  }

  /**
   * Joins a group with an invite token. Unknown token or another group's token: 404. Already a member:
   * 200 without using the invite. Expired / revoked / used up: 410 with code invite_expired /
   * invite_revoked / invite_used_up. Uses are counted with a conditional UPDATE, so concurrent joins
   * never exceed max_uses.
   */
  async join(userId: string, groupId: string, token: string): Promise<GroupDto> {
    if (!isUuid(groupId) || !/^[A-Za-z0-9_-]{16,128}$/.test(token)) throw notFound('Invite');
    const tokenHash = hashToken(token);
    return this.manager.transaction(async (manager) => {
      const invite = await manager.findOneBy(GroupInviteEntity, { tokenHash, groupId });
      if (!invite) throw notFound('Invite');
      const group = await manager.findOneByOrFail(GroupEntity, { id: groupId });
      const existing = await this.access.roleOf(userId, groupId, manager);
      if (existing) return GroupDto.from(group, existing);
      // The primary key makes a concurrent second join of the same user wait here, then do nothing.
      const inserted: Array<{ user_id: string }> = await manager.query(
        `INSERT INTO "group_members" ("group_id", "user_id", "role") VALUES ($1, $2, 'player')
         ON CONFLICT DO NOTHING RETURNING "user_id"`,
        [groupId, userId],
      );
      if (inserted.length === 0)
        return GroupDto.from(group, (await this.access.roleOf(userId, groupId, manager)) ?? 'player');
      await this.consumeUse(manager, tokenHash);
      await this.events.append(manager, groupId, 'member.joined', {
        userId,
        displayName: await this.users.displayName(userId, manager),
        role: 'player',
      });
      return GroupDto.from(await manager.findOneByOrFail(GroupEntity, { id: groupId }), 'player');
    });
  }

  /** Counts one use, or throws the 410 that says why the invite cannot be used (the transaction then rolls back). */
  private async consumeUse(manager: EntityManager, tokenHash: string): Promise<void> {
    const updated = (
      await manager.query<[unknown[], number]>(
        `UPDATE "group_invites" SET "uses" = "uses" + 1
          WHERE "token_hash" = $1 AND "revoked_at" IS NULL AND "expires_at" > now() AND ("max_uses" IS NULL OR "uses" < "max_uses")
          RETURNING "uses"`,
        [tokenHash],
      )
    )[0];
    if (updated.length > 0) return;
    const invite = await manager.findOneByOrFail(GroupInviteEntity, { tokenHash });
    if (invite.revokedAt !== null) throw new DomainError('invite_revoked', 'This invite was revoked');
    if (invite.expiresAt.getTime() <= Date.now()) throw new DomainError('invite_expired', 'This invite has expired');
    throw new DomainError('invite_used_up', 'This invite has been used up');
  }
}

/** SHA-256 (hex) of an invite token: what the database stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
