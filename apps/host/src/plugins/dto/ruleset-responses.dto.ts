import {
  PLUGIN_KINDS,
  PLUGIN_RELOAD_STATUSES,
  ROLL_OUTCOME_RESULTS,
  type FieldError,
  type PluginKind,
  type RollOutcomeResult,
  type RollOutcomeSummary,
} from '@cm/contracts';
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

/** How the ruleset read a roll of one of its dice actions (e.g. a DSA5 quality level). */
export class RollOutcomeDto implements RollOutcomeSummary {
  @ApiProperty({ enum: ROLL_OUTCOME_RESULTS, enumName: 'RollOutcomeResult' }) result!: RollOutcomeResult;
  @ApiProperty({ example: 'Erfolg, QS 2' }) label!: string;
  @ApiPropertyOptional() total?: number;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }], nullable: true },
  })
  details?: Record<string, string | number | boolean | null>;
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
    description: 'loaded: a good version is served; failed: nothing is served',
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
}
