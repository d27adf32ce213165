import { EventType } from '../../../contract/enums';

/**
 * The lock rules, pure: given the head of a key's chain (its newest generation, see docs/locks.md) and the
 * time, what a request answers and which generation it appends. No store, no clock: the caller supplies both.
 */

export const DEFAULT_RESOURCE = 'deployment';
export const DEFAULT_TTL_SECONDS = 3600;
export const MIN_TTL_SECONDS = 10;
export const MAX_TTL_SECONDS = 86_400;

export interface LockKey {
  service: string;
  environment: number;
  resource: string;
}

/** One acquisition, as long as it is held (renewals keep everything but the lease). */
export interface HeldLock {
  /** Unique per acquisition: a UUID. */
  lockId: string;
  owner: string;
  reason?: string;
  eventId?: string;
  acquiredAt: Date;
  expiresAt: Date;
  ttlSeconds: number;
  /**
   * Who made the change this generation records (the acquisition or the latest renewal), when the caller is
   * known: `user:<sub>` with TRACKER_AUTH=required (an admin acting for the owner differs from it).
   */
  by?: string;
  /** Who acquired it (`callerKey`: the verified user, else the address), for the per-caller quota; never shown. */
  caller?: string;
}

/** How a lock stopped being held. */
export type LockEnd = 'released' | 'forced' | 'expired';

/** A waiter's ticket (domain/lock-queue.ts): its own lease (`expiresAt`), and the lock it asks for. Its id becomes the lock's id. */
export interface Ticket {
  ticketId: string;
  owner: string;
  reason?: string;
  eventId?: string;
  /** The lease of the lock once held. */
  ttlSeconds: number;
  /** The ticket's own lease: renewed by asking again (same owner, `wait: true`). */
  waitSeconds: number;
  queuedAt: Date;
  expiresAt: Date;
  by?: string;
  caller?: string;
}

/**
 * The state a generation records: held by one acquisition, or free (saying how the previous lock ended), and
 * the line of waiters (`queue`, oldest first; absent on generations of earlier versions: nobody waits).
 */
export type LockState = ({ state: 'held'; lock: HeldLock } | { state: 'free'; ended?: { lock: HeldLock; how: LockEnd; by?: string } }) & {
  queue?: Ticket[];
};

/** A key's newest generation: its number (0 = never used) and state. */
export interface Head {
  gen: number;
  value: LockState;
}

export const NO_HEAD: Head = { gen: 0, value: { state: 'free' } };

/** The lock a head holds at `now`, if any (a held lease past its expiry holds nothing). */
export function activeLock(head: Head, now: Date): HeldLock | undefined {
  return head.value.state === 'held' && head.value.lock.expiresAt.getTime() > now.getTime() ? head.value.lock : undefined;
}

/** What a rule decides: answer without writing, or append `next` as the key's next generation and answer. */
export type Decision<T> = { write?: undefined; answer: T } | { write: LockState; answer: T };

export interface AcquireRequest {
  owner: string;
  reason?: string;
  eventId?: string;
  ttlSeconds: number;
  /** the caller, recorded in the generation (HeldLock.by) */
  by?: string;
  caller?: string;
}

export type AcquireAnswer =
  | { outcome: 'acquired'; lock: HeldLock; expired?: HeldLock }
  | { outcome: 'renewed'; lock: HeldLock }
  | { outcome: 'refused'; holder: HeldLock };

function leaseFrom(now: Date, ttlSeconds: number): Date {
  return new Date(now.getTime() + ttlSeconds * 1000);
}

/** The lock with `by` as the author of its newest change (none given: no author recorded, as without auth). */
function withBy(lock: HeldLock, by: string | undefined): HeldLock {
  const { by: _previous, ...rest } = lock;
  return by !== undefined ? { ...rest, by } : rest;
}

/**
 * Free (or only an expired lease): a new acquisition with a new id. Held by the same owner: the lease is renewed
 * (same id, reason and event). Held by another owner: refused, nothing written.
 */
