import { EventStatus, EventType } from '../../../../contract/enums';
import { InvalidInputError } from '../../../../platform/errors/domain-errors';
import { parseInstant } from '../../../../platform/validation/date-range';
import { at, checkedName, clip, correlatedEventId, linkOrNothing, optionalText, requiredText } from '../../../intake';
import type { CreateEventDto, UpdateEventDto } from '../../../tracker-events';
import { IncidentPlan, skipped, utc } from './incident-plan';

export const PAGERDUTY_SOURCE = 'pagerduty';

/** The PagerDuty V3 incident event types Tracker records, and the tracker status each one means. */
export const PAGERDUTY_EVENT_STATUS: Readonly<Record<string, EventStatus | 'current'>> = Object.freeze({
  'incident.triggered': EventStatus.Open,
  'incident.reopened': EventStatus.Open,
  'incident.acknowledged': EventStatus.Open,
  'incident.resolved': EventStatus.Close,
  // The incident's status as the payload tells it (`data.status`): a priority change moves nothing.
  'incident.priority_updated': 'current',
});

/** PagerDuty urgency -> tracker priority when the incident has no P1-P5 priority (docs/incidents-intake.md). */
export const PAGERDUTY_URGENCY_PRIORITY: Readonly<Record<string, number>> = Object.freeze({ high: 2, low: 4 });

/** What the service reads of one verified V3 webhook body. */
export interface PagerDutyEnvelope {
  /** event.id: the webhook event's own id (a resend repeats it). */
  id: string;
  type: string;
  plan: IncidentPlan;
}

export interface PagerDutyMappingConfig {
  /** INCIDENT_SERVICES: PagerDuty service name (lower-cased) -> tracker service. */
  services: ReadonlyMap<string, string>;
  /** INCIDENT_ENVIRONMENT */
  environment: number;
}

const EVENT_ID = /^[\w.:-]{1,200}$/;

/**
 * Reads a V3 webhook body `{event: {id, event_type, resource_type, occurred_at, data}}`: a 400 naming the field
 * when the envelope is not one; an event type Tracker does not record is `skipped`.
 */
export function planPagerDutyEvent(body: unknown, config: PagerDutyMappingConfig): PagerDutyEnvelope {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw InvalidInputError.field('body', 'must be a JSON object');
  const event = at(body, 'event');
  if (event === null || typeof event !== 'object' || Array.isArray(event))
    throw InvalidInputError.field('event', 'must be the V3 webhook event object');
  const id = requiredText(event, 'id', 'event');
  if (!EVENT_ID.test(id)) throw InvalidInputError.field('event.id', 'must be the webhook event id (at most 200 letters, digits, . : _ -)');
  const type = requiredText(event, 'event_type', 'event');
  const meaning = PAGERDUTY_EVENT_STATUS[type];
  if (meaning === undefined || !Object.hasOwn(PAGERDUTY_EVENT_STATUS, type))
    return { id, type, plan: skipped(`PagerDuty event type "${clip(type, 100)}" is not one Tracker records`) };
  const resourceType = optionalText(event, 'resource_type');
  if (resourceType !== undefined && resourceType !== 'incident')
    throw InvalidInputError.field('event.resource_type', `must be "incident" for ${type}`);
  return { id, type, plan: planIncident(event, type, meaning, config) };
}

