import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional, ValidateBy, ValidationArguments } from 'class-validator';
import { searchWindow } from '../../../platform/validation/date-range';
import { IsIdentifier } from '../../../platform/validation/identifier';
import { EmptyAsAbsent, IsInstant, NotBefore, OptionalText, QueryIntIn } from '../../../platform/validation/field-validators';
import { EVENT_ENVIRONMENTS, EVENT_TYPES } from '../../../contract/enums';

export const OVERLAP_GROUPINGS = ['service', 'environment'] as const;
export const MAX_OVERLAP_WINDOW_DAYS = 92;

/** For `to`: the window it closes with `from` spans at most `days` (a bare-date `to` counts its whole day). */
const WithinDays = (startProperty: string, days: number) =>
  ValidateBy({
    name: 'withinDays',
    validator: {
      validate: (end: unknown, args?: ValidationArguments) => {
        const start = (args?.object as Record<string, unknown> | undefined)?.[startProperty];
        if (typeof end !== 'string' || typeof start !== 'string') return true;
        const w = searchWindow(start, end);
        const until = w.before ?? w.to;
        return !w.from || !until || until.getTime() - w.from.getTime() <= days * 86_400_000;
      },
      defaultMessage: () => `must be at most ${days} days after ${startProperty}`,
    },
  });

/** GET /events/overlaps and EventService/ListOverlaps: the same names on both transports. */
export class OverlapsQueryDto {
  @ApiProperty({ description: 'Window start (ISO 8601 date or date-time)', example: '2024-01-01' })
  @IsDefined()
  @IsInstant()
  from!: string;

  @ApiProperty({
    description: `Window end, exclusive; a bare date covers that whole UTC day; at most ${MAX_OVERLAP_WINDOW_DAYS} days after from`,
    example: '2024-01-31',
  })
  @IsDefined()
  @IsInstant()
  @NotBefore('from')
  @WithinDays('from', MAX_OVERLAP_WINDOW_DAYS)
  to!: string;

  @ApiPropertyOptional({ enum: OVERLAP_GROUPINGS, default: 'service', description: 'Events overlap only within one group' })
  @EmptyAsAbsent()
  @IsOptional()
  @IsIn([...OVERLAP_GROUPINGS])
  by?: (typeof OVERLAP_GROUPINGS)[number];

  @ApiPropertyOptional({ description: 'Only this service', maxLength: 300 })
  @OptionalText(300)
  @IsIdentifier()
  service?: string;

  @ApiPropertyOptional({ type: 'integer', enum: EVENT_ENVIRONMENTS })
  @QueryIntIn(EVENT_ENVIRONMENTS)
  environment?: number;

  @ApiPropertyOptional({ type: 'integer', enum: EVENT_TYPES })
  @QueryIntIn(EVENT_TYPES)
  type?: number;
}
