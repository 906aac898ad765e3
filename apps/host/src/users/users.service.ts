import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { notFound } from '../common/domain-error.js';
import { UserEntity } from './user.entity.js';

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  display_name: string;
  email_verified: boolean;
  created_at: Date;
  updated_at: Date;
  active_group_id: string | null;
}

const USER_COLUMNS =
  '"id", "email", "password_hash", "display_name", "email_verified", "created_at", "updated_at", "active_group_id"';

function toEntity(row: UserRow): UserEntity {
  return Object.assign(new UserEntity(), {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    displayName: row.display_name,
    emailVerified: row.email_verified,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    activeGroupId: row.active_group_id,
  });
}

/** Reads and writes accounts. Emails are matched case-insensitively (unique index on lower(email)). */
@Injectable()
export class UsersService {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /**
   * One parameterised query on the hot path (every `GET /v1/me`): TypeORM's query builder costs several
   * times the query itself here, so the row is read with SQL and mapped to the entity's shape.
   */
  async findById(id: string): Promise<UserEntity | null> {
    const rows: UserRow[] = await this.users.query(`SELECT ${USER_COLUMNS} FROM "users" WHERE "id" = $1`, [id]);
    return rows[0] ? toEntity(rows[0]) : null;
  }

  async getById(id: string): Promise<UserEntity> {
    const user = await this.findById(id);
    if (!user) throw notFound('User');
    return user;
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users
      .createQueryBuilder('user')
      .where('lower(user.email) = lower(:email)', { email: email.trim() })
      .getOne();
  }

  /** `undefined` when the user does not exist. */
  async isEmailVerified(id: string): Promise<boolean | undefined> {
    const user = await this.users.findOne({ where: { id }, select: { id: true, emailVerified: true } });
    return user?.emailVerified;
  }

  /** Inserts a user; returns null when the email is already taken (unique violation), so callers never race. */
  async create(input: { email: string; passwordHash: string; displayName: string }): Promise<UserEntity | null> {
    const result = await this.users
      .createQueryBuilder()
      .insert()
      .into(UserEntity)
      .values({
        email: input.email.trim(),
        passwordHash: input.passwordHash,
        displayName: input.displayName,
        emailVerified: false,
      })
      .orIgnore()
      .returning('*')
      .execute();
    const id = (result.raw as Array<{ id: string }>)[0]?.id;
    return id ? this.getById(id) : null;
  }

  async update(
    id: string,
    changes: Partial<Pick<UserEntity, 'displayName' | 'passwordHash' | 'emailVerified'>>,
  ): Promise<UserEntity> {
    if (Object.keys(changes).length > 0) await this.users.update({ id }, changes);
    return this.getById(id);
  }

  count(): Promise<number> {
    return this.users.count();
  }

  /** The user's display name ('' when the user does not exist), read in the caller's transaction if given. */
  async displayName(id: string, manager: EntityManager = this.users.manager): Promise<string> {
    const rows: Array<{ display_name: string }> = await manager.query(
      `SELECT "display_name" FROM "users" WHERE "id" = $1`,
      [id],
    );
    return rows[0]?.display_name ?? '';
  }

  /** The group every client of the user opens on, or null. */
  async activeGroupId(id: string): Promise<string | null> {
    const rows: Array<{ active_group_id: string | null }> = await this.users.query(
      `SELECT "active_group_id" FROM "users" WHERE "id" = $1`,
      [id],
    );
    return rows[0]?.active_group_id ?? null;
  }

  /** Sets (or clears, with null) the user's active group; the caller checks membership. */
  async setActiveGroup(id: string, groupId: string | null): Promise<void> {
    await this.users.query(`UPDATE "users" SET "active_group_id" = $2 WHERE "id" = $1`, [id, groupId]);
  }

  /** Clears the user's active group if it is `groupId` (they left it), in the caller's transaction. */
  async clearActiveGroup(manager: EntityManager, id: string, groupId: string): Promise<void> {
    await manager.query(`UPDATE "users" SET "active_group_id" = NULL WHERE "id" = $1 AND "active_group_id" = $2`, [
      id,
      groupId,
    ]);
  }
}
