import type { KeyedLock, LockPaging } from './lock-leases';

/** A lock as REST and gRPC return it (gRPC drops the nulls: unset proto3 fields). */
export function toLockResponse({ key, lock }: KeyedLock) {
  return {
    id: lock.lockId,
    service: key.service,
    environment: key.environment,
    resource: key.resource,
    owner: lock.owner,
    reason: lock.reason ?? null,
    eventId: lock.eventId ?? null,
    acquiredAt: lock.acquiredAt.toISOString(),
    expiresAt: lock.expiresAt.toISOString(),
  };
}

/** One page of locks: `totalCount` counts every active lock matching the filter, on every page. */
export function toLockListResponse({ locks, totalCount }: { locks: KeyedLock[]; totalCount: number }, paging: LockPaging) {
  return { locks: locks.map(toLockResponse), totalCount, page: paging.page, perPage: paging.perPage };
}
