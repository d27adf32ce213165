/*
 * Stored tracker events as the plain facts incidents and DORA reason about (docs/incidents.md, docs/insights.md).
 * Pure: no Nest, no store.
 */
import { EventStatus, EventType } from '../../../contract/enums';

/** Where an incident came from: its attributes.source when an intake wrote it, else the tracker itself. */
export const INCIDENT_SOURCES = ['pagerduty', 'alertmanager', 'grafana', 'tracker'] as const;
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];

export interface DeploymentFact {
  id: string;
  service: string;
  environment?: number;
  /** startDate, else createdAt. */
  at: Date;
  /** When it finished: endDate (absent: `at`). */
  finishedAt?: Date;
  status?: number;
  /** The rollback mark of the CI/CD intake (CDEvents service.rolledback). */
  rollback?: boolean;
  /** Lower-case: the incident it fixes, or the earlier deployment it redeploys or rolls back. */
  relatedId?: string;
  commitSha?: string;
  pullRequestLink?: string;
}

export interface IncidentFact {
  id: string;
  service: string;
  environment?: number;
  /** Lower-case: the deployment (or anything) it names; an incident naming a deployment marks it failed. */
  relatedId?: string;
  source: IncidentSource;
  /** startDate, else the time it became Open. */
  startedAt: Date;
  /** endDate, else the time it became Close or Done; absent while unresolved. */
  resolvedAt?: Date;
}

/** The parts of a stored tracker event the facts come from (structurally, the tracker events' DeliveryEventRow). */
export interface EventRow {
  _id: { toHexString(): string };
  title?: string;
  attributes: {
    type: number;
    service: string;
    source?: string;
    environment?: number;
    status?: number;
    relatedId?: string;
    startDate?: Date;
    endDate?: Date;
  };
  links?: { pullRequestLink?: string };
  metadata: { createdAt: Date };
  eventAt: Date;
  intake?: { commitSha?: string; rollback?: boolean };
  changelog?: { at: Date; field: string; old: unknown; new: unknown }[];
}

const STATUS_FIELD = 'attributes.status';
const SOURCES = new Set<string>(INCIDENT_SOURCES);

/** `pagerduty`, `alertmanager` or `grafana` when attributes.source says so (any case), else `tracker`. */
export function incidentSource(source: string | undefined): IncidentSource {
  const s = source?.toLowerCase();
  return s && s !== 'tracker' && SOURCES.has(s) ? (s as IncidentSource) : 'tracker';
}

export function toDeploymentFact(row: EventRow): DeploymentFact {
  const a = row.attributes;
  const at = a.startDate ?? row.metadata.createdAt;
  const fact: DeploymentFact = { id: row._id.toHexString(), service: a.service, at };
  if (a.endDate) fact.finishedAt = a.endDate;
  if (a.environment !== undefined) fact.environment = a.environment;
  if (a.status !== undefined) fact.status = a.status;
  if (row.intake?.rollback) fact.rollback = true;
  if (a.relatedId) fact.relatedId = a.relatedId.toLowerCase();
  if (row.intake?.commitSha) fact.commitSha = row.intake.commitSha;
  if (row.links?.pullRequestLink) fact.pullRequestLink = row.links.pullRequestLink;
  return fact;
}

/**
 * An incident's start: startDate, else the first time its status became Open: its creation when it was
 * created Open (or with no status), else the first changelog entry setting Open, else its creation. Its resolution (none while its status is Open again): endDate, else (while its status is Close or Done) the last time its status became
 * Close or Done, or its creation when it was created so. Unresolved otherwise.
 */
export function toIncidentFact(row: EventRow): IncidentFact {
  const a = row.attributes;
  const statusChanges = (row.changelog ?? []).filter((e) => e.field === STATUS_FIELD).sort((x, y) => x.at.getTime() - y.at.getTime());
  const createdWith = statusChanges.length ? statusChanges[0].old : a.status;
  const createdOpen = createdWith === EventStatus.Open || createdWith === undefined || createdWith === null;
  const opened = createdOpen ? row.metadata.createdAt : statusChanges.find((e) => e.new === EventStatus.Open)?.at;
  const fact: IncidentFact = {
    id: row._id.toHexString(),
    service: a.service,
    source: incidentSource(a.source),
    startedAt: a.startDate ?? opened ?? row.metadata.createdAt,
  };
  if (a.environment !== undefined) fact.environment = a.environment;
  if (a.relatedId) fact.relatedId = a.relatedId.toLowerCase();
  const closed = a.status === EventStatus.Close || a.status === EventStatus.Done;
  // Open again (a PagerDuty `incident.reopened`): unresolved, though the earlier endDate stays (the API cannot clear it).
  const reopened = a.status === EventStatus.Open;
  const resolvedAt = reopened
    ? undefined
    : (a.endDate ??
      (closed
        ? ([...statusChanges].reverse().find((e) => e.new === EventStatus.Close || e.new === EventStatus.Done)?.at ??
          row.metadata.createdAt)
        : undefined));
  if (resolvedAt) fact.resolvedAt = resolvedAt;
  return fact;
}

export function toFacts(rows: EventRow[]): { deployments: DeploymentFact[]; incidents: IncidentFact[] } {
  const deployments: DeploymentFact[] = [];
  const incidents: IncidentFact[] = [];
  for (const row of rows) {
    if (row.attributes?.type === EventType.Deployment) deployments.push(toDeploymentFact(row));
    else if (row.attributes?.type === EventType.Incident) incidents.push(toIncidentFact(row));
  }
  return { deployments, incidents };
}
