import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { GroupEntity } from '../groups/group.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { CharacterEntity } from './character.entity.js';

/** A character assigned to a group. At most one active character per user per group (partial unique index). */
@Entity({ name: 'group_characters' })
@Index('UQ_group_characters_one_active', ['groupId', 'userId'], { unique: true, where: `"is_active"` })
@Index('IDX_group_characters_character', ['characterId'])
@Index('IDX_group_characters_user', ['userId'])
export class GroupCharacterEntity {
  @PrimaryColumn({ name: 'group_id', type: 'uuid', primaryKeyConstraintName: 'PK_group_characters' })
  groupId!: string;

  @PrimaryColumn({ name: 'character_id', type: 'uuid', primaryKeyConstraintName: 'PK_group_characters' })
  characterId!: string;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'FK_group_characters_group' })
  group?: GroupEntity;

  @ManyToOne(() => CharacterEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'character_id', foreignKeyConstraintName: 'FK_group_characters_character' })
  character?: CharacterEntity;

  /** The character's owner (denormalised so the one-active index can be per user). */
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_group_characters_user' })
  user?: UserEntity;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;

  @CreateDateColumn({ name: 'assigned_at', type: 'timestamptz' })
  assignedAt!: Date;
}
