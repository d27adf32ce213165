import { ApiProperty } from '@nestjs/swagger';
import { EVENT_ENVIRONMENTS } from '../../../contract/enums';
import { ProblemDto } from '../../../platform/openapi/problem.dto';

/** A freeze exactly as freezes.mapper.ts returns it (REST keeps the nulls). */
export class FreezeView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: 'string', nullable: true })
  reason!: string | null;

  @ApiProperty({ type: [String], description: 'Empty: every service' })
  services!: string[];

  @ApiProperty({ type: [Number], items: { type: 'integer', enum: [...EVENT_ENVIRONMENTS] }, description: 'Empty: every environment' })
  environments!: number[];

  @ApiProperty({ enum: ['once', 'recurring'] })
  kind!: 'once' | 'recurring';

  @ApiProperty({ description: 'once: an ISO instant (UTC); recurring: the local DTSTART in `timezone`' })
  start!: string;

  @ApiProperty({ type: 'string', nullable: true, format: 'date-time', description: 'once: the end; recurring: null' })
  end!: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  timezone!: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  rrule!: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  duration!: string | null;

  @ApiProperty({ type: [String], description: 'Recurring: local date-times of the occurrences left out' })
  exdates!: string[];

  @ApiProperty()
  allDay!: boolean;

  @ApiProperty({ type: 'string', nullable: true, description: 'The iCalendar UID it was imported from' })
  uid!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: 'string', nullable: true })
  createdBy!: string | null;
}

export class FreezeListView {
  @ApiProperty({ type: [FreezeView] })
  freezes!: FreezeView[];

  @ApiProperty({ type: 'integer', minimum: 0 })
  totalCount!: number;

  @ApiProperty({ type: 'integer', minimum: 1 })
  page!: number;

  @ApiProperty({ type: 'integer', minimum: 1 })
  perPage!: number;
}

export class DeletedFreezeView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
}

export class ImportedFreezesView {
  @ApiProperty({ type: 'integer', minimum: 0 })
  created!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  updated!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'VEVENTs whose freeze was already stored as they say' })
  unchanged!: number;

  @ApiProperty({ type: [String], format: 'uuid' })
  ids!: string[];
}

export class DeployabilityReasonView {
  @ApiProperty({ enum: ['lock', 'freeze', 'incident'] })
  kind!: 'lock' | 'freeze' | 'incident';

  @ApiProperty()
  id!: string;

  @ApiProperty()
  title!: string;

  @ApiProperty({ type: 'string', format: 'date-time', required: false, description: 'When this reason ends, when known' })
  until?: string;
}

export class DeployabilityView {
  @ApiProperty()
  allowed!: boolean;

  @ApiProperty({ type: [DeployabilityReasonView] })
  reasons!: DeployabilityReasonView[];

  @ApiProperty({
    type: 'string',
    nullable: true,
    format: 'date-time',
    description: 'The earliest time no known reason applies; null when unknown',
  })
  nextAllowedAt!: string | null;
}

export class FrozenFreezeView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ format: 'date-time' })
  until!: string;
}

/** 409 urn:tracker:problems:frozen: the problem with the freezes that refuse it. */
export class FrozenProblemDto extends ProblemDto {
  @ApiProperty({ type: [FrozenFreezeView] })
  freezes!: FrozenFreezeView[];
}

/** One window of one freeze (a once freeze's window, or one occurrence of a recurrence). */
export class FreezeOccurrenceView {
  @ApiProperty({ format: 'uuid' })
  freezeId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: 'string', nullable: true })
  reason!: string | null;

  @ApiProperty({ type: [String], description: 'Empty: every service' })
  services!: string[];

  @ApiProperty({ type: [Number], items: { type: 'integer', enum: [...EVENT_ENVIRONMENTS] }, description: 'Empty: every environment' })
  environments!: number[];

  @ApiProperty()
  allDay!: boolean;

  @ApiProperty({ format: 'date-time' })
  start!: string;

  @ApiProperty({ format: 'date-time', description: 'Exclusive' })
  end!: string;
}

export class FreezeOccurrenceListView {
  @ApiProperty({ type: [FreezeOccurrenceView], description: 'In start order, then by freeze id' })
  occurrences!: FreezeOccurrenceView[];

  @ApiProperty({ description: 'True when more than 2,000 windows overlap the range and the list stops there' })
  truncated!: boolean;
}
