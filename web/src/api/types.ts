import type { components, operations } from './openapi';

/*
 * Request shapes come straight from the generated OpenAPI types. The document does not describe response bodies
 * yet (only their status codes), so responses are built here from the generated request schemas plus the fields
 * the mappers add (src/*\/*.mapper.ts); when the document gains response schemas these become aliases of them.
 */
type Schemas = components['schemas'];

export type SearchEventsQuery = NonNullable<operations['TrackerEventsHttpController_search']['parameters']['query']>;
export type OverlapsQuery = NonNullable<operations['EventOverlapsHttpController_overlaps']['parameters']['query']>;
export type ListLocksQuery = NonNullable<operations['LocksHttpController_list']['parameters']['query']>;
export type AcquireLockBody = Schemas['AcquireLockDto'];
export type RenewLockBody = Schemas['RenewLockBodyDto'];

export type EventAttributes = Schemas['CreateEventAttributesDto'];

export interface TrackerEvent {
  id: string;
  title: string;
  attributes: EventAttributes;
  links: Schemas['EventLinksDto'];
  metadata: { createdAt: string; updatedAt: string; duration?: string; durationSeconds?: number };
  related?: { id: string; title: string; duration: string; durationSeconds: number };
}

export interface EventPage {
  events: TrackerEvent[];
  totalCount: number;
  page: number;
  perPage: number;
}

export interface ChangelogEntry {
  at: string;
  field: string;
  old: unknown;
  new: unknown;
  source: string;
}

export interface Delivery {
  dedupKey: string;
  channel: string;
  trigger: string;
  state: string;
  attempts: { at: string; ok: boolean; error?: string; detail?: string }[];
  nextAttemptAt?: string;
  createdAt: string;
  reason?: string;
}

export interface OverlapSide {
  id: string;
  title: string;
  startDate: string;
  endDate: string | null;
}

export interface OverlapsResult {
  groups: { key: string; overlaps: { a: OverlapSide; b: OverlapSide; overlapSeconds: number }[]; totalOverlaps: number }[];
  totalOverlaps: number;
  truncated: boolean;
}

export interface Lock {
  id: string;
  service: string;
  environment: number;
  resource: string;
  owner: string;
  reason: string | null;
  eventId: string | null;
  acquiredAt: string;
  expiresAt: string;
}

/** Astra resources: the activity log's events and the notification projections. */
export type AstraEventBody = Schemas['CreateActivityEventDto'];
export interface AstraEvent extends AstraEventBody {
  type: string;
  version: string;
  id: string;
  sequenceCount: number;
  eventTime: string;
  metadata: { creationTimestamp: string; createdBy: string; labels: { name: string; value: string }[] };
}

export interface AstraUnread {
  id: string;
  notificationID: string;
  sequenceCount: number;
  severity: string;
  metadata: { creationTimestamp: string };
}

export interface AstraList<T> {
  type: string;
  version: string;
  items: T[];
  metadata: { count?: number; continue?: string };
}
