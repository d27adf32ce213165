import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** 200/201: the delivery was recorded (or had been: `duplicate`). */
export class IntakeRecordedDto {
  @ApiProperty({
    description:
      'true: this delivery (X-GitHub-Delivery, X-Gitlab-Event-UUID, a Flux event or Argo CD notification repeated, or CloudEvent source + id) had already been recorded; nothing new was stored',
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

/** Where an Argo CD application deploys to (spec.destination). */
export class ArgocdDestinationDto {
  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'https://kubernetes.default.svc' })
  server?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'guestbook' })
  namespace?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'in-cluster' })
  name?: string | null;
}

/**
 * The body the shipped Argo CD template (deploy/argocd/notifications.yaml) renders: documented, not a DTO the
 * pipe validates (the route reads its raw bytes; the mapping checks each field, naming it in a 400).
 */
export class ArgocdNotificationDto {
  @ApiProperty({ example: 'guestbook', description: 'metadata.name of the Application' })
  application!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'argocd', description: 'metadata.namespace' })
  namespace?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'default', description: 'spec.project' })
  project?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'metadata.uid' })
  uid?: string | null;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    example: 'a35a3ad9a62ed7a25ba2e5f8d1a1a6f5cfa3d5a1',
    description:
      'The revision being synced: status.operationState.syncResult.revision, else operation.sync.revision, else status.sync.revision',
  })
  revision?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'Synced', description: 'status.sync.status' })
  syncStatus?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'Healthy', description: 'status.health.status' })
  healthStatus?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'Succeeded', description: 'status.operationState.phase' })
  operationPhase?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: '2024-03-01T10:00:00Z', description: 'status.operationState.startedAt' })
  startedAt?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: '2024-03-01T10:02:00Z', description: 'status.operationState.finishedAt' })
  finishedAt?: string | null;

  @ApiPropertyOptional({ type: ArgocdDestinationDto, nullable: true, description: 'spec.destination' })
  destination?: ArgocdDestinationDto | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'spec.source.repoURL' })
  repoURL?: string | null;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    description: 'annotation (else label) tracker/service; absent: the application name',
  })
  service?: string | null;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    description: 'annotation (else label) tracker/environment, mapped by INGEST_ENVIRONMENTS',
  })
  environment?: string | null;
}
