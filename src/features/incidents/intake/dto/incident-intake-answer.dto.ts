import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** 200/201: the PagerDuty event was recorded on its incident (or had been: `duplicate`). */
export class IncidentRecordedDto {
  @ApiProperty({ description: 'true: this webhook event (event.id) had already been recorded; nothing new was stored' })
  duplicate!: boolean;

  @ApiProperty({ enum: ['created', 'updated', 'unchanged'], description: "What the event did to its incident's tracker event" })
  result!: string;

  @ApiProperty({
    description: 'The incident (a type-4 tracker event, 24 hex): GET /api/v1alpha1/event/{eventId}',
    example: '0f3c9a7d2b1e4c5a6d7e8f90',
  })
  eventId!: string;
}

/** 202: nothing to record (an event type Tracker does not record). */
export class IncidentIgnoredDto {
  @ApiProperty({ enum: [true] })
  ignored!: true;

  @ApiProperty({ example: 'PagerDuty event type "incident.annotated" is not one Tracker records' })
  reason!: string;
}

/** One alert of an Alertmanager or Grafana body, answered on its own. */
export class AlertResultDto {
  @ApiProperty({ example: 'c6eadffa33fcdf37' })
  fingerprint!: string;

  @ApiProperty({
    description: 'When the alert started firing (UTC): with the fingerprint, which incident it is',
    example: '2024-01-15T10:00:00.000Z',
  })
  startsAt!: string;

  @ApiProperty({ enum: ['firing', 'resolved'] })
  status!: string;

  @ApiProperty({
    enum: ['recorded', 'duplicate', 'skipped'],
    description:
      'recorded: stored now; duplicate: this alert state was already recorded (a resend), nothing stored; skipped: not an incident (see reason)',
  })
  outcome!: string;

  @ApiPropertyOptional({ enum: ['created', 'updated', 'unchanged'] })
  result?: string;

  @ApiPropertyOptional({ description: 'The incident (a type-4 tracker event, 24 hex)' })
  eventId?: string;

  @ApiPropertyOptional({
    description: 'Why the alert was skipped (no service label, unmapped environment, below ALERTMANAGER_MIN_SEVERITY)',
  })
  reason?: string;
}

export class AlertmanagerAnswerDto {
  @ApiProperty({
    enum: ['alertmanager', 'grafana'],
    description: 'Who sent the body (Grafana is told by its orgId and its extra alert fields)',
  })
  source!: string;

  @ApiProperty({ type: [AlertResultDto], description: 'One entry per alert, in the order sent' })
  results!: AlertResultDto[];
}
