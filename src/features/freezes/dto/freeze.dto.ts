import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { isUtf8 } from 'node:buffer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateBy,
  type ValidationArguments,
} from 'class-validator';
import { describeValues, EVENT_ENVIRONMENT_LABELS, EVENT_ENVIRONMENTS } from '../../../contract/enums';
import { IsIdentifier } from '../../../platform/validation/identifier';
import {
  IsInstant,
  NotBefore,
  OptionalInstant,
  OptionalIntRange,
  OptionalText,
  QueryIntIn,
} from '../../../platform/validation/field-validators';
import { MAX_PER_PAGE } from '../../tracker-events';

/*
 * REST bodies and gRPC requests share the field names (proto-loader hands handlers camelCase), so each shape is
 * one class for both transports. Whether `start` is an instant or a local date-time depends on `rrule`: the
 * service checks the combination and names the field.
 */

export class CreateFreezeDto {
  @ApiProperty({ example: 'Weekend freeze', minLength: 1, maxLength: 200 })
  @IsDefined()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'No production changes over the weekend', maxLength: 1000 })
  @OptionalText(1000)
  reason?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 100, example: ['user-service'], description: 'Empty or absent: every service' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  @IsIdentifier({ each: true })
  services?: string[];

  @ApiPropertyOptional({
    type: [Number],
    maxItems: 8,
    items: { type: 'integer', enum: [...EVENT_ENVIRONMENTS] },
    description: `Empty or absent: every environment. ${describeValues(EVENT_ENVIRONMENT_LABELS)}`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @IsInt({ each: true })
  @IsIn([...EVENT_ENVIRONMENTS], { each: true })
  environments?: number[];

  @ApiProperty({
    example: '2027-01-01T16:00:00',
    maxLength: 40,
    description:
      'One window: an instant with an offset (2027-12-24T18:00:00+01:00). Recurring (with rrule): the first occurrence as a local ' +
      'date-time without offset in `timezone` (the DTSTART)',
  })
  @IsDefined()
  @IsString()
  @MaxLength(40)
  start!: string;

  @ApiPropertyOptional({
    example: '2027-12-27T08:00:00+01:00',
    maxLength: 40,
    description: 'One window: its end, an instant with an offset',
  })
  @OptionalText(40)
  end?: string;

  @ApiPropertyOptional({ example: 'Europe/Paris', maxLength: 64, description: 'Recurring: an IANA time zone' })
  @OptionalText(64)
  timezone?: string;

  @ApiPropertyOptional({ example: 'FREQ=WEEKLY;BYDAY=FR', maxLength: 500, description: 'Recurring: the value of an RFC 5545 RRULE line' })
  @OptionalText(500)
  rrule?: string;

  @ApiPropertyOptional({
    example: 'P2DT16H',
    maxLength: 40,
    description: 'Recurring: each occurrence lasts this RFC 5545 duration (days nominal, hours exact)',
  })
  @OptionalText(40)
  duration?: string;
}

export class FreezeIdDto {
  @ApiProperty({ format: 'uuid', example: '3b241101-e2bb-4255-8caf-4136c566a962' })
  @IsDefined()
  @IsUUID('all', { message: 'must be a freeze id (a UUID)' })
  id!: string;
}

/** With `at`, `service` or `environment`: the freezes active at `at` (default now); without: every freeze, paged. */
export class ListFreezesQueryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Only the freezes active at this instant (default now when service or environment is given)',
  })
  @OptionalInstant()
  at?: string;

  @ApiPropertyOptional({ example: 'user-service', maxLength: 300 })
  @OptionalText(300)
  @IsIdentifier()
  service?: string;

  @ApiPropertyOptional({ type: 'integer', enum: EVENT_ENVIRONMENTS })
  @QueryIntIn(EVENT_ENVIRONMENTS)
  environment?: number;

  @ApiPropertyOptional({ type: 'integer', default: MAX_PER_PAGE, minimum: 1, maximum: MAX_PER_PAGE })
  @OptionalIntRange(1, MAX_PER_PAGE)
  per_page?: number;

  @ApiPropertyOptional({ type: 'integer', default: 1, minimum: 1, maximum: 1_000_000 })
  @OptionalIntRange(1, 1_000_000)
  page?: number;
}

