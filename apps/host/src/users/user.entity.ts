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

/** An account. Emails are unique case-insensitively (a unique index on lower(email)). */
@Entity({ name: 'users' })
@Index('IDX_users_active_group', ['activeGroupId'])
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ name: 'email_verified', type: 'boolean', default: false })
  emailVerified!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /** The group every client opens on (set through UsersService by GroupsModule; cleared when the user leaves or the group is deleted). */
  @Column({ name: 'active_group_id', type: 'uuid', nullable: true })
  activeGroupId!: string | null;

  // A string target keeps users/ free of an import of groups/.
  @ManyToOne('GroupEntity', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'active_group_id', foreignKeyConstraintName: 'FK_users_active_group' })
  activeGroup?: unknown;
}
