import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIdentifier } from '../../../platform/validation/identifier';
import { OptionalIntIn, OptionalText, QueryIntIn } from '../../../platform/validation/field-validators';
import { AstraGrpcRequestDto } from '../../../astra/grpc-request.dto';
import { EVENT_ENVIRONMENTS, EVENT_PRIORITIES, EVENT_STATUSES, EVENT_TYPES } from '../../../contract/enums';

/** The longest text a cursor can be (15 digits); a longer one is refused before it is parsed. */
const MAX_CURSOR_TEXT = 32;

/** GET /api/v1alpha1/events/stream: the search's equality filters (same names, same validation) and `since`. */
export class TrackerStreamQueryDto {
  @ApiPropertyOptional({ description: 'Exact service name' })
  @OptionalText(300)
  @IsIdentifier()
  service?: string;

  @ApiPropertyOptional({ enum: EVENT_ENVIRONMENTS })
  @QueryIntIn(EVENT_ENVIRONMENTS)
  environment?: number;

  @ApiPropertyOptional({ enum: EVENT_TYPES })
  @QueryIntIn(EVENT_TYPES)
  type?: number;

  @ApiPropertyOptional({ enum: EVENT_STATUSES })
  @QueryIntIn(EVENT_STATUSES)
  status?: number;

  @ApiPropertyOptional({ enum: EVENT_PRIORITIES })
  @QueryIntIn(EVENT_PRIORITIES)
  priority?: number;

  @ApiPropertyOptional({
    description: 'Resume after this cursor (the `id:` of a message); the Last-Event-ID header does the same and wins',
    example: '42',
  })
  @OptionalText(MAX_CURSOR_TEXT)
  since?: string;
}

/** GET /accounts/{account_id}/core/v1/events/stream: only `since`. */
export class ActivityStreamQueryDto {
  @ApiPropertyOptional({
    description: 'Resume after this cursor (the `id:` of a message); Last-Event-ID does the same and wins',
    example: '42',
  })
  @OptionalText(MAX_CURSOR_TEXT)
  since?: string;
}

/** tracker.event.v1alpha1.WatchEventsRequest (camelCase, as the loader decodes it). */
export class WatchTrackerEventsRequestDto {
  @OptionalText(300)
  @IsIdentifier()
  service?: string;

  @OptionalIntIn(EVENT_ENVIRONMENTS)
  environment?: number;

  @OptionalIntIn(EVENT_TYPES)
  type?: number;

  @OptionalIntIn(EVENT_STATUSES)
  status?: number;

  @OptionalIntIn(EVENT_PRIORITIES)
  priority?: number;

  @OptionalText(MAX_CURSOR_TEXT)
  resumeFrom?: string;
}

/** astra.core.v1.WatchEventsRequest: the account (checked by the AccountGuard) and `resume_from`. */
export class WatchActivityEventsRequestDto extends AstraGrpcRequestDto {
  @OptionalText(MAX_CURSOR_TEXT)
  resumeFrom?: string;
}
