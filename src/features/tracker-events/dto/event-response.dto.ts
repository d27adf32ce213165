import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NOTIFICATION_CHANNELS } from '../domain/event-enums';
import {
  describeValues,
  EVENT_ENVIRONMENT_LABELS,
  EVENT_ENVIRONMENTS,
  EVENT_IMPACT_LABELS,
  EVENT_IMPACTS,
  EVENT_PRIORITIES,
  EVENT_PRIORITY_LABELS,
  EVENT_STATUS_LABELS,
  EVENT_STATUSES,
  EVENT_TYPE_LABELS,
  EVENT_TYPES,
} from '../../../contract/enums';

/*
 * The tracker event shapes exactly as the mapper (tracker-events.mapper.ts) returns them: absent fields are left
 * out (never null), dates are ISO 8601 UTC strings. These classes only document; the mapper builds the answers.
 */

const EVENT_ID = { pattern: '^[0-9a-f]{24}$', example: '507f1f77bcf86cd799439011' };
const INSTANT = { format: 'date-time', example: '2024-01-15T10:00:00.000Z' };

export class EventAttributesView {
  @ApiProperty({ enum: EVENT_TYPES, type: 'integer', description: describeValues(EVENT_TYPE_LABELS) })
  type!: number;

  @ApiProperty({ example: 'user-service' })
  service!: string;

  @ApiPropertyOptional({ example: 'Deployed via GitHub Actions' })
  message?: string;

  @ApiPropertyOptional({ example: 'github_actions' })
  source?: string;

  @ApiPropertyOptional({ enum: EVENT_PRIORITIES, type: 'integer', description: describeValues(EVENT_PRIORITY_LABELS) })
  priority?: number;

  @ApiPropertyOptional({ description: 'Id of a related event' })
  relatedId?: string;

  @ApiPropertyOptional({
    enum: EVENT_STATUSES,
    type: 'integer',
    description: describeValues(EVENT_STATUS_LABELS),
  })
  status?: number;

  @ApiPropertyOptional({ enum: EVENT_ENVIRONMENTS, type: 'integer', description: describeValues(EVENT_ENVIRONMENT_LABELS) })
  environment?: number;

  @ApiPropertyOptional({ enum: EVENT_IMPACTS, type: 'integer', description: describeValues(EVENT_IMPACT_LABELS) })
  impact?: number;

  @ApiPropertyOptional(INSTANT)
  startDate?: string;

  @ApiPropertyOptional({ ...INSTANT, example: '2024-01-15T10:05:00.000Z' })
  endDate?: string;

  @ApiPropertyOptional({ example: 'platform-team' })
  owner?: string;

  @ApiPropertyOptional({ type: [String], example: ['backend-team', 'ops-team'] })
  stakeHolders?: string[];

  @ApiPropertyOptional()
  notification?: boolean;

  @ApiPropertyOptional({ enum: NOTIFICATION_CHANNELS, isArray: true })
  notifications?: string[];
}

export class EventLinksView {
  @ApiPropertyOptional({ example: 'https://github.com/org/repo/pull/123' })
  pullRequestLink?: string;

  @ApiPropertyOptional({ example: 'PROJ-456' })
  ticket?: string;
}

export class EventMetadataView {
  @ApiProperty(INSTANT)
  createdAt!: string;

  @ApiProperty(INSTANT)
  updatedAt!: string;

  @ApiPropertyOptional({ description: 'endDate - startDate, readable; present when both are set', example: '5m0s' })
  duration?: string;

  @ApiPropertyOptional({ description: 'endDate - startDate in seconds; present when both are set', example: 300 })
  durationSeconds?: number;
}

export class RelatedEventView {
  @ApiProperty(EVENT_ID)
  id!: string;

  @ApiProperty()
  title!: string;

  @ApiProperty({ description: "From the related event's start to this event's end (or creation)", example: '1h2m3s' })
  duration!: string;

  @ApiProperty({ example: 3723 })
  durationSeconds!: number;
}

export class TrackerEventView {
  @ApiProperty(EVENT_ID)
  id!: string;

  @ApiProperty({ example: 'Deploy user-service v2.1.0 to production' })
  title!: string;

  @ApiProperty({ type: EventAttributesView })
  attributes!: EventAttributesView;

  @ApiProperty({ type: EventLinksView })
  links!: EventLinksView;

  @ApiProperty({ type: EventMetadataView })
  metadata!: EventMetadataView;

  @ApiPropertyOptional({ type: RelatedEventView, description: 'GET one event only: the event named by relatedId, when it exists' })
  related?: RelatedEventView;

