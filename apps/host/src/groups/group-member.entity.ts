import type { GroupRole } from '@cm/contracts';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity.js';
import { GroupEntity } from './group.entity.js';

export type { GroupRole } from '@cm/contracts';

/** A membership. The partial unique index allows exactly one `dm` row per group. */
@Entity({ name: 'group_members' })
@Check('CHK_group_members_role', `"role" IN ('player', 'dm')`)
@Index('UQ_group_members_one_dm', ['groupId'], { unique: true, where: `"role" = 'dm'` })
@Index('IDX_group_members_user', ['userId'])
export class GroupMemberEntity {
  @PrimaryColumn({ name: 'group_id', type: 'uuid', primaryKeyConstraintName: 'PK_group_members' })
  groupId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'PK_group_members' })
  userId!: string;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'FK_group_members_group' })
  group?: GroupEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_group_members_user' })
  user?: UserEntity;

  @Column({ type: 'text' })
  role!: GroupRole;

  @CreateDateColumn({ name: 'joined_at', type: 'timestamptz' })
  joinedAt!: Date;
}
