import type { Sheet } from '@cm/ruleset-sdk';
import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CharacterEntity } from './character.entity.js';

/** One saved version of a character's sheet (the last 10 are kept). */
@Entity({ name: 'character_versions' })
export class CharacterVersionEntity {
  @PrimaryColumn({ name: 'character_id', type: 'uuid', primaryKeyConstraintName: 'PK_character_versions' })
  characterId!: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'PK_character_versions' })
  version!: number;

  @ManyToOne(() => CharacterEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'character_id', foreignKeyConstraintName: 'FK_character_versions_character' })
  character?: CharacterEntity;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'ruleset_version', type: 'text' })
  rulesetVersion!: string;

  @Column({ name: 'sheet_data', type: 'jsonb' })
  sheetData!: Sheet;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
