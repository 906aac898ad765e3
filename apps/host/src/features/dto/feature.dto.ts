import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';

/** The body of a feature action call: any JSON input for the plugin (at most 16 KiB of JSON). */
export class FeatureActionDto {
  @ApiPropertyOptional({
    description: 'Any JSON value the action expects, e.g. `{ "name": "Goblin", "initiative": 12 }`',
  })
  @Allow()
  input?: unknown;
}

/** A feature plugin's state in a group. */
export class FeatureStateDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'key → JSON value' })
  state!: Record<string, unknown>;
}

/** The answer of an action. */
export class FeatureActionResultDto {
  @ApiProperty({ description: 'What the plugin replied (any JSON, null when nothing)', nullable: true })
  reply!: unknown;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The plugin’s whole state after the action' })
  state!: Record<string, unknown>;
}

/** A character in a trial context (what a feature plugin sees of a group's characters). */
export class TrialCharacterDto {
  @ApiProperty() @IsString() @MaxLength(100) id!: string;
  @ApiProperty() @IsString() @MaxLength(100) name!: string;
  @ApiProperty() @IsString() @MaxLength(100) ownerId!: string;
  @ApiProperty() @IsString() @MaxLength(100) rulesetId!: string;

  @ApiPropertyOptional({ nullable: true, description: '{ label, diceString } of the ruleset’s initiative action' })
  @IsOptional()
  @IsObject()
  initiative?: { label: string; diceString: string } | null;
}

/** A stateless trial of a feature action: the caller supplies the state and the context; nothing is stored. */
export class TryFeatureActionDto extends FeatureActionDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The plugin state to run against (key → JSON)',
  })
  @IsObject()
  state!: Record<string, unknown>;

  @ApiProperty({ description: 'Whether the simulated caller is the DM' })
  @IsBoolean()
  isDm!: boolean;

  @ApiProperty({ type: [TrialCharacterDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => TrialCharacterDto)
  characters!: TrialCharacterDto[];
}
