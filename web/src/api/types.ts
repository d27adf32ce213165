import type { components, operations } from '../../../src/contract/api-types';

/* Names for the shapes the pages use, all taken from the generated contract (src/contract/api-types.ts). */
type Schemas = components['schemas'];

export type SearchEventsQuery = NonNullable<operations['searchEvents']['parameters']['query']>;
export type AcquireLockBody = Schemas['AcquireLockDto'];
export type LockHolder = Schemas['LockHolderView'];
export type TrackerEvent = Schemas['TrackerEventView'];
export type OverlapSide = Schemas['OverlapSideView'];
export type DoraQuery = NonNullable<operations['getDora']['parameters']['query']>;
export type Dora = Schemas['DoraResponse'];
export type Incident = Schemas['IncidentResponse'];
export type IncidentsQuery = NonNullable<operations['listIncidents']['parameters']['query']>;
export type Deployability = Schemas['DeployabilityView'];
/** An environment number as the query parameters take it (the contract's enumeration). */
export type EnvironmentParam = NonNullable<operations['checkDeployability']['parameters']['query']>['environment'];
export type FreezeOccurrence = Schemas['FreezeOccurrenceView'];

/**
 * The items of an Astra list (the activity log's events, banners, notifications and unread marks, typed by
 * NetApp's schemas). An item is an array only when the call asked for `include` (the fields it named,
 * in order); the console never does, so those are dropped rather than cast.
 */
export function wholeItems<T>(items: (T | unknown[])[]): T[] {
  return items.filter((item): item is T => !Array.isArray(item));
}
