import type { JsonObject } from '@cm/ruleset-sdk';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CharacterGroupDto {
  @ApiProperty({ format: 'uuid' })
  groupId!: string;

  @ApiProperty()
  groupName!: string;

  @ApiProperty()
  isActive!: boolean;
}

export class CharacterSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  rulesetId!: string;

  @ApiProperty()
  rulesetVersion!: string;

  @ApiProperty()
  version!: number;

  @ApiProperty({ type: String, nullable: true })
  portraitUrl!: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: string;
}

export class CharacterDto extends CharacterSummaryDto {
  @ApiProperty({ format: 'uuid' })
  ownerId!: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  sheet!: JsonObject;

  @ApiProperty({ description: 'The ruleset is not installed: the sheet is raw and writes are refused' })
  rulesetMissing!: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({
    type: CharacterGroupDto,
    isArray: true,
    description: 'The groups it is in (for a DM: only groups the DM is in)',
  })
  groups!: CharacterGroupDto[];
}

export class ImportedCharacterDto {
  @ApiProperty({ type: CharacterDto })
  character!: CharacterDto;

  @ApiProperty({ type: String, isArray: true, description: 'What the importer skipped or approximated' })
  warnings!: string[];
}

export class CharacterVersionDto {
  @ApiProperty()
  version!: number;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  rulesetVersion!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  sheet!: JsonObject;
}

export class ResourceChangeDto {
  @ApiProperty({ format: 'uuid' })
  characterId!: string;

  @ApiProperty()
  resource!: string;

  @ApiProperty({ description: 'The value after the delta, clamped to [min, max] (only to min when max is null)' })
  value!: number;

  @ApiProperty({ description: 'The delta actually applied (after clamping)' })
  appliedDelta!: number;

  @ApiProperty()
  min!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'null: the resource has no natural maximum (XP, coins)' })
  max!: number | null;

  @ApiProperty({
    enum: ['bar', 'track', 'counter'],
    description: '`track`: `max` boxes of which `value` are marked; `counter`: a number without maximum',
  })
  display!: 'bar' | 'track' | 'counter';

  @ApiProperty()
  version!: number;
}

export class CharacterFileDto {
  @ApiProperty({ example: 1 })
  cm_version!: number;

  @ApiProperty()
  ruleset_id!: string;

  @ApiProperty()
  ruleset_version!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  sheet_data!: JsonObject;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  exported_at!: string;
}
