import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsMongoId, IsOptional } from 'class-validator';
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from '../../tracker-events';
import { IsIdentifier } from '../../../platform/validation/identifier';
import {
  EmptyAsAbsent,
  NotBefore,
  OptionalInstant,
  OptionalIntIn,
  OptionalIntRange,
  OptionalText,
  QueryIntIn,
} from '../../../platform/validation/field-validators';
import { EVENT_ENVIRONMENTS } from '../../../contract/enums';

/*
 * GET /incidents takes a query string (per_page, as the events list); IncidentService/ListIncidents a message
 * (perPage). Both classes are built from the same validators, so an error names the field as the caller spelled it.
 */

export const INCIDENT_STATUSES = ['open', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

const OptionalStatus = () =>
  applyDecorators(
    EmptyAsAbsent(),
    IsOptional(),
    IsIn([...INCIDENT_STATUSES], { message: `must be one of: ${INCIDENT_STATUSES.join(', ')}` }),
  );

export class ListIncidentsQueryDto {
  @ApiPropertyOptional({ type: 'integer', enum: EVENT_ENVIRONMENTS, description: 'Only incidents of this environment' })
  @QueryIntIn(EVENT_ENVIRONMENTS)
  environment?: number;

  @ApiPropertyOptional({ description: 'Only incidents of this service (exact name)', maxLength: 300 })
  @OptionalText(300)
  @IsIdentifier()
  service?: string;

  @ApiPropertyOptional({ description: 'Inclusive lower bound on startedAt (ISO 8601)', example: '2024-03-01' })
  @OptionalInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Inclusive upper bound on startedAt; a bare date covers that whole UTC day', example: '2024-03-31' })
  @OptionalInstant()
  @NotBefore('from')
  to?: string;

  @ApiPropertyOptional({ enum: INCIDENT_STATUSES, description: 'open: not resolved yet; resolved: has a resolvedAt' })
  @OptionalStatus()
  status?: IncidentStatus;

  @ApiPropertyOptional({ type: 'integer', default: DEFAULT_PER_PAGE, maximum: MAX_PER_PAGE, minimum: 1 })
  @OptionalIntRange(1, MAX_PER_PAGE)
  per_page?: number;

  @ApiPropertyOptional({ type: 'integer', default: 1, minimum: 1, maximum: 1_000_000 })
  @OptionalIntRange(1, 1_000_000)
  page?: number;
}

export class ListIncidentsRequestDto {
  @OptionalIntIn(EVENT_ENVIRONMENTS)
  environment?: number;

  @OptionalText(300)
  @IsIdentifier()
  service?: string;

  @OptionalInstant()
  from?: string;

  @OptionalInstant()
  @NotBefore('from')
  to?: string;

  @OptionalStatus()
  status?: IncidentStatus;

  @OptionalIntRange(1, MAX_PER_PAGE)
  perPage?: number;

  @OptionalIntRange(1, 1_000_000)
  page?: number;
}

/** GET /incidents/{id} and IncidentService/GetIncident. */
export class IncidentIdDto {
  @ApiProperty({ example: '507f1f77bcf86cd799439011', pattern: '^[0-9a-fA-F]{24}$', description: "The incident's tracker event id" })
  @IsDefined()
  @IsMongoId({ message: 'must be a 24-character hexadecimal event id' })
  id!: string;
}
