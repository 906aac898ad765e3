import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The dice of one term: faces in roll order and, for keep rules, the dropped indices. */
export class RollDiceDto {
  @ApiProperty({ enum: ['+', '-'] })
  sign!: '+' | '-';

  @ApiProperty()
  sides!: number;

  @ApiProperty({ type: [Number] })
  faces!: number[];

  @ApiPropertyOptional({ type: [Number] })
  dropped?: number[];
}

/** One `/`-separated group of a roll. */
export class RollGroupDto {
  @ApiPropertyOptional()
  name?: string;

  @ApiProperty({ type: [RollDiceDto] })
  dice!: RollDiceDto[];

  @ApiProperty({ description: 'Net constant modifier of the group' })
  modifier!: number;

  @ApiProperty()
  total!: number;
}

/** The ruleset's interpretation of a character's dice action (e.g. DSA5 quality level). */
export class RollOutcomeDto {
  @ApiProperty({ enum: ['success', 'failure', 'critical', 'botch', 'neutral'] })
  result!: 'success' | 'failure' | 'critical' | 'botch' | 'neutral';

  @ApiProperty()
  label!: string;

  @ApiPropertyOptional()
  total?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  details?: Record<string, string | number | boolean | null>;
}

/** One entry of a group's roll log. */
export class RollDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  groupId!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  characterId!: string | null;

  @ApiProperty()
  label!: string;

  @ApiProperty({ description: 'Normal form of what was rolled, e.g. `1d20+5`' })
  notation!: string;

  @ApiProperty({ description: 'Sum of the dice and the notation’s modifiers, always computed by the host' })
  total!: number;

  @ApiProperty({ type: [RollGroupDto] })
  groups!: RollGroupDto[];

  @ApiProperty({ enum: ['server', 'talespire', 'discord'], description: '`talespire` = client-reported results' })
  source!: 'server' | 'talespire' | 'discord';

  @ApiProperty({ type: RollOutcomeDto, nullable: true })
  outcome!: RollOutcomeDto | null;

  @ApiPropertyOptional({ description: 'TaleSpire’s roll id, for reported results' })
  talespireRollId?: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

/** A page of the roll log, newest first. */
export class RollPageDto {
  @ApiProperty({ type: [RollDto] })
  items!: RollDto[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next (older) page; null at the end',
  })
  nextCursor!: string | null;
}
