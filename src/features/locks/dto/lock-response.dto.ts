import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ProblemDto } from '../../../platform/openapi/problem.dto';
import { EVENT_ENVIRONMENTS } from '../../../contract/enums';

/** A lock exactly as locks.mapper.ts returns it (REST keeps the nulls). */
export class LockView {
  @ApiProperty({ format: 'uuid', example: '3b241101-e2bb-4255-8caf-4136c566a962' })
  id!: string;

  @ApiProperty({ example: 'user-service' })
  service!: string;

  @ApiProperty({ enum: EVENT_ENVIRONMENTS, type: 'integer' })
  environment!: number;

  @ApiProperty({ example: 'deploy' })
  resource!: string;

  @ApiProperty({ example: 'github_actions' })
  owner!: string;

  @ApiProperty({ type: 'string', nullable: true, example: 'Deploying v2.1.0' })
  reason!: string | null;

  @ApiProperty({ type: 'string', nullable: true, pattern: '^[0-9a-f]{24}$', description: 'The tracker event the lock belongs to' })
  eventId!: string | null;

  @ApiProperty({ format: 'date-time' })
  acquiredAt!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

export class LockListView {
  @ApiProperty({ type: [LockView] })
  locks!: LockView[];

  @ApiProperty({ type: 'integer', minimum: 0, description: 'All active locks matching the filter, on every page' })
  totalCount!: number;

  @ApiProperty({ type: 'integer', minimum: 1 })
  page!: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100 })
  perPage!: number;
}

export class ReleasedLockView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
}

export class LockHolderView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  owner!: string;

  @ApiProperty({ type: 'string', nullable: true })
  reason!: string | null;

  @ApiProperty({ format: 'date-time' })
  acquiredAt!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

/** 409 urn:tracker:problems:locked: the problem with the current holder. */
export class LockedProblemDto extends ProblemDto {
  @ApiProperty({ type: LockHolderView })
  holder!: LockHolderView;
}

/** 202: the caller joined the key's line (or, already in it, renewed its ticket). */
export class QueuedLockView {
  @ApiProperty({ enum: [true], type: 'boolean' })
  queued!: true;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Place in the line: 1 is next' })
  position!: number;

  @ApiProperty({ format: 'uuid', description: "The ticket; on its turn it is the lock's id (GET /locks/{ticketId} answers 200)" })
  ticketId!: string;

  @ApiProperty({ format: 'date-time', description: "The ticket's lease: ask again (same owner, wait: true) before it to keep the place" })
  expiresAt!: string;
}

export class LockWaiterView {
  @ApiProperty({ format: 'uuid' })
  ticketId!: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  position!: number;

  @ApiProperty({ example: 'github_actions' })
  owner!: string;

  @ApiProperty({ type: 'string', nullable: true })
  reason!: string | null;

  @ApiProperty({ format: 'date-time' })
  queuedAt!: string;

  @ApiProperty({ format: 'date-time', description: "The ticket's lease" })
  expiresAt!: string;
}

/** One key's line: its holder (absent when free) and its live waiters, next first. */
export class LockQueueView {
  @ApiProperty({ example: 'user-service' })
  service!: string;

  @ApiProperty({ enum: EVENT_ENVIRONMENTS, type: 'integer' })
  environment!: number;

  @ApiProperty({ example: 'deployment' })
  resource!: string;

  @ApiPropertyOptional({ type: LockView, description: 'Absent when nobody holds it' })
  holder?: LockView;

  @ApiProperty({ type: [LockWaiterView] })
  waiters!: LockWaiterView[];
}

export class LeftLockQueueView {
  @ApiProperty({ format: 'uuid' })
  ticketId!: string;
}
