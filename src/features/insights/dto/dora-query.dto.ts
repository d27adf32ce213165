import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsIdentifier } from '../../../platform/validation/identifier';
import { EmptyAsAbsent, NotBefore, OptionalInstant, OptionalText, QueryIntIn } from '../../../platform/validation/field-validators';
import { DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS } from '../insights.window';
import { EVENT_ENVIRONMENT_LABELS, EVENT_ENVIRONMENTS, EventEnvironment } from '../../../contract/enums';

export const BUCKETS = ['day', 'week', 'month'] as const;

/** GET /insights/dora/services and InsightsService/ListDoraByService: the same names on both transports. */
export class DoraServicesQueryDto {
  @ApiPropertyOptional({
    enum: EVENT_ENVIRONMENTS,
    default: EventEnvironment.Production,
    description: `Environment (default ${EventEnvironment.Production}, ${EVENT_ENVIRONMENT_LABELS[EventEnvironment.Production]})`,
  })
  @QueryIntIn(EVENT_ENVIRONMENTS)
  environment?: number;

  @ApiPropertyOptional({
    description: `Window start, inclusive (ISO 8601); default ${DEFAULT_WINDOW_DAYS} days before to`,
    example: '2024-03-01',
  })
  @OptionalInstant()
  from?: string;

  @ApiPropertyOptional({
    description: `Window end, exclusive; a bare date covers its whole UTC day; default now; at most ${MAX_WINDOW_DAYS} days after from`,
    example: '2024-03-30',
  })
  @OptionalInstant()
  @NotBefore('from')
  to?: string;
}

/** GET /insights/dora and InsightsService/GetDora. */
export class DoraQueryDto extends DoraServicesQueryDto {
  @ApiPropertyOptional({ description: 'Only this service (exact name)' })
  @OptionalText(300)
  @IsIdentifier()
  service?: string;

  @ApiPropertyOptional({ enum: BUCKETS, default: 'week', description: 'Bucket size: UTC days, ISO weeks (from Monday) or months' })
  @EmptyAsAbsent()
  @IsOptional()
  @IsIn([...BUCKETS])
  bucket?: (typeof BUCKETS)[number];
}
