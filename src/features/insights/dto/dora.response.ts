import { ApiProperty } from '@nestjs/swagger';

const TIERS = ['elite', 'high', 'medium', 'low'];
const TierProperty = () =>
  ApiProperty({ type: String, enum: [...TIERS, null], nullable: true, description: 'null when the key has no data' });

export class DoraWindowResponse {
  @ApiProperty({ type: String, format: 'date-time', description: 'Inclusive' })
  from!: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'Exclusive' })
  to!: string;
}

export class DeploymentFrequencyResponse {
  @ApiProperty({ description: 'Deployments (Success, Failure, Warning, Error) whose time is in the window' })
  count!: number;

  @ApiProperty({ description: 'count / window length in days' })
  perDay!: number;

  @TierProperty()
  tier!: string | null;
}

export class LeadTimeResponse {
  @ApiProperty({ type: Number, nullable: true })
  medianSeconds!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Nearest-rank 90th percentile' })
  p90Seconds!: number | null;

  @ApiProperty({ description: '(deployment, change) pairs measured' })
  samples!: number;

  @ApiProperty({ description: 'Successful deployments of the window with no change data (not counted)' })
  deploymentsWithoutChanges!: number;

  @TierProperty()
  tier!: string | null;
}

export class FailuresByReasonResponse {
  @ApiProperty({ description: 'Failed by their own status (Failure, Error)' })
  status!: number;

  @ApiProperty({ description: 'Else: carry the rollback mark' })
  rollback!: number;

  @ApiProperty({ description: "Else: an incident's relatedId names them" })
  linkedIncident!: number;

  @ApiProperty({ description: 'Else: an incident suspects them (counted only with DORA_SUSPECTED_CAUSES=on, else 0)' })
  suspectedIncident!: number;
}

export class IncidentsBySourceResponse {
  @ApiProperty()
  pagerduty!: number;

  @ApiProperty()
  alertmanager!: number;

  @ApiProperty()
  grafana!: number;

  @ApiProperty({ description: 'Incidents posted as tracker events by any other source' })
  tracker!: number;
}

export class DeploymentReworkRateResponse {
  @ApiProperty({
    description: 'Deployments of the window that fix an incident, redeploy or roll back an earlier deployment, or carry the rollback mark',
  })
  rework!: number;

  @ApiProperty({ description: 'Deployments (Success, Failure, Warning, Error) of the window' })
  total!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'rework / total, null without deployments; no tier: DORA publishes none yet' })
  rate!: number | null;
}

export class ChangeFailureRateResponse {
  @ApiProperty()
  failed!: number;

  @ApiProperty()
  total!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'failed / total, null when there are no deployments' })
  rate!: number | null;

  @TierProperty()
  tier!: string | null;

  @ApiProperty({
    type: FailuresByReasonResponse,
    description:
      'Failed deployments by their first reason in the order status, rollback, linkedIncident, suspectedIncident: each counted once, so the counts add up to failed',
  })
  byReason!: FailuresByReasonResponse;
}

export class RecoveryTimeResponse {
  @ApiProperty({ type: Number, nullable: true })
  medianSeconds!: number | null;

  @ApiProperty({ description: 'Resolved incidents opened in the window' })
  samples!: number;

  @ApiProperty({ description: 'Incidents opened in the window and not resolved (not counted)' })
  unresolved!: number;

  @TierProperty()
  tier!: string | null;

  @ApiProperty({ type: IncidentsBySourceResponse, description: 'Incidents opened in the window (samples + unresolved) by source' })
  bySource!: IncidentsBySourceResponse;
}

export class DoraBucketResponse {
  @ApiProperty({ type: String, format: 'date-time', description: 'UTC day, ISO week (Monday) or month start' })
  start!: string;

  @ApiProperty()
  deployments!: number;

  @ApiProperty()
  failed!: number;

  @ApiProperty({ type: Number, nullable: true })
  leadTimeMedianSeconds!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  recoveryMedianSeconds!: number | null;
}

export class DoraKeysResponse {
  @ApiProperty({ type: DeploymentFrequencyResponse })
  deploymentFrequency!: DeploymentFrequencyResponse;

  @ApiProperty({ type: LeadTimeResponse })
  leadTimeForChanges!: LeadTimeResponse;

  @ApiProperty({ type: ChangeFailureRateResponse })
  changeFailureRate!: ChangeFailureRateResponse;

  @ApiProperty({ type: RecoveryTimeResponse })
  recoveryTime!: RecoveryTimeResponse;

  @ApiProperty({ type: DeploymentReworkRateResponse })
  deploymentReworkRate!: DeploymentReworkRateResponse;
}

export class DoraResponse extends DoraKeysResponse {
  @ApiProperty({ type: DoraWindowResponse })
  window!: DoraWindowResponse;

  @ApiProperty({ example: 7 })
  environment!: number;

  @ApiProperty({ type: String, nullable: true })
  service!: string | null;

  @ApiProperty({ type: [DoraBucketResponse] })
  buckets!: DoraBucketResponse[];
}

export class ServiceDoraResponse extends DoraKeysResponse {
  @ApiProperty({ example: 'user-service' })
  service!: string;
}

export class DoraByServiceResponse {
  @ApiProperty({ type: DoraWindowResponse })
  window!: DoraWindowResponse;

  @ApiProperty({ example: 7 })
  environment!: number;

  @ApiProperty({ type: [ServiceDoraResponse], description: 'Sorted by service name' })
  services!: ServiceDoraResponse[];
}
