import type { IncidentView } from './domain/incident-view';
import type { IncidentPageResponse, IncidentResponse } from './dto/incident.response';
import type { IncidentPage } from './incidents.service';

export function toIncidentResponse(v: IncidentView): IncidentResponse {
  return {
    id: v.id,
    title: v.title,
    service: v.service,
    environment: v.environment,
    status: v.status,
    source: v.source,
    startedAt: v.startedAt.toISOString(),
    resolvedAt: v.resolvedAt?.toISOString() ?? null,
    recoverySeconds: v.recoverySeconds,
    causes: v.causes.map((c) => ({ deploymentId: c.deploymentId, how: c.how })),
    fixes: v.fixes.map((f) => ({ deploymentId: f.deploymentId })),
  };
}

export function toIncidentPageResponse(p: IncidentPage): IncidentPageResponse {
  return { incidents: p.items.map(toIncidentResponse), totalCount: p.total, page: p.page, perPage: p.perPage };
}
