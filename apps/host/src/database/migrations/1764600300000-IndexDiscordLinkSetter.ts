import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Deleting a user follows `discord_links.set_by_user_id` (ON DELETE CASCADE): index it like every foreign key. */
export class IndexDiscordLinkSetter1764600300000 implements MigrationInterface {
  name = 'IndexDiscordLinkSetter1764600300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_discord_links_setter" ON "discord_links" ("set_by_user_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_discord_links_setter"`);
  }
}
