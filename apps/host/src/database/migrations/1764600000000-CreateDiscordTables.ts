import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Discord (issue 11): `discord_accounts` binds a Discord user to one account (and an account to one Discord
 * user); `discord_links` is the campaign chosen for a guild (or for a user's DMs with the bot), kept in the
 * database so every host instance reads the same choice and it survives restarts. A deleted group or
 * account takes its rows with it.
 */
export class CreateDiscordTables1764600000000 implements MigrationInterface {
  name = 'CreateDiscordTables1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "discord_accounts" (
        "discord_user_id" text NOT NULL,
        "user_id" uuid NOT NULL,
        "username" text NOT NULL,
        "linked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_discord_accounts" PRIMARY KEY ("discord_user_id"),
        CONSTRAINT "UQ_discord_accounts_user" UNIQUE ("user_id"),
        CONSTRAINT "FK_discord_accounts_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`
      CREATE TABLE "discord_links" (
        "scope" text NOT NULL,
        "group_id" uuid NOT NULL,
        "set_by_user_id" uuid NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_discord_links" PRIMARY KEY ("scope"),
        CONSTRAINT "FK_discord_links_group" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE,
        CONSTRAINT "FK_discord_links_user" FOREIGN KEY ("set_by_user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_discord_links_group" ON "discord_links" ("group_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "discord_links"`);
    await queryRunner.query(`DROP TABLE "discord_accounts"`);
  }
}
