import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/** A result reported by the Symbiote: TaleSpire's `rollResults` payload (its totals are never trusted). */
export class TaleSpireReportDto {
  @ApiPropertyOptional({ maxLength: 100, description: 'The rollId TaleSpire returned from putDiceInTray' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  rollId?: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description:
      'TaleSpire `resultsGroups`: `[{ name, result }]` where a node is `{ operator, operands }`, `{ kind: "d20", results: [faces] }` or `{ value }`. Checked node by node; totals are recomputed from the faces.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsObject({ each: true })
  resultsGroups!: Record<string, unknown>[];
}

/**
 * One roll for a group's log. Exactly one of: `notation` (the server rolls it); `characterId` + `actionId`
 * (the server rolls the character's dice action and the ruleset resolves it); `talespire` (a result the
 * Symbiote reports, optionally for `characterId` + `actionId`). `modifier` and `target` need an action. A `total`
 * field is refused: totals are always recomputed by the host.
 */
export class CreateRollDto {
  @ApiPropertyOptional({
    maxLength: 200,
    example: '2d6+3',
    description: 'TaleSpire roll notation (with the `k`/`kh`/`kl` keep extension)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  notation?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    description: 'Shown in the roll log (default: the action label or the notation)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A character assigned to the group: the caller’s, or any when the caller is the DM',
  })
  @IsOptional()
  @IsUUID()
  characterId?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    example: 'talent:TAL_1',
    description: 'One of the character’s dice actions (its ruleset’s ids)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  actionId?: string;

  @ApiPropertyOptional({
    minimum: -100,
    maximum: 100,
    description: 'Passed to the ruleset’s resolveRoll (e.g. DSA5: + easier, − harder)',
  })
  @IsOptional()
  @IsInt()
  @Min(-100)
  @Max(100)
  modifier?: number;

  @ApiPropertyOptional({
    minimum: -1000,
    maximum: 1000,
    description: 'A difficulty, target number or opposition passed to the ruleset’s resolveRoll (DC 15, TN 7)',
  })
  @IsOptional()
  @IsInt()
  @Min(-1000)
  @Max(1000)
  target?: number;

  @ApiPropertyOptional({ type: TaleSpireReportDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TaleSpireReportDto)
  talespire?: TaleSpireReportDto;
}

/** Paging of the roll log. */
export class ListRollsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
