import { ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_PER_PAGE } from '../domain/event-enums';
import { IsIdentifier } from '../../../platform/validation/identifier';
import {
  NotBefore,
  OptionalInstant,
  OptionalIntIn,
  OptionalIntRange,
  OptionalText,
  OptionalTimeZone,
  QueryIntIn,
} from '../../../platform/validation/field-validators';
import { EVENT_ENVIRONMENTS, EVENT_PRIORITIES, EVENT_STATUSES, EVENT_TYPES } from '../../../contract/enums';

/*
 * REST query strings use the seed's snake_case names (per_page, start_date); gRPC requests arrive camelCase
 * (proto-loader's keepCase: false). Each transport gets its own small class built from the same validators,
 * so an error names the field exactly as that caller spelled it.
 */

export class ListEventsQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 10, maximum: MAX_PER_PAGE, minimum: 1 })
  @OptionalIntRange(1, MAX_PER_PAGE)
  per_page?: number;

  @ApiPropertyOptional({ type: 'integer', default: 1, minimum: 1, maximum: 1_000_000 })
  @OptionalIntRange(1, 1_000_000)
  page?: number;
}

export class SearchEventsQueryDto extends ListEventsQueryDto {
  @ApiPropertyOptional({ type: 'integer', enum: EVENT_PRIORITIES })
  @QueryIntIn(EVENT_PRIORITIES)
  priority?: number;

  @ApiPropertyOptional({ description: 'Exact service name', maxLength: 300 })
  @OptionalText(300)
  @IsIdentifier()
  service?: string;

  @ApiPropertyOptional({ type: 'integer', enum: EVENT_TYPES })
  @QueryIntIn(EVENT_TYPES)
  type?: number;

  @ApiPropertyOptional({ type: 'integer', enum: EVENT_ENVIRONMENTS })
  @QueryIntIn(EVENT_ENVIRONMENTS)
  environment?: number;

  @ApiPropertyOptional({ type: 'integer', enum: EVENT_STATUSES })
  @QueryIntIn(EVENT_STATUSES)
  status?: number;

  @ApiPropertyOptional({ description: 'Inclusive lower bound on the event time: an ISO 8601 date or date-time', example: '2024-01-01' })
  @OptionalInstant()
  start_date?: string;

  @ApiPropertyOptional({ description: 'Inclusive upper bound; a bare date covers that whole UTC day', example: '2024-01-31' })
  @OptionalInstant()
  @NotBefore('start_date')
  end_date?: string;
}

export class TodayEventsQueryDto extends ListEventsQueryDto {
  @ApiPropertyOptional({ description: 'IANA zone whose calendar day counts as today (default UTC)', example: 'Europe/Paris' })
  @OptionalTimeZone()
  tz?: string;
}

export class EventStatsQueryDto {
  @ApiPropertyOptional({ description: 'From this event time on: an ISO 8601 date or date-time', example: '2024-01-01' })
  @OptionalInstant()
  start_date?: string;

  @ApiPropertyOptional({
    description: 'Up to this event time (a bare date covers that whole UTC day); not before start_date',
    example: '2024-12-31',
  })
  @OptionalInstant()
  @NotBefore('start_date')
  end_date?: string;

  @ApiPropertyOptional({ description: 'Exact service name', maxLength: 300 })
  @OptionalText(300)
  @IsIdentifier()
  service?: string;
}

export class ListEventsRequestDto {
  @OptionalIntRange(1, MAX_PER_PAGE)
  perPage?: number;

  @OptionalIntRange(1, 1_000_000)
  page?: number;
}

export class SearchEventsRequestDto extends ListEventsRequestDto {
  @OptionalIntIn(EVENT_PRIORITIES)
  priority?: number;

  @OptionalText(300)
  @IsIdentifier()
  service?: string;

  @OptionalIntIn(EVENT_TYPES)
  type?: number;

  @OptionalIntIn(EVENT_ENVIRONMENTS)
  environment?: number;

  @OptionalIntIn(EVENT_STATUSES)
  status?: number;

  @OptionalInstant()
  startDate?: string;

  @OptionalInstant()
  @NotBefore('startDate')
  endDate?: string;
}

export class TodayEventsRequestDto extends ListEventsRequestDto {
  @OptionalTimeZone()
  tz?: string;
}

export class EventStatsRequestDto {
  @OptionalInstant()
  startDate?: string;

  @OptionalInstant()
  @NotBefore('startDate')
  endDate?: string;

  @OptionalText(300)
  @IsIdentifier()
  service?: string;
}
