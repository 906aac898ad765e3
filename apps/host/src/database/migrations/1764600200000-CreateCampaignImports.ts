import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which group a DM's campaign file became (`key` is the file's stable key), so importing the same file again
 * updates that group instead of creating another.
 */
export class CreateCampaignImports1764600200000 implements MigrationInterface {
  name = 'CreateCampaignImports1764600200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "campaign_imports" (
        "dm_user_id" uuid NOT NULL,
        "key" text NOT NULL,
        "group_id" uuid NOT NULL,
        "imported_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_campaign_imports" PRIMARY KEY ("dm_user_id", "key"),
        CONSTRAINT "FK_campaign_imports_user" FOREIGN KEY ("dm_user_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "FK_campaign_imports_group" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_campaign_imports_group" ON "campaign_imports" ("group_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "campaign_imports"`);
  }
}
