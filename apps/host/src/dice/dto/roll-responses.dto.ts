import {
  ROLL_SOURCES,
  type RollCreatedPayload,
  type RollDiceSummary,
  type RollGroupSummary,
  type RollSource,
} from '@cm/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RollOutcomeDto } from '../../plugins/dto/ruleset-responses.dto.js';

/** The dice of one term: faces in roll order and, for keep rules, the dropped indices. */
export class RollDiceDto implements RollDiceSummary {
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
export class RollGroupDto implements RollGroupSummary {
  @ApiPropertyOptional()
  name?: string;

  @ApiProperty({ type: [RollDiceDto] })
  dice!: RollDiceDto[];

  @ApiProperty({ description: 'Net constant modifier of the group' })
  modifier!: number;

  @ApiProperty()
  total!: number;
}

/** One entry of a group's roll log: the `roll.created` payload plus where and when. */
export class RollDto implements RollCreatedPayload {
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

  @ApiProperty({ enum: ROLL_SOURCES, enumName: 'RollSource', description: '`talespire` = client-reported results' })
  source!: RollSource;

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
