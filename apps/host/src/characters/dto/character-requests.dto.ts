import type { JsonObject } from '@cm/ruleset-sdk';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  type ValidationArguments,
} from 'class-validator';

const RULESET_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const SHEET_DESCRIPTION = 'The ruleset’s sheet (opaque JSON validated by the ruleset plugin)';

export class CreateCharacterDto {
  @ApiProperty({ description: 'An installed ruleset id' })
  @IsString()
  @Matches(RULESET_ID, { message: 'rulesetId must be a ruleset id (lowercase letters, digits, dashes)' })
  rulesetId!: string;

  @ApiProperty({ minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: `${SHEET_DESCRIPTION}; the ruleset’s default sheet when omitted`,
  })
  @IsOptional()
  @IsObject()
  sheet?: JsonObject;
}

export class ReplaceCharacterDto {
  @ApiProperty({ minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: SHEET_DESCRIPTION })
  @IsObject()
  sheet!: JsonObject;

  @ApiProperty({ description: 'The version this write is based on (409 when stale)' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class PatchCharacterDto {
  @ApiProperty({ description: 'The version this write is based on (409 when stale)' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'An RFC 7396 JSON merge patch applied to the sheet',
  })
  @IsOptional()
  @IsObject()
  sheetPatch?: JsonObject;
}

export class RestoreVersionDto {
  @ApiProperty({ description: 'The character’s current version (409 when stale)' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class ResourceDeltaDto {
  @ApiProperty({ description: 'A resource id the ruleset declares, e.g. `hp`, `lep`' })
  @IsString()
  @Length(1, 64)
  resource!: string;

  @ApiProperty({
    minimum: -100000,
    maximum: 100000,
    description: 'Added to the current value, then clamped to the resource’s bounds',
  })
  @IsInt()
  @Min(-100_000)
  @Max(100_000)
  delta!: number;
}

/** A property that belongs to one import format only: sent with the other format, it is refused, not ignored. */
function OnlyWithFormat(format: 'cmchar' | 'foreign'): PropertyDecorator {
  return ValidateBy({
    name: 'onlyWithFormat',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        value === undefined || (args?.object as ImportCharacterDto | undefined)?.format === format,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property ?? 'this property'} is only accepted with format "${format}"`,
    },
  });
}

export class ImportCharacterDto {
  @ApiProperty({
    enum: ['cmchar', 'foreign'],
    description: '`cmchar`: a .cmchar document; `foreign`: another tool’s export (e.g. Optolith)',
  })
  @IsIn(['cmchar', 'foreign'])
  format!: 'cmchar' | 'foreign';

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The .cmchar document (format `cmchar`)',
  })
  @ValidateIf((body: ImportCharacterDto) => body.format === 'cmchar' || body.document !== undefined)
  @OnlyWithFormat('cmchar')
  @IsObject()
  document?: JsonObject;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The foreign file’s JSON (format `foreign`)',
  })
  @ValidateIf((body: ImportCharacterDto) => body.format === 'foreign' || body.data !== undefined)
  @OnlyWithFormat('foreign')
  @IsObject()
  data?: JsonObject;

  @ApiPropertyOptional({ description: 'Format `foreign`: only try this ruleset’s importers' })
  @IsOptional()
  @OnlyWithFormat('foreign')
  @IsString()
  @Matches(RULESET_ID, { message: 'rulesetId must be a ruleset id (lowercase letters, digits, dashes)' })
  rulesetId?: string;
}