  @ApiPropertyOptional({
    type: 'boolean',
    enum: [true],
    description: 'Present (true) when the deployment was recorded while a change freeze covered it (docs/freezes.md)',
  })
  frozen?: boolean;
}

export class CreatedEventView extends TrackerEventView {
  @ApiProperty({ ...INSTANT, description: 'Same as metadata.createdAt (the seed API answered it at top level)' })
  createdAt!: string;
}

export class EventPageView {
  @ApiProperty({ type: [TrackerEventView] })
  events!: TrackerEventView[];

  @ApiProperty({ type: 'integer', minimum: 0, description: 'All matching events' })
  totalCount!: number;

  @ApiProperty({ type: 'integer', minimum: 1 })
  page!: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100 })
  perPage!: number;
}

export class EventIdView {
  @ApiProperty(EVENT_ID)
  id!: string;
}

const CHANGE_VALUE = {
  description:
    'The value before (old) or after (new) the change: as stored (numbers stay numbers, dates are ISO strings), null when there was none',
  anyOf: [{ type: 'string', nullable: true }, { type: 'number' }, { type: 'boolean' }, { type: 'array', items: { type: 'string' } }],
};

export class ChangelogEntryView {
  @ApiProperty(INSTANT)
  at!: string;

  @ApiProperty({ example: 'attributes.status', description: 'The changed field (dotted path), or `lock` for lock changes' })
  field!: string;

  @ApiProperty(CHANGE_VALUE)
  old!: unknown;

  @ApiProperty(CHANGE_VALUE)
  new!: unknown;

  @ApiProperty({ example: 'rest', description: 'attributes.source of the request, else the transport (rest, grpc)' })
  source!: string;
}

export class ChangelogView {
  @ApiProperty(EVENT_ID)
  id!: string;

  @ApiProperty({ type: [ChangelogEntryView], description: 'Oldest first' })
  changelog!: ChangelogEntryView[];
}

export class ValueCountView {
  @ApiProperty({ type: 'integer', description: 'The enumeration value (type, status, environment or priority)' })
  value!: number;

  @ApiProperty({ type: 'integer', minimum: 1 })
  count!: number;
}

export class MonthCountView {
  @ApiProperty({ pattern: '^[0-9]{4}-[0-9]{2}$', example: '2024-01' })
  month!: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  count!: number;
}

export class MonthlyStatsView {
  @ApiProperty({ type: 'integer', minimum: 0 })
  total!: number;

  @ApiProperty({ type: [MonthCountView], description: 'Calendar order; months without events are left out' })
  byMonth!: MonthCountView[];
}

export class EventStatsView extends MonthlyStatsView {
  @ApiProperty({ type: [ValueCountView], description: 'By value; events without the field are left out' })
  byType!: ValueCountView[];

  @ApiProperty({ type: [ValueCountView] })
  byStatus!: ValueCountView[];

  @ApiProperty({ type: [ValueCountView] })
  byEnvironment!: ValueCountView[];

  @ApiProperty({ type: [ValueCountView] })
  byPriority!: ValueCountView[];
}

export class OverlapSideView {
  @ApiProperty(EVENT_ID)
  id!: string;

  @ApiProperty()
  title!: string;

  @ApiProperty(INSTANT)
  startDate!: string;

  @ApiProperty({ ...INSTANT, nullable: true, type: 'string', description: 'null: still running (no end)' })
  endDate!: string | null;
}

export class OverlapPairView {
  @ApiProperty({ type: OverlapSideView })
  a!: OverlapSideView;

  @ApiProperty({ type: OverlapSideView, description: 'The later-starting event' })
  b!: OverlapSideView;

  @ApiProperty({ minimum: 0, example: 120 })
  overlapSeconds!: number;
}

export class OverlapGroupView {
  @ApiProperty({ description: 'The service (or environment) the events share', example: 'user-service' })
  key!: string;

  @ApiProperty({ type: [OverlapPairView] })
  overlaps!: OverlapPairView[];

  @ApiProperty({ type: 'integer', minimum: 0, description: 'All overlapping pairs of the group, listed or not' })
  totalOverlaps!: number;
}

export class OverlapsView {
  @ApiProperty({ type: [OverlapGroupView] })
  groups!: OverlapGroupView[];

  @ApiProperty({ type: 'integer', minimum: 0 })
  totalOverlaps!: number;

  @ApiProperty({ description: 'More than 1000 pairs: only the first 1000 are listed' })
  truncated!: boolean;
}
