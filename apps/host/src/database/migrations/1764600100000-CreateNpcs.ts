import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * NPCs (issue 11): sheets of the group's ruleset owned by the group, hidden from players until revealed. `key` is
 * the stable key of a campaign YAML file (re-importing updates instead of duplicating); `npc_versions` keeps the
 * last sheets like `character_versions`.
 */
export class CreateNpcs1764600100000 implements MigrationInterface {
  name = 'CreateNpcs1764600100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "npcs" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "group_id" uuid NOT NULL,
        "key" text,
        "name" text NOT NULL,
        "ruleset_id" text NOT NULL,
        "ruleset_version" text NOT NULL,
        "sheet_data" jsonb NOT NULL,
        "portrait_url" text,
        "revealed" boolean NOT NULL DEFAULT false,
        "public_stat_blocks" jsonb NOT NULL DEFAULT '[]',
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_npcs" PRIMARY KEY ("id"),
        CONSTRAINT "FK_npcs_group" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_npcs_group" ON "npcs" ("group_id")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_npcs_group_key" ON "npcs" ("group_id", "key") WHERE "key" IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE "npc_versions" (
        "npc_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "name" text NOT NULL,
        "ruleset_version" text NOT NULL,
        "sheet_data" jsonb NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_npc_versions" PRIMARY KEY ("npc_id", "version"),
        CONSTRAINT "FK_npc_versions_npc" FOREIGN KEY ("npc_id") REFERENCES "npcs"("id") ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "npc_versions"`);
    await queryRunner.query(`DROP TABLE "npcs"`);
  }
}
