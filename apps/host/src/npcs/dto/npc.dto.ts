import type { JsonObject } from '@cm/ruleset-sdk';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';

/** One value of a stat block. */
export class NpcStatDto {
  @ApiProperty() id!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string' }] }) value!: number | string;
  @ApiPropertyOptional() hint?: string;
}

/** A titled group of values the ruleset derives from the sheet. */
export class NpcStatBlockDto {
  @ApiProperty() id!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ type: [NpcStatDto] }) stats!: NpcStatDto[];
}

const SHEET_DESCRIPTION = 'A sheet of the group’s ruleset, validated by its plugin';

/** A new NPC of the group (DM only). */
export class CreateNpcDto {
  @ApiProperty({ minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: `${SHEET_DESCRIPTION}; default sheet when omitted`,
  })
  @IsOptional()
  @IsObject()
  sheet?: JsonObject;

  @ApiPropertyOptional({ description: 'Whether players see it (default false)' })
  @IsOptional()
  @IsBoolean()
  revealed?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'Ids of the stat blocks players see once it is revealed' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  publicStatBlocks?: string[];

  @ApiPropertyOptional({ type: String, maxLength: 2000, nullable: true, description: 'An http(s) image URL' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2000)
  portraitUrl?: string | null;

  @ApiPropertyOptional({
    maxLength: 100,
    description: 'A stable key (campaign files use it to update instead of duplicating)',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,99}$/, { message: 'key must be lowercase letters, digits, - and _ (at most 100)' })
  key?: string;
}

/** Changes to an NPC (DM only); `version` is the one the change is based on (409 when stale). */
export class UpdateNpcDto {
  @ApiProperty({ description: 'The version this write is based on (409 when stale)' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: SHEET_DESCRIPTION })
  @IsOptional()
  @IsObject()
  sheet?: JsonObject;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  revealed?: boolean;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  publicStatBlocks?: string[];

  @ApiPropertyOptional({ type: String, maxLength: 2000, nullable: true })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2000)
  portraitUrl?: string | null;
}

/**
 * An NPC as the caller may see it: players get revealed NPCs with their name, portrait and public stat blocks;
 * the DM gets every NPC with its sheet, key and settings.
 */
export class NpcDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  portraitUrl!: string | null;

  @ApiProperty()
  revealed!: boolean;

  @ApiProperty({ type: [NpcStatBlockDto], description: 'DM: every stat block; players: the public ones' })
  statBlocks!: NpcStatBlockDto[];

  @ApiProperty()
  version!: number;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'DM only' })
  sheet?: JsonObject;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'DM only' })
  key?: string | null;

  @ApiPropertyOptional({ type: [String], description: 'DM only' })
  publicStatBlocks?: string[];
}

/** One saved version of an NPC's sheet (DM only). */
export class NpcVersionDto {
  @ApiProperty()
  version!: number;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  sheet!: JsonObject;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}
