import { ApiProperty } from '@nestjs/swagger';
import { INCIDENT_SOURCES } from '../domain/facts';
import { INCIDENT_STATUSES } from './incident-query.dto';

export class IncidentCauseResponse {
  @ApiProperty({ example: '507f1f77bcf86cd799439011', description: 'The deployment (a tracker event of type 1)' })
  deploymentId!: string;

  @ApiProperty({
    enum: ['linked', 'suspected'],
    description:
      "linked: the incident's attributes.relatedId names it; suspected: nothing is linked and it is the last deployment of the incident's service and environment that finished (Success or Warning) within INCIDENT_CAUSE_WINDOW_MINUTES before the start",
  })
  how!: 'linked' | 'suspected';
}

export class IncidentFixResponse {
  @ApiProperty({
    example: '507f1f77bcf86cd799439012',
    description: 'A deployment whose attributes.relatedId names the incident (a hotfix)',
  })
  deploymentId!: string;
}

/** An incident (a tracker event of type 4) with its causes and fixes (docs/incidents.md). */
export class IncidentResponse {
  @ApiProperty({ example: '507f1f77bcf86cd799439011', description: "The incident's tracker event id" })
  id!: string;

  @ApiProperty({ example: 'Checkout errors above 5%' })
  title!: string;

  @ApiProperty({ example: 'user-service' })
  service!: string;

  @ApiProperty({ type: 'integer', nullable: true, example: 7, description: 'null when the event has none' })
  environment!: number | null;

  @ApiProperty({ enum: INCIDENT_STATUSES, description: 'resolved when it has a resolvedAt, else open' })
  status!: 'open' | 'resolved';

  @ApiProperty({ enum: INCIDENT_SOURCES, description: 'attributes.source when it is pagerduty, alertmanager or grafana, else tracker' })
  source!: 'pagerduty' | 'alertmanager' | 'grafana' | 'tracker';

  @ApiProperty({ type: String, format: 'date-time', description: 'startDate, else the time it became Open' })
  startedAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'endDate, else the last time its status became Close or Done while it is so; null while open',
  })
  resolvedAt!: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'resolvedAt - startedAt in seconds (at least 0); null while open' })
  recoverySeconds!: number | null;

  @ApiProperty({ type: [IncidentCauseResponse], description: 'At most one: the linked deployment, else the suspected one' })
  causes!: IncidentCauseResponse[];

  @ApiProperty({ type: [IncidentFixResponse], description: 'Oldest first' })
  fixes!: IncidentFixResponse[];
}

export class IncidentPageResponse {
  @ApiProperty({ type: [IncidentResponse], description: 'Open incidents first, then the newest start first (ties: greater id first)' })
  incidents!: IncidentResponse[];

  @ApiProperty({ example: 1 })
  totalCount!: number;

  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 10 })
  perPage!: number;
}
