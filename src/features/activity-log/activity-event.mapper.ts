import { randomUUID } from 'node:crypto';
import type { AccountScope } from '../../auth/account-scope';
import { isRole, Role, ROLES, roleRank } from '../../auth/roles';
import { ActivityEventRecord, FAR_FUTURE } from './data/activity-event.schema';
import { parseAstraTime } from '../../astra/filter-condition';
import type { CreateActivityEventDto } from './dto/create-event.dto';

export const EVENT_TYPE = 'application/astra-event';
export const EVENT_VERSION = '1.4';
export const EVENTS_LIST_TYPE = 'application/astra-events';

/** The published event_1.4 resource (field order as in the spec). */
export type AstraEvent = {
  type: typeof EVENT_TYPE;
  version: typeof EVENT_VERSION;
  id: string;
} & Omit<ActivityEventRecord, '_id' | 'eventTime' | 'metadata' | 'visibleTo' | 'expiresAt'> & {
    eventTime: string;
    metadata: {
      labels: { name: string; value: string }[];
      creationTimestamp: string;
      modificationTimestamp: string;
      createdBy: string;
      modifiedBy?: string;
    };
  };

/** type_astra_time with millisecond precision: what a stored Date holds. */
export function astraTime(date: Date): string {
  return date.toISOString();
}

/**
 * The roles that may read an event. Absent visibility = every role; otherwise each listed role and every role
 * above it (the spec leaves hierarchy open; the Astra Control API reference, section 5 recommends inclusion). Listed
 * strings that are not roles grant nothing; an empty list is treated as absent (it is stored as absent too).
 */
export function visibleTo(visibility: string[] | undefined): Role[] {
  if (!visibility || visibility.length === 0) return [...ROLES];
  const ranks = visibility.filter(isRole).map(roleRank);
  return ranks.length ? ROLES.slice(Math.min(...ranks)) : [];
}

/** eventTime + ttl seconds; FAR_FUTURE when ttl is absent or 0 (never expires) or beyond what a Date holds. */
export function expiresAt(eventTime: Date, ttl: number | undefined): Date {
  if (!ttl) return FAR_FUTURE;
  const at = eventTime.getTime() + ttl * 1000;
  return at < FAR_FUTURE.getTime() ? new Date(at) : FAR_FUTURE;
}

const OPTIONAL_TEXT = [
  'descriptionURL',
  'correctiveAction',
  'correctiveActionURL',
  'resourceURI',
  'resourceMethod',
  'resourceMethodResult',
  'userID',
] as const;

/** The stored form of a producer's event; the system-assigned parts come from the caller. */
export function toRecord(
  input: CreateActivityEventDto,
  scope: AccountScope,
  sequenceCount: number,
  now: Date,
): Omit<ActivityEventRecord, 'accountID'> {
  const eventTime = input.eventTime ? parseAstraTime(input.eventTime)!.date : now;
  const record: Omit<ActivityEventRecord, 'accountID'> = {
    _id: randomUUID(),
    sequenceCount,
    name: input.name,
    summary: input.summary,
    eventTime,
    source: input.source,
    resourceID: input.resourceID,
    additionalResourceIDs: input.additionalResourceIDs ?? [],
    resourceType: input.resourceType,
    correlationID: input.correlationID ?? randomUUID(),
    severity: input.severity,
    class: input.class,
    description: input.description,
    metadata: { labels: [], creationTimestamp: now, modificationTimestamp: now, createdBy: scope.userId },
    visibleTo: visibleTo(input.visibility),
    expiresAt: expiresAt(eventTime, input.data?.ttl),
  };
  for (const key of OPTIONAL_TEXT) if (input[key] != null) (record as Record<string, unknown>)[key] = input[key];
  if (input.visibility?.length) record.visibility = input.visibility;
  if (input.destinations != null) record.destinations = input.destinations;
  if (input.resourceCollectionURL != null) record.resourceCollectionURL = input.resourceCollectionURL;
  if (input.data != null) {
    const data: NonNullable<ActivityEventRecord['data']> = {};
    if (input.data.ttl != null) data.ttl = input.data.ttl;
    if (input.data.isAcknowledgeable != null) data.isAcknowledgeable = input.data.isAcknowledgeable;
    record.data = data;
  }
  return record;
}

const ORDER = [
  'name',
  'sequenceCount',
  'summary',
  'eventTime',
  'source',
  'resourceID',
  'additionalResourceIDs',
  'resourceType',
  'correlationID',
  'severity',
  'class',
  'description',
  'descriptionURL',
  'correctiveAction',
  'correctiveActionURL',
  'visibility',
  'destinations',
  'resourceURI',
  'resourceCollectionURL',
  'resourceMethod',
  'resourceMethodResult',
  'userID',
  'accountID',
  'data',
] as const;

/** The API resource; storage-only fields (`_id`, visibleTo, expiresAt) never leave. */
export function toAstraEvent(record: ActivityEventRecord): AstraEvent {
  const out: Record<string, unknown> = { type: EVENT_TYPE, version: EVENT_VERSION, id: record._id };
  for (const key of ORDER) {
    const value = record[key];
    if (value !== undefined && value !== null) out[key] = key === 'eventTime' ? astraTime(value as Date) : value;
  }
  const m = record.metadata;
  out.metadata = {
    labels: m.labels ?? [],
    creationTimestamp: astraTime(m.creationTimestamp),
    modificationTimestamp: astraTime(m.modificationTimestamp),
    createdBy: m.createdBy,
    ...(m.modifiedBy ? { modifiedBy: m.modifiedBy } : {}),
  };
  return out as AstraEvent;
}

/** Every field of the resource in published order: what `include` may name. */
export const INCLUDABLE: string[] = ['type', 'version', 'id', ...ORDER, 'metadata'];
