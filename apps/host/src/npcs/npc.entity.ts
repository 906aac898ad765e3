import type { Sheet } from '@cm/ruleset-sdk';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { GroupEntity } from '../groups/group.entity.js';

/** A non-player character: a sheet of the group's ruleset owned by the group; players see it once revealed. */
@Entity({ name: 'npcs' })
@Index('IDX_npcs_group', ['groupId'])
@Index('UQ_npcs_group_key', ['groupId', 'key'], { unique: true, where: `"key" IS NOT NULL` })
export class NpcEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_npcs' })
  id!: string;

  @Column({ name: 'group_id', type: 'uuid' })
  groupId!: string;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'FK_npcs_group' })
  group?: GroupEntity;

  /** The stable key of a campaign file; null for NPCs made in the app. */
  @Column({ type: 'text', nullable: true })
  key!: string | null;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'ruleset_id', type: 'text' })
  rulesetId!: string;

  @Column({ name: 'ruleset_version', type: 'text' })
  rulesetVersion!: string;

  @Column({ name: 'sheet_data', type: 'jsonb' })
  sheetData!: Sheet;

  @Column({ name: 'portrait_url', type: 'text', nullable: true })
  portraitUrl!: string | null;

  @Column({ type: 'boolean', default: false })
  revealed!: boolean;

  /** Ids of the ruleset's stat blocks players see once the NPC is revealed. */
  @Column({ name: 'public_stat_blocks', type: 'jsonb', default: () => `'[]'` })
  publicStatBlocks!: string[];

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** One saved sheet of an NPC (the last 10 are kept). */
@Entity({ name: 'npc_versions' })
export class NpcVersionEntity {
  @PrimaryColumn({ name: 'npc_id', type: 'uuid', primaryKeyConstraintName: 'PK_npc_versions' })
  npcId!: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'PK_npc_versions' })
  version!: number;

  @ManyToOne(() => NpcEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'npc_id', foreignKeyConstraintName: 'FK_npc_versions_npc' })
  npc?: NpcEntity;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'ruleset_version', type: 'text' })
  rulesetVersion!: string;

  @Column({ name: 'sheet_data', type: 'jsonb' })
  sheetData!: Sheet;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
