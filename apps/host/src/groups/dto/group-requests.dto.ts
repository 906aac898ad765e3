import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

const RULESET_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export class CreateGroupDto {
  @ApiProperty({ minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ description: 'An installed ruleset id, e.g. `dsa5e`' })
  @IsString()
  @Matches(RULESET_ID, { message: 'rulesetId must be a ruleset id (lowercase letters, digits, dashes)' })
  rulesetId!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}

export class UpdateGroupDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ description: 'Only while no characters are assigned (409 otherwise)' })
  @IsOptional()
  @IsString()
  @Matches(RULESET_ID, { message: 'rulesetId must be a ruleset id (lowercase letters, digits, dashes)' })
  rulesetId?: string;
}

export class TransferDmDto {
  @ApiProperty({ format: 'uuid', description: 'A member of the group' })
  @IsUUID()
  userId!: string;
}

export class CreateInviteDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 720, default: 168 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(720)
  expiresInHours?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, description: 'Unlimited when omitted' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxUses?: number;
}

export class SetActiveGroupDto {
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'A group I am a member of, or null to clear',
  })
  @ValidateIf((_object, value) => value !== null)
  @IsUUID()
  groupId!: string | null;
}

export class AssignCharacterDto {
  @ApiProperty({ format: 'uuid', description: 'One of my characters, of the group’s ruleset' })
  @IsUUID()
  characterId!: string;

  @ApiPropertyOptional({
    default: true,
    description: 'Make it my active character in this group (deactivates my other one)',
  })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
