import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsMongoId,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsIdentifier } from '../../../platform/validation/identifier';
import { EmptyAsAbsent, OptionalIntRange, OptionalText, QueryIntIn } from '../../../platform/validation/field-validators';
import type { LockPaging } from '../lock-leases';
import { DEFAULT_RESOURCE, DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS, MIN_TTL_SECONDS } from '../domain/lock-rules';
import { DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS, MIN_WAIT_SECONDS } from '../domain/lock-queue';
import { describeValues, EVENT_ENVIRONMENT_LABELS, EVENT_ENVIRONMENTS } from '../../../contract/enums';
import { MAX_PER_PAGE } from '../../tracker-events';

/*
 * REST bodies and gRPC requests use the same field names (proto-loader hands handlers camelCase), so each shape
 * is one class for both transports, except where REST splits a request between path, query and body.
 */

const RequiredText = (max: number) => applyDecorators(IsDefined(), IsString(), IsNotEmpty(), MaxLength(max));
const OptionalTtl = () =>
  applyDecorators(
    IsOptional(),
    IsInt({ message: `ttlSeconds must be an integer from ${MIN_TTL_SECONDS} to ${MAX_TTL_SECONDS}` }),
    Min(MIN_TTL_SECONDS),
    Max(MAX_TTL_SECONDS),
  );
const LockId = () => applyDecorators(IsDefined(), IsUUID('all', { message: 'must be a lock id (a UUID)' }));
/** "true" / "false" in a query string; booleans as they are (gRPC). */
const QueryBoolean = () => Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

export class AcquireLockDto {
  @ApiProperty({ example: 'user-service', minLength: 1, maxLength: 300 })
  @RequiredText(300)
  @IsIdentifier()
  service!: string;

  @ApiProperty({ type: 'integer', enum: EVENT_ENVIRONMENTS, description: describeValues(EVENT_ENVIRONMENT_LABELS) })
  @IsDefined()
  @IsInt()
  @IsIn([...EVENT_ENVIRONMENTS])
  environment!: number;

  @ApiPropertyOptional({
    default: DEFAULT_RESOURCE,
    example: 'migration',
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
    description: 'What is locked; separate resources of one service lock separately',
  })
  @EmptyAsAbsent()
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: "must be 1-64 letters, digits, '.', '_' or '-' (starting with a letter or digit)",
  })
  resource?: string;

  @ApiPropertyOptional({
    example: 'github_actions',
    minLength: 1,
    maxLength: 200,
    description:
      'Who holds the lock; the same owner acquiring again renews it. Required with TRACKER_AUTH=off; with it required, ' +
      "default the caller's token `sub`, and naming anyone else (acting on their behalf) needs the tracker role admin",
  })
  @OptionalText(200)
  @IsIdentifier()
  owner?: string;

  @ApiPropertyOptional({ example: 'Deploying v2.1.0', maxLength: 1000 })
  @OptionalText(1000)
  reason?: string;

  @ApiPropertyOptional({
    type: 'integer',
    default: DEFAULT_TTL_SECONDS,
    minimum: MIN_TTL_SECONDS,
    maximum: MAX_TTL_SECONDS,
    description: 'Lease: the lock expires unless renewed',
  })
  @OptionalTtl()
  ttlSeconds?: number;

  @ApiPropertyOptional({
    example: '507f1f77bcf86cd799439011',
    pattern: '^[0-9a-fA-F]{24}$',
    description: 'Tracker event the lock belongs to: its changelog records locked / unlocked',
  })
  @EmptyAsAbsent()
  @IsOptional()
  @IsMongoId({ message: 'must be a 24-character hexadecimal event id' })
  eventId?: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'Held by another owner: join the line (202 `{queued, position, ticketId}`) instead of 409. Asking again with the ' +
      "same owner keeps the place and renews the ticket's lease; the ticket's id becomes the lock's id on its turn",
  })
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  wait?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    default: DEFAULT_WAIT_SECONDS,
    minimum: MIN_WAIT_SECONDS,
    maximum: MAX_WAIT_SECONDS,
    description: "With wait: the ticket's own lease; a ticket not renewed (asked again) within it leaves the line",
  })
  @IsOptional()
  @IsInt()
  @Min(MIN_WAIT_SECONDS)
  @Max(MAX_WAIT_SECONDS)
  waitSeconds?: number;
}

/** The key whose line is read: GET /locks/queue (REST query) and ListLockQueue (gRPC). */
export class LockQueueQueryDto {
  @ApiProperty({ example: 'user-service', minLength: 1, maxLength: 300 })
  @RequiredText(300)
  @IsIdentifier()
  service!: string;

