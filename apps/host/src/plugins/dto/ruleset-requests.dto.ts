import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsObject, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { Sheet } from '@cm/ruleset-sdk';

/** A request carrying one sheet; sheets are opaque JSON owned by the ruleset. */
export class SheetRequestDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The character sheet (ruleset-specific JSON)',
  })
  @IsObject()
  sheet!: Sheet;
}

/** Interprets the faces rolled for one of the sheet's dice actions. */
export class ResolveRollRequestDto extends SheetRequestDto {
  @ApiProperty({ example: 'talent-klettern' })
  @IsString()
  @Length(1, 200)
  actionId!: string;

  @ApiProperty({
    type: [Number],
    example: [12, 5, 9],
    description:
      'The faces rolled: one per die of the action’s dice string, in its order (constants have none), each 1..sides; checked before the ruleset sees them',
  })
  @IsArray()
  @ArrayMaxSize(100)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(1000, { each: true })
  faces!: number[];

  @ApiPropertyOptional({ example: -1, description: 'A ruleset modifier (e.g. DSA5: + easier, − harder)' })
  @IsOptional()
  @IsInt()
  @Min(-100)
  @Max(100)
  modifier?: number;

  @ApiPropertyOptional({
    example: 15,
    description: 'A difficulty, target number or opposition (DC 15, TN 7); what it means is the ruleset’s',
  })
  @IsOptional()
  @IsInt()
  @Min(-1000)
  @Max(1000)
  target?: number;
}
