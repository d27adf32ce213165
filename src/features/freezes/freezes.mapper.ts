import type { FreezeRecord } from './data/freeze.schema';
import type { Deployability, FreezeOccurrence } from './freezes.service';

/** A freeze as REST and gRPC return it (gRPC drops the nulls: unset proto3 fields). */
export function toFreezeResponse(f: FreezeRecord) {
  return {
    id: f._id,
    name: f.name,
    reason: f.reason ?? null,
    services: f.services,
    environments: f.environments,
    kind: f.kind,
    start: f.kind === 'once' ? f.start!.toISOString() : f.localStart!,
    end: f.kind === 'once' ? f.end!.toISOString() : null,
    timezone: f.timezone ?? null,
    rrule: f.rrule ?? null,
    duration: f.duration ?? null,
    exdates: f.exdates,
    allDay: f.allDay,
    uid: f.uid ?? null,
    createdAt: f.createdAt.toISOString(),
    createdBy: f.createdBy ?? null,
  };
}

export function toFreezeListResponse(items: FreezeRecord[], totalCount: number, page: number, perPage: number) {
  return { freezes: items.map(toFreezeResponse), totalCount, page, perPage };
}

export function toDeployabilityResponse(d: Deployability) {
  return {
    allowed: d.allowed,
    reasons: d.reasons.map((r) => ({ kind: r.kind, id: r.id, title: r.title, ...(r.until ? { until: r.until.toISOString() } : {}) })),
    nextAllowedAt: d.nextAllowedAt?.toISOString() ?? null,
  };
}

export function toOccurrenceListResponse(items: FreezeOccurrence[], truncated: boolean) {
  return {
    occurrences: items.map(({ freeze: f, start, end }) => ({
      freezeId: f._id,
      name: f.name,
      reason: f.reason ?? null,
      services: f.services,
      environments: f.environments,
      allDay: f.allDay,
      start: start.toISOString(),
      end: end.toISOString(),
    })),
    truncated,
  };
}
