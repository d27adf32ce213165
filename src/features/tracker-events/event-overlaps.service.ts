import { Injectable } from '@nestjs/common';
import { InvalidInputError } from '../../platform/errors/domain-errors';
import { TrackerEventRepository } from './data/tracker-event.repository';
import { searchWindow } from '../../platform/validation/date-range';
import { EventRange, findOverlaps, OverlapResult } from './domain/overlaps';
import type { OverlapsQueryDto } from './dto/overlaps-query.dto';

/** Events read for one overlap query at most (each is a few hundred bytes); past it the caller must narrow. */
export const MAX_OVERLAP_EVENTS = 20_000;
/** Pairs listed in one answer at most; all are counted. */
export const MAX_LISTED_OVERLAPS = 1_000;

/** Overlapping tracker events per service or environment (GET /events/overlaps, EventService/ListOverlaps). */
@Injectable()
export class EventOverlapsService {
  constructor(private readonly events: TrackerEventRepository) {}

  async overlaps(query: OverlapsQueryDto): Promise<OverlapResult> {
    const window = searchWindow(query.from, query.to);
    const from = window.from!;
    const before = (window.before ?? window.to)!;
    const by = query.by ?? 'service';
    const rows = await this.events.findRanges(
      { service: query.service, environment: query.environment, type: query.type },
      from,
      before,
      MAX_OVERLAP_EVENTS + 1,
    );
    if (rows.length > MAX_OVERLAP_EVENTS) {
      throw InvalidInputError.field(
        'to',
        `the window holds more than ${MAX_OVERLAP_EVENTS} events; narrow it (a shorter window, or service, environment or type)`,
      );
    }
    const ranges: EventRange[] = [];
    for (const row of rows) {
      const a = row.attributes;
      const key = by === 'service' ? a.service : a.environment;
      if (key === undefined || key === null || !a.startDate) continue;
      ranges.push({
        id: row._id.toHexString(),
        title: row.title,
        key: String(key),
        startDate: a.startDate,
        ...(a.endDate ? { endDate: a.endDate } : {}),
      });
    }
    return findOverlaps(ranges, before, MAX_LISTED_OVERLAPS);
  }
}
