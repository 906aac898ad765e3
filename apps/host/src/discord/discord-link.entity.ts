import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { GroupEntity } from '../groups/group.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** The campaign of a guild (`guild:<id>`) or of a user's DMs with the bot (`dm:<discord user id>`). */
@Entity({ name: 'discord_links' })
@Index('IDX_discord_links_group', ['groupId'])
@Index('IDX_discord_links_setter', ['setByUserId'])
export class DiscordLinkEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_discord_links' })
  scope!: string;

  @Column({ name: 'group_id', type: 'uuid' })
  groupId!: string;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'FK_discord_links_group' })
  group?: GroupEntity;

  @Column({ name: 'set_by_user_id', type: 'uuid' })
  setByUserId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'set_by_user_id', foreignKeyConstraintName: 'FK_discord_links_user' })
  setBy?: UserEntity;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
