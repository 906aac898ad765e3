import type { Sheet } from '@cm/ruleset-sdk';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { UserEntity } from '../users/user.entity.js';

/** A portable character: owned by one user, assignable to several groups. `sheet_data` is opaque to the host. */
@Entity({ name: 'characters' })
@Index('IDX_characters_owner', ['ownerUserId'])
export class CharacterEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_characters' })
  id!: string;

  @Column({ name: 'owner_user_id', type: 'uuid' })
  ownerUserId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_user_id', foreignKeyConstraintName: 'FK_characters_owner' })
  owner?: UserEntity;

  @Column({ name: 'ruleset_id', type: 'text' })
  rulesetId!: string;

  @Column({ name: 'ruleset_version', type: 'text' })
  rulesetVersion!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'sheet_data', type: 'jsonb' })
  sheetData!: Sheet;

  @Column({ name: 'portrait_url', type: 'text', nullable: true })
  portraitUrl!: string | null;

  /** Optimistic concurrency: every write bumps it; full writes name the version they were based on. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
