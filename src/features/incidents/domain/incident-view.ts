/*
 * Incidents as the API shows them, from facts: status, recovery, causes and fixes, and the list's order.
 * Pure: no Nest, no store, no clock.
 */
import { Cause, causesOf, DeploymentIndex, fixesOf } from './causes';
import type { IncidentFact, IncidentSource } from './facts';

export type IncidentStatus = 'open' | 'resolved';

export interface IncidentView {
  id: string;
  title: string;
  service: string;
  environment: number | null;
  status: IncidentStatus;
  source: IncidentSource;
  startedAt: Date;
  resolvedAt: Date | null;
  recoverySeconds: number | null;
  causes: Cause[];
  fixes: { deploymentId: string }[];
}

/** resolved when it has a resolution time (endDate, or Close/Done: toIncidentFact), else open. */
export function toIncidentView(fact: IncidentFact, title: string, deployments: DeploymentIndex, causeWindowMs: number): IncidentView {
  const resolvedAt = fact.resolvedAt ?? null;
  return {
    id: fact.id,
    title,
    service: fact.service,
    environment: fact.environment ?? null,
    status: resolvedAt ? 'resolved' : 'open',
    source: fact.source,
    startedAt: fact.startedAt,
    resolvedAt,
    recoverySeconds: resolvedAt ? Math.max(0, (resolvedAt.getTime() - fact.startedAt.getTime()) / 1000) : null,
    causes: causesOf(fact, deployments, causeWindowMs),
    fixes: fixesOf(fact, deployments),
  };
}

/** The list's order: open incidents first, then the newest start first, then the greater id first. */
export function byListOrder(
  a: Pick<IncidentView, 'status' | 'startedAt' | 'id'>,
  b: Pick<IncidentView, 'status' | 'startedAt' | 'id'>,
): number {
  if (a.status !== b.status) return a.status === 'open' ? -1 : 1;
  return b.startedAt.getTime() - a.startedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export interface IncidentListFilter {
  /** Inclusive bounds on startedAt; `before` exclusive (a bare-date `to`). */
  from?: Date;
  to?: Date;
  before?: Date;
  status?: IncidentStatus;
}

/** Whether an incident fact passes the list's time filter (status is judged on the view). */
export function startedInRange(fact: IncidentFact, f: IncidentListFilter): boolean {
  const t = fact.startedAt.getTime();
  return (!f.from || t >= f.from.getTime()) && (!f.to || t <= f.to.getTime()) && (!f.before || t < f.before.getTime());
}
