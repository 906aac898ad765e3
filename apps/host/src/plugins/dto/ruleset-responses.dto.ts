import {
  PLUGIN_KINDS,
  PLUGIN_RELOAD_STATUSES,
  ROLL_OUTCOME_RESULTS,
  ROLL_OUTCOME_TONES,
  type FieldError,
  type LadderRung,
  type OutcomeLadder,
  type OutcomeTone,
  type PluginKind,
  type RollOutcomeResult,
  type RollOutcomeSummary,
} from '@cm/contracts';
import type { ResourceState } from '@cm/ruleset-sdk';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** Shares its schema name with the problems' field errors: one `FieldError` in the document. */
@ApiSchema({ name: 'FieldError' })
export class FieldErrorDto implements FieldError {
  @ApiProperty({ example: 'hp.current' }) path!: string;
  @ApiProperty({ example: 'must be at most hp.max' }) message!: string;
}

export class UiBundleDto {
  @ApiProperty({
    example: '/v1/plugins/assets/generic-ui.1a2b3c4d5e6f7a8b.js',
    description: 'Content-hashed, immutable ES module',
  })
  url!: string;
}

/** A loaded ruleset (or feature) plugin in the catalog. */
export class RulesetSummaryDto {
  @ApiProperty({ example: 'dsa5e' }) id!: string;
  @ApiProperty({ example: 'Das Schwarze Auge 5' }) name!: string;
  @ApiProperty({ example: '1.0.0' }) version!: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional() author?: string;
  @ApiPropertyOptional() license?: string;
  @ApiProperty({ example: '^1.0.0' }) hostApi!: string;
  @ApiProperty({ type: UiBundleDto, nullable: true }) ui!: UiBundleDto | null;
}

export class ValidationResultDto {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ type: [FieldErrorDto] }) errors!: FieldErrorDto[];
}

export class StatBlocksDto {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) statBlocks!: unknown[];
}

export class DiceActionsDto {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) diceActions!: unknown[];
}

export class LadderRungDto implements LadderRung {
  @ApiProperty({ example: 3, description: 'Position on the scale; higher is better, may be negative' }) rung!: number;
  @ApiProperty({ example: 'Good' }) name!: string;
}

export class OutcomeLadderDto extends LadderRungDto implements OutcomeLadder {
  @ApiPropertyOptional({ type: [LadderRungDto], description: 'The whole scale, lowest first' }) rungs?: LadderRungDto[];
}

/** A ruleset's reading of a roll as clients show it: label, tone, optional value, detail line and ladder rung. */
export class RollOutcomeDto implements RollOutcomeSummary {
  @ApiProperty({
    enum: ROLL_OUTCOME_RESULTS,
    enumName: 'RollOutcomeResult',
    description: 'What the roll achieved, in the ruleset’s terms',
  })
  result!: RollOutcomeResult;
  @ApiProperty({
    enum: ROLL_OUTCOME_TONES,
    enumName: 'RollOutcomeTone',
    description: 'How clients colour it (partial → mixed, tie and neutral → neutral)',
  })
  tone!: OutcomeTone;
  @ApiProperty({ example: 'Erfolg, QS 2 (success, QL 2)' }) label!: string;
  @ApiPropertyOptional({ example: 5, description: 'The number to show as the roll’s result, when the ruleset has one' })
  value?: number;
  @ApiPropertyOptional({ example: 'QS 2 · 5 FP left', description: 'One short secondary line' }) detail?: string;
  @ApiPropertyOptional({ type: OutcomeLadderDto }) ladder?: OutcomeLadderDto;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }], nullable: true },
  })
  details?: Record<string, string | number | boolean | null>;
}

/** One resource of a sheet (HP, a stress track, XP) with its bounds. */
export class ResourceStateDto implements ResourceState {
  @ApiProperty({ example: 'hp' }) id!: string;
  @ApiProperty({ example: 'HP' }) label!: string;
  @ApiProperty({ type: [String], example: ['hp', 'current'] }) path!: string[];
  @ApiProperty() value!: number;
  @ApiProperty() min!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null: no natural maximum (XP, coins)' }) max!:
    number | null;
  @ApiPropertyOptional({
    enum: ['bar', 'track', 'counter'],
    enumName: 'ResourceDisplay',
    description: '`track`: `max` boxes of which `value` are marked; default `bar` with a max, `counter` without',
  })
  display?: 'bar' | 'track' | 'counter';
}

export class ResourcesDto {
  @ApiProperty({ type: [ResourceStateDto] }) resources!: ResourceStateDto[];
}

export class FixtureFailureDto {
  @ApiProperty({ example: 'invalid/negative-hp.json' }) fixture!: string;
  @ApiProperty() message!: string;
}

export class FixtureReportDto {
  @ApiProperty() passed!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ type: [FixtureFailureDto] }) failures!: FixtureFailureDto[];
}

/** One discovered plugin folder and what became of it. */
export class PluginStatusDto {
  @ApiProperty() id!: string;
  @ApiProperty() folder!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ nullable: true, type: String }) version!: string | null;
  @ApiProperty({ nullable: true, enum: PLUGIN_KINDS, enumName: 'PluginKind' }) kind!: PluginKind | null;
  @ApiProperty({
    enum: PLUGIN_RELOAD_STATUSES,
    enumName: 'PluginLoadStatus',
    description:
      'loaded: a good version is served; failed: nothing is served; quarantined: loaded, but its calls fail fast (503) until `quarantinedUntil`',
  })
  status!: string;
  @ApiProperty({ type: [String] }) errors!: string[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The newest edit failed; the previous good version keeps serving',
  })
  lastReloadError!: string | null;
  @ApiProperty({ type: FixtureReportDto }) fixtures!: FixtureReportDto;
  @ApiProperty({ nullable: true, type: String }) hostApi!: string | null;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ nullable: true, type: String }) author!: string | null;
  @ApiProperty({ nullable: true, type: String }) license!: string | null;
  @ApiProperty({ type: UiBundleDto, nullable: true }) ui!: UiBundleDto | null;
  @ApiProperty({ nullable: true, type: String }) serverBundleHash!: string | null;
  @ApiProperty({ nullable: true, type: String }) loadedAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'When a quarantined plugin is re-loaded and re-checked to try again (its files changing ends it sooner)',
  })
  quarantinedUntil!: string | null;
}
