import { EventStatus, EventType } from '../../../contract/enums';
import { DeploymentFact, IncidentFact } from './dora';

/** The parts of a stored tracker event the facts come from (structurally, the tracker events' DeliveryEventRow). */
export interface EventRow {
  _id: { toHexString(): string };
  attributes: {
    type: number;
    service: string;
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

export function toDeploymentFact(row: EventRow): DeploymentFact {
  const a = row.attributes;
  const fact: DeploymentFact = { id: row._id.toHexString(), service: a.service, at: a.startDate ?? row.metadata.createdAt };
  if (a.environment !== undefined) fact.environment = a.environment;
  if (a.status !== undefined) fact.status = a.status;
  if (row.intake?.rollback) fact.rollback = true;
  if (row.intake?.commitSha) fact.commitSha = row.intake.commitSha;
  if (row.links?.pullRequestLink) fact.pullRequestLink = row.links.pullRequestLink;
  return fact;
}

/**
 * An incident's start: startDate, else the first time its status became Open: its creation when it was
 * created Open (or with no status), else the first changelog entry setting Open, else its creation. Its resolution: endDate, else (while its status is Close or Done) the last time its status became
 * Close or Done, or its creation when it was created so. Unresolved otherwise.
 */
export function toIncidentFact(row: EventRow): IncidentFact {
  const a = row.attributes;
  const statusChanges = (row.changelog ?? []).filter((e) => e.field === STATUS_FIELD).sort((x, y) => x.at.getTime() - y.at.getTime());
  const createdWith = statusChanges.length ? statusChanges[0].old : a.status;
  const createdOpen = createdWith === EventStatus.Open || createdWith === undefined || createdWith === null;
  const opened = createdOpen ? row.metadata.createdAt : statusChanges.find((e) => e.new === EventStatus.Open)?.at;
  const fact: IncidentFact = { id: row._id.toHexString(), service: a.service, startedAt: a.startDate ?? opened ?? row.metadata.createdAt };
  if (a.environment !== undefined) fact.environment = a.environment;
  if (a.relatedId) fact.relatedId = a.relatedId.toLowerCase();
  const closed = a.status === EventStatus.Close || a.status === EventStatus.Done;
  const resolvedAt =
    a.endDate ??
    (closed
      ? ([...statusChanges].reverse().find((e) => e.new === EventStatus.Close || e.new === EventStatus.Done)?.at ?? row.metadata.createdAt)
      : undefined);
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
