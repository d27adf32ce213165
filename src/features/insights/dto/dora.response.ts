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

export class ChangeFailureRateResponse {
  @ApiProperty()
  failed!: number;

  @ApiProperty()
  total!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'failed / total, null when there are no deployments' })
  rate!: number | null;

  @TierProperty()
  tier!: string | null;
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
