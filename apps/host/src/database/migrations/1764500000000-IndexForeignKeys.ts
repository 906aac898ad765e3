import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Indexes on foreign keys that deletes and joins follow (deleting a character scanned `rolls`). */
const INDEXES: Array<[name: string, table: string, column: string]> = [
  ['IDX_rolls_character', 'rolls', 'character_id'],
  ['IDX_rolls_user', 'rolls', 'user_id'],
  ['IDX_users_active_group', 'users', 'active_group_id'],
  ['IDX_groups_ruleset', 'groups', 'ruleset_id'],
  ['IDX_groups_dm', 'groups', 'dm_user_id'],
  ['IDX_group_characters_user', 'group_characters', 'user_id'],
  ['IDX_group_invites_creator', 'group_invites', 'created_by'],
];

export class IndexForeignKeys1764500000000 implements MigrationInterface {
  name = 'IndexForeignKeys1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [name, table, column] of INDEXES) {
      await queryRunner.query(`CREATE INDEX "${name}" ON "${table}" ("${column}")`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [name] of INDEXES) await queryRunner.query(`DROP INDEX "${name}"`);
  }
}
