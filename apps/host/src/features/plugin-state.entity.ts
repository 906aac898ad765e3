import type { JsonValue } from '@cm/ruleset-sdk';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { GroupEntity } from '../groups/group.entity.js';

/** One key of a feature plugin's state in one group. Written only by FeatureStateStore. */
@Entity({ name: 'plugin_state' })
@Index('IDX_plugin_state_group', ['groupId'])
export class PluginStateEntity {
  @PrimaryColumn({ name: 'plugin_id', type: 'text', primaryKeyConstraintName: 'PK_plugin_state' })
  pluginId!: string;

  @PrimaryColumn({ name: 'group_id', type: 'uuid', primaryKeyConstraintName: 'PK_plugin_state' })
  groupId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_plugin_state' })
  key!: string;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'FK_plugin_state_group' })
  group?: GroupEntity;

  @Column({ type: 'jsonb' })
  value!: JsonValue;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** How far a feature plugin has handled a group's event log (group-event handlers run once per event). */
@Entity({ name: 'plugin_event_cursors' })
@Index('IDX_plugin_event_cursors_group', ['groupId'])
export class PluginEventCursorEntity {
  @PrimaryColumn({ name: 'plugin_id', type: 'text', primaryKeyConstraintName: 'PK_plugin_event_cursors' })
  pluginId!: string;

  @PrimaryColumn({ name: 'group_id', type: 'uuid', primaryKeyConstraintName: 'PK_plugin_event_cursors' })
  groupId!: string;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'FK_plugin_event_cursors_group' })
  group?: GroupEntity;

  /** The last seq handled (bigint, as a string). */
  @Column({ name: 'last_seq', type: 'bigint' })
  lastSeq!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
