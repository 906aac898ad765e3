import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { UserEntity } from '../users/user.entity.js';

/** A Discord user bound to one account (one Discord user per account). */
@Entity({ name: 'discord_accounts' })
@Unique('UQ_discord_accounts_user', ['userId'])
export class DiscordAccountEntity {
  @PrimaryColumn({ name: 'discord_user_id', type: 'text', primaryKeyConstraintName: 'PK_discord_accounts' })
  discordUserId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_discord_accounts_user' })
  user?: UserEntity;

  @Column({ type: 'text' })
  username!: string;

  @CreateDateColumn({ name: 'linked_at', type: 'timestamptz' })
  linkedAt!: Date;
}
