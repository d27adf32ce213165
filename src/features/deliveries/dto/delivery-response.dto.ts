import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NOTIFICATION_CHANNELS } from '../../tracker-events';

/** One event's deliveries exactly as deliveries.mapper.ts returns them (absent fields stay absent). */

export class DeliveryAttemptView {
  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty()
  ok!: boolean;

  @ApiPropertyOptional({ description: 'Why it failed', example: 'HTTP 500 from the webhook' })
  error?: string;

  @ApiPropertyOptional({ description: 'What the channel answered' })
  detail?: string;
}

export class DeliveryView {
  @ApiProperty({
    description: '<eventId>:<channel>:<kind>#<n>: stable, what the channel deduplicates by',
    example: '507f1f77bcf86cd799439011:slack:created#0',
  })
  dedupKey!: string;

  @ApiProperty({ enum: NOTIFICATION_CHANNELS })
  channel!: string;

  @ApiProperty({ description: '`created`, or the status change (`status: Start -> Success`)', example: 'created' })
  trigger!: string;

  @ApiProperty({
    enum: ['pending', 'delivered', 'skipped', 'dead'],
    description: 'skipped: the channel is not configured; dead: out of attempts',
  })
  state!: string;

  @ApiProperty({ type: [DeliveryAttemptView], description: 'Oldest first' })
  attempts!: DeliveryAttemptView[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Pending: when the next attempt is due' })
  nextAttemptAt?: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiPropertyOptional({ description: 'Why it was skipped' })
  reason?: string;
}

export class EventDeliveriesView {
  @ApiProperty({ pattern: '^[0-9a-f]{24}$', example: '507f1f77bcf86cd799439011' })
  id!: string;

  @ApiProperty({ type: [DeliveryView], description: 'Oldest trigger first' })
  notifications!: DeliveryView[];
}
