import {
  Column,
  Index,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { UserEntity } from '../users/user.entity.js';

/** A campaign group. `dmUserId` mirrors the member with role `dm` (kept consistent in the same transactions). */
@Entity({ name: 'groups' })
@Index('IDX_groups_ruleset', ['rulesetId'])
@Index('IDX_groups_dm', ['dmUserId'])
export class GroupEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'dm_user_id', type: 'uuid' })
  dmUserId!: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'dm_user_id', foreignKeyConstraintName: 'FK_groups_dm_user' })
  dmUser?: UserEntity;

  @Column({ name: 'ruleset_id', type: 'text' })
  rulesetId!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  /** The last allocated realtime event seq (bigint, as a string). Bumped only by GroupEventLog. */
  @Column({ name: 'event_seq', type: 'bigint', default: 0 })
  eventSeq!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
