import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The roll log of each group, and the storage of feature plugins: their per-group state (key → JSON) and the
 * position up to which each plugin has handled a group's event log (so group-event handlers run once per
 * event, whichever host instance gets there first).
 */
export class CreateRollsAndPluginState1763780500000 implements MigrationInterface {
  name = 'CreateRollsAndPluginState1763780500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "rolls" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "group_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "character_id" uuid,
        "label" text NOT NULL,
        "notation" text NOT NULL,
        "result" jsonb NOT NULL,
        "total" integer NOT NULL,
        "source" text NOT NULL,
        "outcome" jsonb,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_rolls" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_rolls_source" CHECK ("source" IN ('server', 'talespire', 'discord')),
        CONSTRAINT "FK_rolls_group" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE,
        CONSTRAINT "FK_rolls_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "FK_rolls_character" FOREIGN KEY ("character_id") REFERENCES "characters"("id") ON DELETE SET NULL
      )`);
    // Newest-first pages (ORDER BY created_at DESC, id DESC) scan this index backwards.
    await queryRunner.query(`CREATE INDEX "IDX_rolls_group_created" ON "rolls" ("group_id", "created_at", "id")`);
    await queryRunner.query(`
      CREATE TABLE "plugin_state" (
        "plugin_id" text NOT NULL,
        "group_id" uuid NOT NULL,
        "key" text NOT NULL,
        "value" jsonb NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_plugin_state" PRIMARY KEY ("plugin_id", "group_id", "key"),
        CONSTRAINT "FK_plugin_state_group" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_plugin_state_group" ON "plugin_state" ("group_id")`);
    await queryRunner.query(`
      CREATE TABLE "plugin_event_cursors" (
        "plugin_id" text NOT NULL,
        "group_id" uuid NOT NULL,
        "last_seq" bigint NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_plugin_event_cursors" PRIMARY KEY ("plugin_id", "group_id"),
        CONSTRAINT "FK_plugin_event_cursors_group" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_plugin_event_cursors_group" ON "plugin_event_cursors" ("group_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "plugin_event_cursors"`);
    await queryRunner.query(`DROP TABLE "plugin_state"`);
    await queryRunner.query(`DROP TABLE "rolls"`);
  }
}
