import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Groups (members, invites), portable characters (history, group assignments), the user's active
 * group and the per-group realtime event log. Invariants the database enforces itself:
 * exactly one DM per group (partial unique index), one active character per user per group
 * (partial unique index), gap-free event seq per group (counter on the group row).
 */
export class CreateGroupsAndCharacters1763780300000 implements MigrationInterface {
  name = 'CreateGroupsAndCharacters1763780300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "groups" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "dm_user_id" uuid NOT NULL,
        "ruleset_id" text NOT NULL,
        "description" text NOT NULL DEFAULT '',
        "event_seq" bigint NOT NULL DEFAULT 0,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_groups" PRIMARY KEY ("id"),
        CONSTRAINT "FK_groups_dm_user" FOREIGN KEY ("dm_user_id") REFERENCES "users"("id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "group_members" (
        "group_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "role" text NOT NULL,
        "joined_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_group_members" PRIMARY KEY ("group_id", "user_id"),
        CONSTRAINT "CHK_group_members_role" CHECK ("role" IN ('player', 'dm')),
        CONSTRAINT "FK_group_members_group" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE,
        CONSTRAINT "FK_group_members_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_group_members_one_dm" ON "group_members" ("group_id") WHERE "role" = 'dm'`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_group_members_user" ON "group_members" ("user_id")`);
    await queryRunner.query(`
      CREATE TABLE "group_invites" (
        "token_hash" text NOT NULL,
        "group_id" uuid NOT NULL,
        "created_by" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "max_uses" integer,
        "uses" integer NOT NULL DEFAULT 0,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_group_invites" PRIMARY KEY ("token_hash"),
        CONSTRAINT "FK_group_invites_group" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE,
        CONSTRAINT "FK_group_invites_creator" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_group_invites_group" ON "group_invites" ("group_id")`);
    await queryRunner.query(`
      CREATE TABLE "characters" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "owner_user_id" uuid NOT NULL,
        "ruleset_id" text NOT NULL,
        "ruleset_version" text NOT NULL,
        "name" text NOT NULL,
        "sheet_data" jsonb NOT NULL,
        "portrait_url" text,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_characters" PRIMARY KEY ("id"),
        CONSTRAINT "FK_characters_owner" FOREIGN KEY ("owner_user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_characters_owner" ON "characters" ("owner_user_id")`);
    await queryRunner.query(`
      CREATE TABLE "character_versions" (
        "character_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "name" text NOT NULL,
        "ruleset_version" text NOT NULL,
        "sheet_data" jsonb NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_character_versions" PRIMARY KEY ("character_id", "version"),
        CONSTRAINT "FK_character_versions_character" FOREIGN KEY ("character_id") REFERENCES "characters"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`
      CREATE TABLE "group_characters" (
        "group_id" uuid NOT NULL,
        "character_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "is_active" boolean NOT NULL DEFAULT true,
        "assigned_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_group_characters" PRIMARY KEY ("group_id", "character_id"),
        CONSTRAINT "FK_group_characters_group" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE,
        CONSTRAINT "FK_group_characters_character" FOREIGN KEY ("character_id") REFERENCES "characters"("id") ON DELETE CASCADE,
        CONSTRAINT "FK_group_characters_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_group_characters_one_active" ON "group_characters" ("group_id", "user_id") WHERE "is_active"`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_group_characters_character" ON "group_characters" ("character_id")`);
    await queryRunner.query(`ALTER TABLE "users" ADD "active_group_id" uuid`);
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "FK_users_active_group" FOREIGN KEY ("active_group_id") REFERENCES "groups"("id") ON DELETE SET NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE "group_events" (
        "group_id" uuid NOT NULL,
        "seq" bigint NOT NULL,
        "type" text NOT NULL,
        "payload" jsonb NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_group_events" PRIMARY KEY ("group_id", "seq"),
        CONSTRAINT "FK_group_events_group" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "group_events"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "FK_users_active_group"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "active_group_id"`);
    await queryRunner.query(`DROP TABLE "group_characters"`);
    await queryRunner.query(`DROP TABLE "character_versions"`);
    await queryRunner.query(`DROP TABLE "characters"`);
    await queryRunner.query(`DROP TABLE "group_invites"`);
    await queryRunner.query(`DROP TABLE "group_members"`);
    await queryRunner.query(`DROP TABLE "groups"`);
  }
}
