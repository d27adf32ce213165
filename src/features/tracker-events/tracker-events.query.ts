import type { TrackerEventCriteria } from './data/tracker-event.repository';
import { searchWindow } from '../../platform/validation/date-range';
import { DEFAULT_PER_PAGE } from './domain/event-enums';
import type {
  EventStatsQueryDto,
  EventStatsRequestDto,
  ListEventsQueryDto,
  ListEventsRequestDto,
  SearchEventsQueryDto,
  SearchEventsRequestDto,
} from './dto/event-query.dto';

/** Transport-neutral paging: validated DTOs from either transport end up here. */
export interface Paging {
  page: number;
  perPage: number;
}

export interface EventSearch {
  criteria: TrackerEventCriteria;
  paging: Paging;
}

export function pagingFromQuery(q: ListEventsQueryDto): Paging {
  return { page: q.page ?? 1, perPage: q.per_page ?? DEFAULT_PER_PAGE };
}

export function pagingFromRequest(r: ListEventsRequestDto): Paging {
  return { page: r.page ?? 1, perPage: r.perPage ?? DEFAULT_PER_PAGE };
}

function criteria(
  f: { priority?: number; service?: string; type?: number; environment?: number; status?: number },
  start?: string,
  end?: string,
): TrackerEventCriteria {
  return {
    priority: f.priority,
    service: f.service,
    type: f.type,
    environment: f.environment,
    status: f.status,
    window: searchWindow(start, end),
  };
}

export function searchFromQuery(q: SearchEventsQueryDto): EventSearch {
  return { criteria: criteria(q, q.start_date, q.end_date), paging: pagingFromQuery(q) };
}

export function searchFromRequest(r: SearchEventsRequestDto): EventSearch {
  return { criteria: criteria(r, r.startDate, r.endDate), paging: pagingFromRequest(r) };
}

export function statsFromQuery(q: EventStatsQueryDto): TrackerEventCriteria {
  return { service: q.service, window: searchWindow(q.start_date, q.end_date) };
}

export function statsFromRequest(r: EventStatsRequestDto): TrackerEventCriteria {
  return { service: r.service, window: searchWindow(r.startDate, r.endDate) };
}
