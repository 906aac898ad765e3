import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { GroupEntity } from '../groups/group.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** The group a DM's campaign file (by its stable key) was imported into. */
@Entity({ name: 'campaign_imports' })
@Index('IDX_campaign_imports_group', ['groupId'])
export class CampaignImportEntity {
  @PrimaryColumn({ name: 'dm_user_id', type: 'uuid', primaryKeyConstraintName: 'PK_campaign_imports' })
  dmUserId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_campaign_imports' })
  key!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dm_user_id', foreignKeyConstraintName: 'FK_campaign_imports_user' })
  dm?: UserEntity;

  @Column({ name: 'group_id', type: 'uuid' })
  groupId!: string;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'FK_campaign_imports_group' })
  group?: GroupEntity;

  @UpdateDateColumn({ name: 'imported_at', type: 'timestamptz' })
  importedAt!: Date;
}