  @ApiProperty({ type: 'integer', enum: EVENT_ENVIRONMENTS, description: describeValues(EVENT_ENVIRONMENT_LABELS) })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,9}$/.test(value) ? Number(value) : value))
  @IsDefined()
  @IsInt()
  @IsIn([...EVENT_ENVIRONMENTS])
  environment!: number;

  @ApiPropertyOptional({ default: DEFAULT_RESOURCE, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' })
  @EmptyAsAbsent()
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: "must be 1-64 letters, digits, '.', '_' or '-' (starting with a letter or digit)",
  })
  resource?: string;
}

/** A ticket id in the path (REST); leaving the line. */
export class TicketIdDto {
  @ApiProperty({ example: '3b241101-e2bb-4255-8caf-4136c566a962', format: 'uuid' })
  @LockId()
  ticketId!: string;
}

export class LeaveLockQueueQueryDto {
  @ApiPropertyOptional({
    description:
      "The waiter. With TRACKER_AUTH=off required unless force=true; with it required, default the caller's `sub` (another: admin only)",
    maxLength: 200,
  })
  @OptionalText(200)
  @IsIdentifier()
  owner?: string;

  @ApiPropertyOptional({ description: "Remove anyone's ticket (with TRACKER_AUTH=required, admin only)", default: false })
  @QueryBoolean()
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  force?: boolean;
}

export class LeaveLockQueueRequestDto extends LeaveLockQueueQueryDto {
  @LockId()
  ticketId!: string;
}

/** A lock id in the path (REST) or request (gRPC). */
export class LockIdDto {
  @ApiProperty({ example: '3b241101-e2bb-4255-8caf-4136c566a962', format: 'uuid' })
  @LockId()
  id!: string;
}

export class RenewLockBodyDto {
  @ApiPropertyOptional({
    example: 'github_actions',
    minLength: 1,
    maxLength: 200,
    description: "The holder. Required with TRACKER_AUTH=off; with it required, default the caller's `sub` (another: admin only)",
  })
  @OptionalText(200)
  @IsIdentifier()
  owner?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: MIN_TTL_SECONDS,
    maximum: MAX_TTL_SECONDS,
    description: "New lease from now; default the lock's own ttl",
  })
  @OptionalTtl()
  ttlSeconds?: number;
}

export class RenewLockRequestDto extends RenewLockBodyDto {
  @LockId()
  id!: string;
}

export class ReleaseLockQueryDto {
  @ApiPropertyOptional({
    description:
      "The holder. With TRACKER_AUTH=off required unless force=true; with it required, default the caller's `sub` (another: admin only)",
    maxLength: 200,
  })
  @OptionalText(200)
  @IsIdentifier()
  owner?: string;

  @ApiPropertyOptional({
    description: "Release whoever holds it (recorded with the caller's identity; with TRACKER_AUTH=required, admin only)",
    default: false,
  })
  @QueryBoolean()
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  force?: boolean;
}

export class ReleaseLockRequestDto extends ReleaseLockQueryDto {
  @LockId()
  id!: string;
}

/** What a lock list is filtered by, on both transports. */
class LockFilterDto {
  @ApiPropertyOptional({ example: 'user-service', maxLength: 300 })
  @OptionalText(300)
  @IsIdentifier()
  service?: string;

  @ApiPropertyOptional({ type: 'integer', enum: EVENT_ENVIRONMENTS })
  @QueryIntIn(EVENT_ENVIRONMENTS)
  environment?: number;

  @ApiPropertyOptional({ example: 'github_actions', maxLength: 200 })
  @OptionalText(200)
  @IsIdentifier()
  owner?: string;
}

/** A lock list page is 100 locks unless asked (the most a page holds), so a list of up to 100 reads as before paging. */
export const DEFAULT_LOCKS_PER_PAGE = MAX_PER_PAGE;

/** REST: `per_page` and `page`, spelled as the events list spells them. */
export class ListLocksQueryDto extends LockFilterDto {
  @ApiPropertyOptional({ type: 'integer', default: DEFAULT_LOCKS_PER_PAGE, minimum: 1, maximum: MAX_PER_PAGE })
  @OptionalIntRange(1, MAX_PER_PAGE)
  per_page?: number;

  @ApiPropertyOptional({ type: 'integer', default: 1, minimum: 1, maximum: 1_000_000 })
  @OptionalIntRange(1, 1_000_000)
  page?: number;
}

/** gRPC ListLocksRequest (camelCase, as proto-loader hands it). */
export class ListLocksRequestDto extends LockFilterDto {
  @OptionalIntRange(1, MAX_PER_PAGE)
  perPage?: number;

  @OptionalIntRange(1, 1_000_000)
  page?: number;
}

export function pagingFromQuery(query: ListLocksQueryDto): LockPaging {
  return { page: query.page ?? 1, perPage: query.per_page ?? DEFAULT_LOCKS_PER_PAGE };
}

export function pagingFromRequest(request: ListLocksRequestDto): LockPaging {
  return { page: request.page ?? 1, perPage: request.perPage ?? DEFAULT_LOCKS_PER_PAGE };
}
