/*
 * Causes, fixes and rework: how incidents and deployments name each other (docs/incidents.md). Pure: no Nest,
 * no store, no clock; every lookup is a map or a binary search built once, never a pairwise scan.
 */
import { EventStatus } from '../../../contract/enums';
import type { DeploymentFact, IncidentFact } from './facts';

export const MINUTE_MS = 60_000;

export type CauseHow = 'linked' | 'suspected';
export interface Cause {
  deploymentId: string;
  how: CauseHow;
}

/** Why a deployment counts as rework (DORA's fifth key), in the order it is judged. */
export type ReworkReason = 'fixesIncident' | 'redeploys' | 'rollbackMark';
/** Why a deployment counts as failed, in the order it is judged: each failed deployment has exactly one. */
export const FAILURE_REASONS = ['status', 'rollback', 'linkedIncident', 'suspectedIncident'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Deployments that may be suspected: finished fine. */
const SUSPECTABLE = new Set<number>([EventStatus.Success, EventStatus.Warning]);

/** When a deployment finished: its endDate, else its time. */
export const finishedAt = (d: DeploymentFact): Date => d.finishedAt ?? d.at;
const byFinishThenId = (a: DeploymentFact, b: DeploymentFact) =>
  finishedAt(a).getTime() - finishedAt(b).getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byTimeThenId = (a: DeploymentFact, b: DeploymentFact) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The deployments one answer knows, indexed once: by id, by the id they name (fixes), and per service and
 * environment by finish time (suspected causes).
 */
export class DeploymentIndex {
  private readonly byId = new Map<string, DeploymentFact>();
  private readonly naming = new Map<string, DeploymentFact[]>();
  private readonly finished = new Map<string, DeploymentFact[]>();

  constructor(deployments: readonly DeploymentFact[]) {
    const add = (map: Map<string, DeploymentFact[]>, key: string, d: DeploymentFact) => {
      const list = map.get(key);
      if (list) list.push(d);
      else map.set(key, [d]);
    };
    for (const d of deployments) {
      this.byId.set(d.id, d);
      if (d.relatedId) add(this.naming, d.relatedId, d);
      if (d.status !== undefined && SUSPECTABLE.has(d.status)) add(this.finished, scopeKey(d.service, d.environment), d);
    }
    for (const list of this.finished.values()) list.sort(byFinishThenId);
    for (const list of this.naming.values()) list.sort(byTimeThenId);
  }

  get(id: string): DeploymentFact | undefined {
    return this.byId.get(id);
  }

  /** The deployments whose relatedId is `id`, oldest first. */
  namingOf(id: string): readonly DeploymentFact[] {
    return this.naming.get(id) ?? [];
  }

  /**
   * The last deployment of the service and environment that finished (Success or Warning) in
   * [at - windowMs, at]: the latest finish, ties to the greatest id. Undefined when none.
   */
  lastFinishedWithin(service: string, environment: number | undefined, at: Date, windowMs: number): DeploymentFact | undefined {
    const list = this.finished.get(scopeKey(service, environment));
    if (!list) return undefined;
    let [lo, hi] = [0, list.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (finishedAt(list[mid]).getTime() <= at.getTime()) lo = mid + 1;
      else hi = mid;
    }
    const candidate = list[lo - 1];
    return candidate && finishedAt(candidate).getTime() >= at.getTime() - windowMs ? candidate : undefined;
  }
}

const scopeKey = (service: string, environment: number | undefined) => JSON.stringify([service, environment ?? null]);

/**
 * An incident's causes. Linked: its relatedId names a known deployment. Suspected, only when it names nothing
 * (no relatedId): the last deployment of its service and environment that finished (Success or Warning) within
 * `windowMs` before its start. A relatedId naming anything else (an unknown id, another event) is a link to no
 * deployment: no cause, and nothing suspected either, since someone chose the link.
 */
export function causesOf(incident: IncidentFact, deployments: DeploymentIndex, windowMs: number): Cause[] {
  if (incident.relatedId) return deployments.get(incident.relatedId) ? [{ deploymentId: incident.relatedId, how: 'linked' }] : [];
  const suspect = deployments.lastFinishedWithin(incident.service, incident.environment, incident.startedAt, windowMs);
  return suspect ? [{ deploymentId: suspect.id, how: 'suspected' }] : [];
}

/** The deployments whose relatedId names the incident (hotfixes), oldest first. */
export function fixesOf(incident: IncidentFact, deployments: DeploymentIndex): { deploymentId: string }[] {
  return deployments.namingOf(incident.id).map((d) => ({ deploymentId: d.id }));
}

/**
 * Why a deployment is rework, or null: its relatedId names an incident (it fixes it), else an earlier
 * deployment (it redeploys or rolls it back: earlier by time, or at the same time with a smaller id), else it
 * carries the rollback mark.
 */
export function reworkReason(d: DeploymentFact, incidentIds: ReadonlySet<string>, deployments: DeploymentIndex): ReworkReason | null {
  if (d.relatedId && incidentIds.has(d.relatedId)) return 'fixesIncident';
  const named = d.relatedId ? deployments.get(d.relatedId) : undefined;
  if (named && named.id !== d.id && byTimeThenId(named, d) < 0) return 'redeploys';
  if (d.rollback) return 'rollbackMark';
  return null;
}

/**
 * Why a deployment failed, or null: its own status (Failure or Error), else the rollback mark, else an incident
 * linked to it, else (only when suspected causes count) an incident suspecting it.
 */
export function failureReason(d: DeploymentFact, linked: ReadonlySet<string>, suspected: ReadonlySet<string> | null): FailureReason | null {
  if (d.status === EventStatus.Failure || d.status === EventStatus.Error) return 'status';
  if (d.rollback) return 'rollback';
  if (linked.has(d.id)) return 'linkedIncident';
  if (suspected?.has(d.id)) return 'suspectedIncident';
  return null;
}

/** The ids of the deployments incidents suspect (those without a relatedId), from one index. */
export function suspectedDeployments(incidents: readonly IncidentFact[], deployments: DeploymentIndex, windowMs: number): Set<string> {
  const ids = new Set<string>();
  for (const i of incidents) for (const c of causesOf(i, deployments, windowMs)) if (c.how === 'suspected') ids.add(c.deploymentId);
  return ids;
}
