import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsMongoId,
  IsNotEmpty,
  IsObject,
  IsOptional,
  ValidateIf,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { NOTIFICATION_CHANNELS } from '../domain/event-enums';
import { IsIdentifier } from '../../../platform/validation/identifier';
import { BoundedInput, FieldBounds } from '../../../platform/validation/input-bounds';
import { EmptyAsAbsent, NotBefore, OptionalInstant, OptionalIntIn, OptionalText } from '../../../platform/validation/field-validators';
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

/** The most stake holders an event names (each at most 200 characters). */
export const MAX_STAKE_HOLDERS = 100;

/**
 * Array caps checked before validation walks the arrays (docs/security.md, input bounds); the same caps as the
 * validators below, which still judge each entry.
 */
const EVENT_BODY_BOUNDS: Record<string, FieldBounds> = {
  'attributes.stakeHolders': { maxItems: MAX_STAKE_HOLDERS },
  'attributes.notifications': { maxItems: NOTIFICATION_CHANNELS.length },
};

/** Attribute fields create and update share; `type`, `service` and `relatedId` are declared by each subclass. */
abstract class EventAttributesFields {
  @ApiPropertyOptional({ example: 'Deployed via GitHub Actions', maxLength: 10_000 })
  @OptionalText(10_000)
  message?: string;

  @ApiPropertyOptional({ example: 'github_actions', maxLength: 200 })
  @OptionalText(200)
  @IsIdentifier()
  source?: string;

  @ApiPropertyOptional({ type: 'integer', enum: EVENT_PRIORITIES, description: describeValues(EVENT_PRIORITY_LABELS) })
  @OptionalIntIn(EVENT_PRIORITIES)
  priority?: number;

  @ApiPropertyOptional({
    type: 'integer',
    enum: EVENT_STATUSES,
    description: describeValues(EVENT_STATUS_LABELS),
  })
  @OptionalIntIn(EVENT_STATUSES)
  status?: number;

  @ApiPropertyOptional({ type: 'integer', enum: EVENT_ENVIRONMENTS, description: describeValues(EVENT_ENVIRONMENT_LABELS) })
  @OptionalIntIn(EVENT_ENVIRONMENTS)
  environment?: number;

  @ApiPropertyOptional({ type: 'integer', enum: EVENT_IMPACTS, description: describeValues(EVENT_IMPACT_LABELS) })
  @OptionalIntIn(EVENT_IMPACTS)
  impact?: number;

  @ApiPropertyOptional({ example: '2024-01-15T10:00:00Z', description: 'ISO 8601 date or date-time (no offset: UTC)' })
  @OptionalInstant()
  startDate?: string;

  @ApiPropertyOptional({ example: '2024-01-15T10:05:00Z', description: 'ISO 8601 date or date-time; not before startDate' })
  @OptionalInstant()
  @NotBefore('startDate')
  endDate?: string;

  @ApiPropertyOptional({ example: 'platform-team', maxLength: 200 })
  @OptionalText(200)
  @IsIdentifier()
  owner?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: 200 },
    example: ['backend-team', 'ops-team'],
    maxItems: MAX_STAKE_HOLDERS,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_STAKE_HOLDERS)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  @IsIdentifier({ each: true })
  stakeHolders?: string[];

  @ApiPropertyOptional({ description: 'Deliver this event to the channels in `notifications`' })
  @IsOptional()
  @IsBoolean()
  notification?: boolean;

  @ApiPropertyOptional({ enum: NOTIFICATION_CHANNELS, isArray: true, maxItems: NOTIFICATION_CHANNELS.length })
  @IsOptional()
  @ArrayMaxSize(NOTIFICATION_CHANNELS.length)
  @IsIn([...NOTIFICATION_CHANNELS], { each: true })
  notifications?: string[];
}

export class CreateEventAttributesDto extends EventAttributesFields {
  @ApiPropertyOptional({ description: 'Id of a related event (a rollback names the deployment it undoes)', maxLength: 200 })
  @OptionalText(200)
  @IsIdentifier()
  relatedId?: string;

  @ApiProperty({ type: 'integer', enum: EVENT_TYPES, description: describeValues(EVENT_TYPE_LABELS) })
  @IsDefined()
  @IsInt()
  @IsIn([...EVENT_TYPES])
  type!: number;

  @ApiProperty({ example: 'user-service', minLength: 1, maxLength: 300 })
  @IsDefined()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  @IsIdentifier()
  service!: string;
}

export class UpdateEventAttributesDto extends EventAttributesFields {
  @ApiPropertyOptional({
    description:
      'Id of a related event (a rollback names the deployment it undoes; an incident, the deployment that caused it). The empty string removes the link; absent or null leaves it as is',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @ValidateIf((o: { relatedId?: string }) => o.relatedId !== '')
  @IsIdentifier()
  relatedId?: string;

  @ApiPropertyOptional({ type: 'integer', enum: EVENT_TYPES })
  @OptionalIntIn(EVENT_TYPES)
  type?: number;

  @ApiPropertyOptional({ maxLength: 300 })
  @OptionalText(300)
  @IsIdentifier()
  service?: string;
}

export class EventLinksDto {
  @ApiPropertyOptional({ example: 'https://github.com/org/repo/pull/123', maxLength: 2000 })
  @OptionalText(2000)
  pullRequestLink?: string;

  @ApiPropertyOptional({ example: 'PROJ-456', maxLength: 200 })
  @OptionalText(200)
  @IsIdentifier()
  ticket?: string;
}

@BoundedInput(EVENT_BODY_BOUNDS)
export class CreateEventDto {
  @ApiProperty({ example: 'Deploy user-service v2.1.0 to production', minLength: 1, maxLength: 500 })
  @IsDefined()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title!: string;

  @ApiProperty({ type: CreateEventAttributesDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateEventAttributesDto)
  attributes!: CreateEventAttributesDto;

  @ApiPropertyOptional({ type: EventLinksDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EventLinksDto)
  links?: EventLinksDto;
}

/** PUT /event: the id travels in the body; every other field is optional and merged into the stored event. */
@BoundedInput(EVENT_BODY_BOUNDS)
export class UpdateEventDto {
  @ApiProperty({ example: '507f1f77bcf86cd799439011', pattern: '^[0-9a-fA-F]{24}$' })
  @IsDefined()
  @IsMongoId({ message: 'must be a 24-character hexadecimal event id' })
  id!: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @EmptyAsAbsent()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title?: string;

  @ApiPropertyOptional({ type: UpdateEventAttributesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateEventAttributesDto)
  attributes?: UpdateEventAttributesDto;

  @ApiPropertyOptional({ type: EventLinksDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EventLinksDto)
  links?: EventLinksDto;
}

/** A path parameter (REST) or request field (gRPC) naming one event. */
export class EventIdDto {
  @ApiProperty({ example: '507f1f77bcf86cd799439011', pattern: '^[0-9a-fA-F]{24}$' })
  @IsDefined()
  @IsMongoId({ message: 'must be a 24-character hexadecimal event id' })
  id!: string;
}
