import { GROUP_ROLES, type GroupRole } from '@cm/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { GroupEntity } from '../group.entity.js';

export class GroupDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty()
  rulesetId!: string;

  @ApiProperty({ format: 'uuid' })
  dmUserId!: string;

  @ApiProperty({ enum: GROUP_ROLES, enumName: 'GroupRole', description: 'The caller’s role in the group' })
  myRole!: GroupRole;

  @ApiProperty({ description: 'The last realtime event seq of the group (subscribe with it to get only newer events)' })
  eventSeq!: number;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: string;

  static from(group: GroupEntity, myRole: GroupRole): GroupDto {
    return {
      id: group.id,
      name: group.name,
      description: group.description,
      rulesetId: group.rulesetId,
      dmUserId: group.dmUserId,
      myRole,
      eventSeq: Number(group.eventSeq),
      createdAt: group.createdAt.toISOString(),
      updatedAt: group.updatedAt.toISOString(),
    };
  }
}

export class GroupMemberDto {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty({ enum: GROUP_ROLES, enumName: 'GroupRole' })
  role!: GroupRole;

  @ApiProperty({ type: String, format: 'date-time' })
  joinedAt!: string;
}

export class CreatedInviteDto {
  @ApiProperty({ description: 'The secret invite token (shown once; only its hash is stored)' })
  token!: string;

  @ApiProperty({ description: 'The link to share: `<PUBLIC_URL>/join/<groupId>/<token>`' })
  url!: string;

  @ApiProperty({ description: 'The invite’s public id (for listing and revoking)' })
  id!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ type: Number, nullable: true })
  maxUses!: number | null;
}

export class InviteDto {
  @ApiProperty({ description: 'Public id: a prefix of the token’s hash' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  createdBy!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  expiresAt!: string;

  @ApiProperty()
  uses!: number;

  @ApiProperty({ type: Number, nullable: true })
  maxUses!: number | null;

  @ApiProperty()
  revoked!: boolean;

  @ApiProperty()
  expired!: boolean;
}

export class ActiveGroupDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  groupId!: string | null;

  @ApiPropertyOptional({ type: GroupDto, nullable: true })
  group!: GroupDto | null;
}

/** A resource of a character (HP, LeP…): current value and bounds, as its ruleset computes them. */
export class GroupCharacterResourceDto {
  @ApiProperty({ example: 'hp' })
  id!: string;

  @ApiProperty({ example: 'HP' })
  label!: string;

  @ApiProperty()
  value!: number;

  @ApiProperty()
  min!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'null: no natural maximum (XP, coins)' })
  max!: number | null;

  @ApiPropertyOptional({ enum: ['bar', 'track', 'counter'], enumName: 'ResourceDisplay' })
  display?: 'bar' | 'track' | 'counter';
}

export class GroupCharacterDto {
  @ApiProperty({ format: 'uuid' })
  characterId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ format: 'uuid' })
  ownerId!: string;

  @ApiProperty()
  ownerDisplayName!: string;

  @ApiProperty()
  rulesetId!: string;

  @ApiProperty()
  isActive!: boolean;

  @ApiProperty({ type: String, nullable: true })
  portraitUrl!: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  assignedAt!: string;

  @ApiProperty({ description: 'Whether the caller may read this character’s sheet (its owner, or the DM)' })
  canReadSheet!: boolean;

  @ApiProperty({
    type: GroupCharacterResourceDto,
    isArray: true,
    nullable: true,
    description:
      'Its resources (HP…) with bounds, for callers who may read the sheet; null otherwise or when the ruleset is not loaded',
  })
  resources!: GroupCharacterResourceDto[] | null;
}

/** What an invite link leads to, for anyone holding it (the join page shows it before login). */
export class InvitePreviewDto {
  @ApiProperty({ format: 'uuid' })
  groupId!: string;

  @ApiProperty()
  groupName!: string;

  @ApiProperty()
  rulesetId!: string;

  @ApiProperty({ description: 'The DM’s display name' })
  dmDisplayName!: string;

  @ApiProperty({
    enum: ['valid', 'expired', 'revoked', 'used_up'],
    description: 'Whether joining with it would work now (a member re-joining always works)',
  })
  status!: 'valid' | 'expired' | 'revoked' | 'used_up';

  @ApiProperty({ type: String, format: 'date-time' })
  expiresAt!: string;
}
