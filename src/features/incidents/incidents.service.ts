import { Injectable } from '@nestjs/common';
import { DEFAULT_PER_PAGE, TrackerEventsService } from '../tracker-events';
import { AppConfig } from '../../platform/config/app-config.service';
import { NotFoundError } from '../../platform/errors/domain-errors';
import { searchWindow } from '../../platform/validation/date-range';
import { EventType } from '../../contract/enums';
import { DeploymentIndex, MINUTE_MS } from './domain/causes';
import { toFacts, toIncidentFact } from './domain/facts';
import { byListOrder, IncidentStatus, IncidentView, startedInRange, toIncidentView } from './domain/incident-view';
import type { ListIncidentsQueryDto, ListIncidentsRequestDto } from './dto/incident-query.dto';

/**
 * How far before the earliest start a list may show (its `from`; one incident's event time) deployments are
 * read: the linked causes it can name (suspected ones are at most INCIDENT_CAUSE_WINDOW_MINUTES, at most 7 days, before).
 */
export const CAUSE_LOOKBACK_DAYS = 30;
const DAY_MS = 86_400_000;

/** What a list asks for, from either transport. */
export interface IncidentListQuery {
  environment?: number;
  service?: string;
  from?: string;
  to?: string;
  status?: IncidentStatus;
  page?: number;
  perPage?: number;
}

export interface IncidentPage {
  items: IncidentView[];
  total: number;
  page: number;
  perPage: number;
}

/**
 * Incidents (tracker events of type 4) with their causes and fixes (docs/incidents.md). A list is one read of
 * the tracker events (the incidents and the deployments that may cause or fix them), computed in memory.
 */
@Injectable()
export class IncidentsService {
  constructor(
    private readonly events: TrackerEventsService,
    private readonly config: AppConfig,
  ) {}

  async list(query: IncidentListQuery): Promise<IncidentPage> {
    const window = searchWindow(query.from, query.to);
    const before = window.before ?? (window.to ? new Date(window.to.getTime() + 1) : undefined);
    const deploymentsFrom = window.from ? new Date(window.from.getTime() - CAUSE_LOOKBACK_DAYS * DAY_MS) : undefined;
    const rows = await this.events.findIncidentEvents({ environment: query.environment, service: query.service, before, deploymentsFrom });
    const titles = new Map(rows.map((r) => [r._id.toHexString(), r.title]));
    const { deployments, incidents } = toFacts(rows);
    const index = new DeploymentIndex(deployments);
    const windowMs = this.causeWindowMs();
    const views = incidents
      .filter((i) => startedInRange(i, window))
      .map((i) => toIncidentView(i, titles.get(i.id) ?? '', index, windowMs))
      .filter((v) => !query.status || v.status === query.status)
      .sort(byListOrder);
    const page = query.page ?? 1;
    const perPage = query.perPage ?? DEFAULT_PER_PAGE;
    return { items: views.slice((page - 1) * perPage, page * perPage), total: views.length, page, perPage };
  }

  /** One incident: 404 when the id names no event or an event that is not an incident. */
  async get(id: string): Promise<IncidentView> {
    const event = await this.events.findRecord(id);
    if (!event || event.attributes?.type !== EventType.Incident) throw new NotFoundError(`Incident ${id} not found.`);
    const deploymentsFrom = new Date(event.eventAt.getTime() - CAUSE_LOOKBACK_DAYS * DAY_MS);
    const rows = await this.events.findIncidentEvents({ incidentId: id, deploymentsFrom });
    const row = rows.find((r) => r._id.toHexString() === event._id.toHexString());
    if (!row || row.attributes?.type !== EventType.Incident) throw new NotFoundError(`Incident ${id} not found.`);
    const { deployments } = toFacts(rows);
    return toIncidentView(toIncidentFact(row), row.title, new DeploymentIndex(deployments), this.causeWindowMs());
  }

  private causeWindowMs(): number {
    return this.config.incidents.causeWindowMinutes * MINUTE_MS;
  }
}

export function listQueryFromRest(q: ListIncidentsQueryDto): IncidentListQuery {
  return { environment: q.environment, service: q.service, from: q.from, to: q.to, status: q.status, page: q.page, perPage: q.per_page };
}

export function listQueryFromGrpc(r: ListIncidentsRequestDto): IncidentListQuery {
  return { environment: r.environment, service: r.service, from: r.from, to: r.to, status: r.status, page: r.page, perPage: r.perPage };
}
