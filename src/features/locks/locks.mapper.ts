import type { HeldLock, LockKey, Ticket } from './domain/lock-rules';
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

/** 202: a place in a key's line. */
export function toQueuedResponse({ ticket, position }: { ticket: Ticket; position: number }) {
  return { queued: true as const, position, ticketId: ticket.ticketId, expiresAt: ticket.expiresAt.toISOString() };
}

/** One key's line: its holder (absent when free) and the waiters, next first. */
export function toQueueResponse(key: LockKey, line: { holder?: HeldLock; waiters: Ticket[] }) {
  return {
    ...key,
    ...(line.holder ? { holder: toLockResponse({ key, lock: line.holder }) } : {}),
    waiters: line.waiters.map((t, i) => ({
      ticketId: t.ticketId,
      position: i + 1,
      owner: t.owner,
      reason: t.reason ?? null,
      queuedAt: t.queuedAt.toISOString(),
      expiresAt: t.expiresAt.toISOString(),
    })),
  };
}
