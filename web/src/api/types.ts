import type { components, operations } from '../../../src/contract/api-types';

/* Request and response shapes, straight from the types generated from the service's OpenAPI document. */
type Schemas = components['schemas'];

export type SearchEventsQuery = NonNullable<operations['searchEvents']['parameters']['query']>;
export type OverlapsQuery = NonNullable<operations['listEventOverlaps']['parameters']['query']>;
export type ListLocksQuery = NonNullable<operations['listLocks']['parameters']['query']>;
export type AcquireLockBody = Schemas['AcquireLockDto'];
export type RenewLockBody = Schemas['RenewLockBodyDto'];

export type EventAttributes = Schemas['CreateEventAttributesDto'];

export type TrackerEvent = Schemas['TrackerEventView'];

export type EventPage = Schemas['EventPageView'];

export type ChangelogEntry = Schemas['ChangelogEntryView'];

export type Delivery = Schemas['DeliveryView'];

export type OverlapSide = Schemas['OverlapSideView'];

export type OverlapsResult = Schemas['OverlapsView'];

export type Lock = Schemas['LockView'];

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
