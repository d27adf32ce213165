import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { ROLES } from '../../../auth/roles';
import { BoundedInput } from '../../../platform/validation/input-bounds';
import { IsAstraIdentifier, IsAstraTime, SystemAssigned } from './validators';

export const SEVERITIES = ['cleared', 'indeterminate', 'informational', 'warning', 'critical'] as const;
export const CLASSES = ['system', 'user', 'security'] as const;
export const DESTINATIONS = ['notification', 'banner', 'support'] as const;
export const RESOURCE_METHODS = ['options', 'post', 'get', 'put', 'delete'] as const;

/**
 * Array caps. `visibility` lists RBAC roles, unique, so at most the four there are; `destinations` at most its
 * three values. The spec lets additionalResourceIDs and resourceCollectionURL hold "any number": Tracker
 * accepts up to 100 of each (docs/security.md, input bounds).
 */
export const MAX_VISIBILITY = ROLES.length;
export const MAX_RESOURCE_LIST = 100;

export class EventDataDto {
  @ApiPropertyOptional({ description: 'Seconds after eventTime the event is kept; absent or 0 = kept forever', example: 3600 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  ttl?: number;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Whether the banner is dismissible (a string)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  isAcknowledgeable?: 'true' | 'false';
}

/**
 * What a producer sends to create an event: the descriptive fields of event_1.4 with their published
 * constraints (astra-openapi-excerpt.json). The system assigns id, type, version, sequenceCount, accountID
 * and metadata; eventTime defaults to now, correlationID to a new UUIDv4, additionalResourceIDs to [].
 */
@BoundedInput({
  visibility: { maxItems: MAX_VISIBILITY },
  destinations: { maxItems: DESTINATIONS.length },
  additionalResourceIDs: { maxItems: MAX_RESOURCE_LIST },
  resourceCollectionURL: { maxItems: MAX_RESOURCE_LIST },
})
export class CreateActivityEventDto {
  @ApiProperty({ example: 'astra.app.discovery.failed', pattern: '^([a-z]+\\.)+[a-z]+$', minLength: 3, maxLength: 127 })
  @IsString()
  @Length(3, 127)
  @Matches(/^([a-z]+\.)+[a-z]+$/, { message: 'must be dot-separated lowercase words, e.g. astra.app.discovery.failed' })
  name: string;

  @ApiProperty({ example: 'Application Discovery Failed', minLength: 3, maxLength: 79 })
  @IsString()
  @Length(3, 79)
  summary: string;

  @ApiPropertyOptional({ example: '2020-08-06T12:24:51.846Z', description: 'Defaults to now; kept to the millisecond' })
  @IsOptional()
  @IsAstraTime()
  eventTime?: string;

  @ApiProperty({ example: 'composite-compute', pattern: '^([a-z-])*$', minLength: 1, maxLength: 19 })
  @IsString()
  @Length(1, 19)
  @Matches(/^([a-z-])*$/, { message: 'must be lowercase letters and dashes' })
  source: string;

  @ApiProperty({ example: 'f670bf11-8850-44bd-b330-815af6186a06' })
  @IsAstraIdentifier()
  resourceID: string;

  @ApiPropertyOptional({ type: [String], description: 'Defaults to []', maxItems: MAX_RESOURCE_LIST })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_RESOURCE_LIST)
  @ArrayUnique()
  @IsAstraIdentifier(true)
  additionalResourceIDs?: string[];

  @ApiProperty({ example: 'application/astra-app', pattern: '^application\\/astra-([a-zA-Z])+$' })
  @IsString()
  @Length(4, 79)
  @Matches(/^application\/astra-([a-zA-Z])+$/, { message: 'must look like application/astra-app' })
  resourceType: string;

  @ApiPropertyOptional({ description: 'Defaults to a new UUIDv4; a cleared event repeats the one it clears' })
  @IsOptional()
  @IsAstraIdentifier()
  correlationID?: string;

  @ApiProperty({ enum: SEVERITIES })
  @IsIn([...SEVERITIES])
  severity: (typeof SEVERITIES)[number];

  @ApiProperty({ enum: CLASSES })
  @IsIn([...CLASSES])
  class: (typeof CLASSES)[number];

  @ApiProperty({ minLength: 3, maxLength: 1023 })
  @IsString()
  @Length(3, 1023)
  description: string;

  @ApiPropertyOptional({ minLength: 3, maxLength: 4095 })
  @IsOptional()
  @IsString()
  @Length(3, 4095)
  descriptionURL?: string;

  @ApiPropertyOptional({ minLength: 3, maxLength: 1023 })
  @IsOptional()
  @IsString()
  @Length(3, 1023)
  correctiveAction?: string;

  @ApiPropertyOptional({ minLength: 3, maxLength: 4095 })
  @IsOptional()
  @IsString()
  @Length(3, 4095)
  correctiveActionURL?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_VISIBILITY,
    description: 'Roles that may read it (and every higher role); absent or [] = every role',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_VISIBILITY)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 63, { each: true })
  visibility?: string[];

  @ApiPropertyOptional({ enum: DESTINATIONS, isArray: true, maxItems: DESTINATIONS.length })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(DESTINATIONS.length)
  @ArrayUnique()
  @IsIn([...DESTINATIONS], { each: true })
  destinations?: (typeof DESTINATIONS)[number][];

  @ApiPropertyOptional({ minLength: 3, maxLength: 4095 })
  @IsOptional()
  @IsString()
  @Length(3, 4095)
  resourceURI?: string;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_RESOURCE_LIST })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_RESOURCE_LIST)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 1023, { each: true })
  resourceCollectionURL?: string[];

  @ApiPropertyOptional({ enum: RESOURCE_METHODS })
  @IsOptional()
  @IsIn([...RESOURCE_METHODS])
  resourceMethod?: (typeof RESOURCE_METHODS)[number];

  @ApiPropertyOptional({ example: '201', pattern: '^[1-5][0-9]{2}$' })
  @IsOptional()
  @IsString()
  @Matches(/^[1-5][0-9]{2}$/, { message: 'must be an HTTP status like "201"' })
  resourceMethodResult?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsAstraIdentifier()
  userID?: string;

  @ApiPropertyOptional({ type: EventDataDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EventDataDto)
  data?: EventDataDto;

  @SystemAssigned() id?: never;
  @SystemAssigned() type?: never;
  @SystemAssigned() version?: never;
  @SystemAssigned() sequenceCount?: never;
  @SystemAssigned() accountID?: never;
  @SystemAssigned() metadata?: never;
}
