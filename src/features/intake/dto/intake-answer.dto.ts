import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** 200/201: the delivery was recorded (or had been: `duplicate`). */
export class IntakeRecordedDto {
  @ApiProperty({
    description: 'true: this delivery (X-GitHub-Delivery, or CloudEvent source + id) had already been recorded; nothing new was stored',
  })
  duplicate!: boolean;

  @ApiProperty({ enum: ['created', 'updated', 'unchanged'], description: 'What the delivery did to its tracker event' })
  result!: string;

  @ApiPropertyOptional({
    description: 'The tracker event (24 hex): GET /api/v1alpha1/event/{eventId}',
    example: '0f3c9a7d2b1e4c5a6d7e8f90',
  })
  eventId?: string;

  @ApiPropertyOptional({ description: 'The change recorded (a merged pull request, a CDEvents change.merged): GET /api/v1alpha1/changes' })
  changeId?: string;
}

/** 202: nothing to record (another event type, an unmapped environment...). */
export class IntakeIgnoredDto {
  @ApiProperty({ enum: [true] })
  ignored!: true;

  @ApiProperty({ example: 'GitHub event "issues" is not one Tracker records' })
  reason!: string;
}

/** One CloudEvent of a batch, answered on its own. */
export class CloudEventBatchEntryDto {
  @ApiPropertyOptional({ description: 'The CloudEvent id (absent when the entry had none)' })
  id?: string;

  @ApiProperty({ description: 'The status this event would have had on its own (201, 200, 202, 400, 409)' })
  status!: number;

  @ApiProperty({ enum: ['recorded', 'duplicate', 'ignored', 'refused'] })
  outcome!: string;

  @ApiPropertyOptional({ enum: ['created', 'updated', 'unchanged'] })
  result?: string;

  @ApiPropertyOptional()
  eventId?: string;

  @ApiPropertyOptional()
  changeId?: string;

  @ApiPropertyOptional({ description: 'Why it was ignored or refused' })
  reason?: string;

  @ApiPropertyOptional({ description: 'Refused: the failing fields or CDEvent schema paths', type: 'array', items: { type: 'object' } })
  invalidFields?: { name: string; reason: string }[];
}

export class CloudEventBatchAnswerDto {
  @ApiProperty({ type: [CloudEventBatchEntryDto], description: 'One entry per CloudEvent, in the order sent' })
  results!: CloudEventBatchEntryDto[];
}
