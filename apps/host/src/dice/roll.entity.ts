import type { ResolvedOutcome } from '@cm/ruleset-sdk';
import type { RollSource } from '@cm/contracts';
import type { RollResult } from '@cm/dice';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CharacterEntity } from '../characters/character.entity.js';
import { GroupEntity } from '../groups/group.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** Where a roll came from (SPEC §4): rolled by the server, reported by the Symbiote from TaleSpire, or Discord. */
export type RollSourceColumn = RollSource;

/**
 * One entry of a group's roll log. `result` holds every face (and the roll's options); `total` is the dice total
 * (every kept die and the notation's constants), always recomputed by the host; the ruleset's figure is in `outcome`.
 */
@Entity({ name: 'rolls' })
@Check('CHK_rolls_source', `"source" IN ('server', 'talespire', 'discord')`)
@Index('IDX_rolls_group_created', ['groupId', 'createdAt', 'id'])
@Index('IDX_rolls_character', ['characterId'])
@Index('IDX_rolls_user', ['userId'])
export class RollEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_rolls' })
  id!: string;

  @Column({ name: 'group_id', type: 'uuid' })
  groupId!: string;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'FK_rolls_group' })
  group?: GroupEntity;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_rolls_user' })
  user?: UserEntity;

  @Column({ name: 'character_id', type: 'uuid', nullable: true })
  characterId!: string | null;

  @ManyToOne(() => CharacterEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'character_id', foreignKeyConstraintName: 'FK_rolls_character' })
  character?: CharacterEntity;

  @Column({ type: 'text' })
  label!: string;

  @Column({ type: 'text' })
  notation!: string;

  @Column({ type: 'jsonb' })
  result!: RollResult;

  @Column({ type: 'integer' })
  total!: number;

  @Column({ type: 'text' })
  source!: RollSourceColumn;

  /** The ruleset's interpretation (resolveRoll) when the roll was one of a character's dice actions. */
  @Column({ type: 'jsonb', nullable: true })
  outcome!: ResolvedOutcome | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