export function decideAcquire(head: Head, req: AcquireRequest, now: Date, newLockId: string): Decision<AcquireAnswer> {
  const active = activeLock(head, now);
  if (active && active.owner === req.owner) {
    const lock = withBy({ ...active, expiresAt: leaseFrom(now, req.ttlSeconds), ttlSeconds: req.ttlSeconds }, req.by);
    return { write: { state: 'held', lock }, answer: { outcome: 'renewed', lock } };
  }
  if (active) return { answer: { outcome: 'refused', holder: active } };
  const lock: HeldLock = {
    lockId: newLockId,
    owner: req.owner,
    ...(req.reason !== undefined ? { reason: req.reason } : {}),
    ...(req.eventId !== undefined ? { eventId: req.eventId } : {}),
    acquiredAt: now,
    expiresAt: leaseFrom(now, req.ttlSeconds),
    ttlSeconds: req.ttlSeconds,
    ...(req.by !== undefined ? { by: req.by } : {}),
    ...(req.caller !== undefined ? { caller: req.caller } : {}),
  };
  const expired = head.value.state === 'held' ? head.value.lock : undefined;
  return { write: { state: 'held', lock }, answer: { outcome: 'acquired', lock, ...(expired ? { expired } : {}) } };
}

export type LockAnswer<T> = { outcome: 'not-found' } | { outcome: 'not-owner'; holder: HeldLock } | ({ outcome: 'ok' } & T);

/** The active lock `lockId`, or not-found (released, expired, taken over, or never existed). */
function activeById(head: Head, lockId: string, now: Date): HeldLock | undefined {
  const active = activeLock(head, now);
  return active?.lockId === lockId ? active : undefined;
}

/** Renews the lease of `lockId` for its owner: ttl from now (default: the lock's own ttl); `by` is recorded. */
export function decideRenew(
  head: Head,
  lockId: string,
  renewal: { owner: string; ttlSeconds?: number; by?: string },
  now: Date,
): Decision<LockAnswer<{ lock: HeldLock }>> {
  const active = activeById(head, lockId, now);
  if (!active) return { answer: { outcome: 'not-found' } };
  if (active.owner !== renewal.owner) return { answer: { outcome: 'not-owner', holder: active } };
  const ttl = renewal.ttlSeconds ?? active.ttlSeconds;
  const lock = withBy({ ...active, expiresAt: leaseFrom(now, ttl), ttlSeconds: ttl }, renewal.by);
  return { write: { state: 'held', lock }, answer: { outcome: 'ok', lock } };
}

/**
 * Releases `lockId`: by its owner, or by anyone with `force` (then recorded as forced). `by`, the caller, is
 * recorded when given (always when forced; with TRACKER_AUTH=required for every release).
 */
export function decideRelease(
  head: Head,
  lockId: string,
  release: { owner?: string; force: boolean; by?: string },
  now: Date,
): Decision<LockAnswer<{ lock: HeldLock; how: LockEnd }>> {
  const active = activeById(head, lockId, now);
  if (!active) return { answer: { outcome: 'not-found' } };
  const byOwner = release.owner === active.owner;
  if (!byOwner && !release.force) return { answer: { outcome: 'not-owner', holder: active } };
  const how: LockEnd = byOwner ? 'released' : 'forced';
  const ended = { lock: active, how, ...(release.by ? { by: release.by } : {}) };
  return { write: { state: 'free', ended }, answer: { outcome: 'ok', lock: active, how } };
}

/** Records the end of a lease that ran out (so it is recorded exactly once, by whoever appends first). */
export function decideExpire(head: Head, now: Date): Decision<HeldLock | undefined> {
  if (head.value.state !== 'held' || activeLock(head, now)) return { answer: undefined };
  const lock = head.value.lock;
  return { write: { state: 'free', ended: { lock, how: 'expired' } }, answer: lock };
}

/** The resource of an automatic lock: operations and deployments of one service do not exclude each other. */
export function autoLockResource(eventType: number): string {
  return eventType === EventType.Operation ? 'operation' : DEFAULT_RESOURCE;
}

/** A key as stored: JSON of [service, environment, resource], unambiguous whatever the service name holds. */
export function keyText(key: LockKey): string {
  return JSON.stringify([key.service, key.environment, key.resource]);
}

export function parseKeyText(text: string): LockKey {
  const [service, environment, resource] = JSON.parse(text) as [string, number, string];
  return { service, environment, resource };
}