/** gRPC ListFreezesRequest (camelCase). */
export class ListFreezesRequestDto {
  @OptionalInstant()
  at?: string;

  @OptionalText(300)
  @IsIdentifier()
  service?: string;

  @QueryIntIn(EVENT_ENVIRONMENTS)
  environment?: number;

  @OptionalIntRange(1, MAX_PER_PAGE)
  perPage?: number;

  @OptionalIntRange(1, 1_000_000)
  page?: number;
}

const commaList = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v.length > 0)
      : value,
  );

export class ImportFreezesQueryDto {
  @ApiPropertyOptional({
    type: 'string',
    example: 'user-service,billing',
    maxLength: 3000,
    description: 'Comma list scoping every imported window; none: every service',
  })
  @commaList()
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  @IsIdentifier({ each: true })
  services?: string[];

  @ApiPropertyOptional({ type: 'string', example: '7', maxLength: 30, description: 'Comma list of environments; none: every environment' })
  @commaList()
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((v: unknown) => (/^\d+$/.test(String(v)) ? Number(v) : v)) : value,
  )
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @IsInt({ each: true })
  @IsIn([...EVENT_ENVIRONMENTS], { each: true })
  environments?: number[];

  @ApiPropertyOptional({ example: 'Europe/Paris', maxLength: 64, default: 'UTC', description: 'Where all-day and floating times are read' })
  @OptionalText(64)
  timezone?: string;
}

/**
 * gRPC ImportFreezesRequest: the calendar as UTF-8 bytes (bounded by the 1 MB message size, not by the string caps
 * of the input bounds) and the same scope.
 */
export class ImportFreezesRequestDto extends ImportFreezesQueryDto {
  @IsDefined()
  @IsUtf8Bytes()
  calendar!: Buffer;
}

/** A Buffer holding well-formed UTF-8 text. */
function IsUtf8Bytes(): PropertyDecorator {
  return ValidateBy({
    name: 'isUtf8Bytes',
    validator: {
      validate: (value: unknown) => Buffer.isBuffer(value) && isUtf8(value),
      defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} must be UTF-8 text (bytes)`,
    },
  });
}

export class DeployabilityQueryDto {
  @ApiProperty({ example: 'user-service', maxLength: 300 })
  @IsDefined()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  @IsIdentifier()
  service!: string;

  @ApiProperty({ type: 'integer', enum: EVENT_ENVIRONMENTS })
  @QueryIntIn(EVENT_ENVIRONMENTS)
  @IsDefined()
  environment!: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'The instant asked about (default now)' })
  @OptionalInstant()
  at?: string;

  @ApiPropertyOptional({
    example: 'github_actions',
    maxLength: 200,
    description: 'The deployer: its own locks are no reason (none: any lock is)',
  })
  @OptionalText(200)
  @IsIdentifier()
  owner?: string;
}

/** The occurrences of the freezes in scope that overlap [from, to): what a calendar shows (at most 62 days). */
export class FreezeOccurrencesQueryDto {
  @ApiProperty({ format: 'date-time', example: '2027-05-01T00:00:00Z', description: 'Start of the range (inclusive)' })
  @IsDefined()
  @IsInstant()
  from!: string;

  @ApiProperty({
    format: 'date-time',
    example: '2027-06-01T00:00:00Z',
    description: 'End of the range (exclusive); at most 62 days after from',
  })
  @IsDefined()
  @IsInstant()
  @NotBefore('from')
  to!: string;

  @ApiPropertyOptional({ example: 'user-service', maxLength: 300 })
  @OptionalText(300)
  @IsIdentifier()
  service?: string;

  @ApiPropertyOptional({ type: 'integer', enum: EVENT_ENVIRONMENTS })
  @QueryIntIn(EVENT_ENVIRONMENTS)
  environment?: number;
}