function planIncident(event: object, type: string, meaning: EventStatus | 'current', config: PagerDutyMappingConfig): IncidentPlan {
  const occurredAt = instant(event, 'occurred_at', true)!;
  const data = at(event, 'data');
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw InvalidInputError.field('event.data', 'must be the incident object');
  const incidentId = requiredText(data, 'id', 'event.data');
  if (!EVENT_ID.test(incidentId)) throw InvalidInputError.field('event.data.id', 'must be the PagerDuty incident id');
  const createdAt = instant(data, 'created_at', false) ?? occurredAt;

  let status: number;
  if (meaning === 'current') {
    const current = optionalText(data, 'status');
    if (current !== undefined && !['triggered', 'acknowledged', 'resolved'].includes(current))
      throw InvalidInputError.field('event.data.status', 'must be triggered, acknowledged or resolved');
    status = current === 'resolved' ? EventStatus.Close : EventStatus.Open;
  } else status = meaning;
  const closed = status === EventStatus.Close;
  // The end is when PagerDuty says the incident was resolved, never before it started.
  const endDate = closed ? utc(new Date(Math.max(occurredAt.getTime(), createdAt.getTime()))) : undefined;

  const serviceName = optionalText(data, 'service.summary') ?? optionalText(data, 'service.name');
  if (serviceName === undefined) throw InvalidInputError.field('event.data.service.summary', 'must name the PagerDuty service');
  const mapped = config.services.get(serviceName.trim().toLowerCase());
  const service = clip(checkedName(mapped ?? serviceName.trim(), 'event.data.service.summary'), 300);
  const number = at(data, 'number');
  const title = optionalText(data, 'title') ?? `PagerDuty incident ${typeof number === 'number' ? number : incidentId}`;
  const priority = priorityOf(data);
  const htmlUrl = linkOrNothing(at(data, 'html_url'));
  const ticket = htmlUrl && htmlUrl.length <= 200 ? htmlUrl : undefined;

  const create: CreateEventDto = {
    title: clip(title, 500),
    attributes: {
      type: EventType.Incident,
      service,
      environment: config.environment,
      status,
      source: PAGERDUTY_SOURCE,
      startDate: utc(createdAt),
      ...(endDate ? { endDate } : {}),
      ...(priority ? { priority } : {}),
    },
    ...(ticket ? { links: { ticket } } : {}),
  };

  return {
    kind: 'record',
    eventId: correlatedEventId([PAGERDUTY_SOURCE, 'incident', incidentId]),
    create,
    update: (stored) => {
      const storedStatus = stored.attributes?.status;
      const storedEnd = stored.attributes?.endDate ? new Date(stored.attributes.endDate).getTime() : undefined;
      const change: Omit<UpdateEventDto, 'id'> = { attributes: { source: PAGERDUTY_SOURCE, ...(priority ? { priority } : {}) } };
      if (type === 'incident.priority_updated') return priority ? change : undefined;
      if (closed) {
        // A resolution older than the one stored is late: the stored end stays.
        if (storedStatus === EventStatus.Close && storedEnd !== undefined && storedEnd >= occurredAt.getTime()) return undefined;
        return { ...change, attributes: { ...change.attributes, status, endDate } };
      }
      if (storedStatus === EventStatus.Close) {
        // Deliveries arrive out of order: only a reopening after the stored resolution reopens the incident.
        if (type !== 'incident.reopened' || (storedEnd !== undefined && occurredAt.getTime() <= storedEnd)) return undefined;
        return { ...change, attributes: { ...change.attributes, status: EventStatus.Open } };
      }
      return priority && priority !== stored.attributes?.priority ? change : undefined;
    },
    intake: { provider: PAGERDUTY_SOURCE, externalId: incidentId },
  };
}

/** The incident's P1-P5 priority when it has one, else its urgency (high -> 2, low -> 4). */
export function priorityOf(data: unknown): number | undefined {
  const named = optionalText(data, 'priority.summary') ?? optionalText(data, 'priority.name');
  const match = named ? /^\s*P([1-5])\b/i.exec(named) : null;
  if (match) return Number(match[1]);
  const urgency = optionalText(data, 'urgency');
  return urgency && Object.hasOwn(PAGERDUTY_URGENCY_PRIORITY, urgency) ? PAGERDUTY_URGENCY_PRIORITY[urgency] : undefined;
}

function instant(payload: unknown, field: string, required: boolean): Date | undefined {
  const value = at(payload, field);
  const parsed = typeof value === 'string' && value.length <= 64 ? parseInstant(value) : undefined;
  const root = field === 'occurred_at' ? 'event' : 'event.data';
  if (!parsed && (required || (value !== undefined && value !== null)))
    throw InvalidInputError.field(`${root}.${field}`, 'must be an ISO 8601 date-time');
  return parsed;
}
