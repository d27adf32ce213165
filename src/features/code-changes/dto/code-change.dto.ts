import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from '../../tracker-events';
import { IsIdentifier } from '../../../platform/validation/identifier';
import {
  EmptyAsAbsent,
  IsInstant,
  NotBefore,
  OptionalInstant,
  OptionalIntRange,
  OptionalText,
} from '../../../platform/validation/field-validators';

/*
 * POST /changes and ChangeService/CreateChange share one class (proto-loader hands handlers camelCase). The
 * list is a query string on REST (per_page, as the events list) and a message on gRPC (perPage).
 */

const RequiredText = (max: number) => applyDecorators(IsDefined(), IsString(), IsNotEmpty(), MaxLength(max));
const SHA = /^[0-9a-fA-F]{7,64}$/;

export class CreateCodeChangeDto {
  @ApiProperty({ example: 'user-service', description: 'The service whose main line the change reached' })
  @RequiredText(300)
  @IsIdentifier()
  service!: string;

  @ApiPropertyOptional({
    example: '9fceb02d0ae598e95dc970b74767f19372d61af8',
    description: 'Commit sha (7 to 64 hex digits, stored lower-case); with the service, what identifies the change',
  })
  @EmptyAsAbsent()
  @IsOptional()
  @IsString()
  @Matches(SHA, { message: 'must be a commit sha: 7 to 64 hexadecimal digits' })
  sha?: string;

  @ApiPropertyOptional({
    example: 'https://github.com/org/user-service/pull/42',
    description: 'Pull request that merged it; identifies the change when it has no sha',
  })
  @OptionalText(2000)
  pullRequestLink?: string;

  @ApiPropertyOptional({ example: 'Add the export button' })
  @OptionalText(1000)
  title?: string;

  @ApiPropertyOptional({
    example: '2024-03-01T10:00:00Z',
    description: 'When it was merged (ISO 8601). mergedAt or committedAt is required; lead time measures from mergedAt when both are given',
  })
  @EmptyAsAbsent()
  @ValidateIf((o: CreateCodeChangeDto) => o.committedAt === undefined || o.committedAt === null || o.mergedAt !== undefined)
  @IsDefined({ message: 'is required when committedAt is not given' })
  @IsInstant()
  mergedAt?: string;

  @ApiPropertyOptional({ example: '2024-03-01T09:30:00Z', description: 'When it was committed (ISO 8601), for changes without a merge' })
  @OptionalInstant()
  committedAt?: string;
}

export class ListCodeChangesQueryDto {
  @ApiPropertyOptional({ description: 'Exact service name' })
  @OptionalText(300)
  @IsIdentifier()
  service?: string;

  @ApiPropertyOptional({ description: 'Inclusive lower bound on changedAt (ISO 8601)', example: '2024-03-01' })
  @OptionalInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Inclusive upper bound on changedAt; a bare date covers that whole UTC day', example: '2024-03-31' })
  @OptionalInstant()
  @NotBefore('from')
  to?: string;

  @ApiPropertyOptional({ default: DEFAULT_PER_PAGE, maximum: MAX_PER_PAGE, minimum: 1 })
  @OptionalIntRange(1, MAX_PER_PAGE)
  per_page?: number;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @OptionalIntRange(1, 1_000_000)
  page?: number;
}

export class ListCodeChangesRequestDto {
  @OptionalText(300)
  @IsIdentifier()
  service?: string;

  @OptionalInstant()
  from?: string;

  @OptionalInstant()
  @NotBefore('from')
  to?: string;

  @OptionalIntRange(1, MAX_PER_PAGE)
  perPage?: number;

  @OptionalIntRange(1, 1_000_000)
  page?: number;
}
