import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
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

export class RollOutcomeDto {
  @ApiProperty({ enum: ['success', 'failure', 'critical', 'botch', 'neutral'] }) result!: string;
  @ApiProperty({ example: 'Erfolg, QS 2' }) label!: string;
  @ApiPropertyOptional() total?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) details?: Record<string, unknown>;
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
  @ApiProperty({ nullable: true, enum: ['ruleset', 'feature'] }) kind!: string | null;
  @ApiProperty({
    enum: ['loaded', 'failed'],
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
