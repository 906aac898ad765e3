import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { GroupEntity } from '../groups/group.entity.js';

/** One entry of a group's realtime event log; `seq` is per group and gap-free. Written only by GroupEventLog. */
@Entity({ name: 'group_events' })
export class GroupEventEntity {
  @PrimaryColumn({ name: 'group_id', type: 'uuid', primaryKeyConstraintName: 'PK_group_events' })
  groupId!: string;

  /** bigint, as a string. */
  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_group_events' })
  seq!: string;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'FK_group_events_group' })
  group?: GroupEntity;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
