import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/** The body of a feature action call: any JSON input for the plugin (at most 16 KiB of JSON). */
export class FeatureActionDto {
  @ApiPropertyOptional({ description: 'Any JSON value the action expects, e.g. `{ "name": "Goblin", "initiative": 12 }`' })
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
