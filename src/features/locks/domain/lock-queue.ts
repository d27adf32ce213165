import type { AcquireAnswer, AcquireRequest, Decision, HeldLock, LockAnswer, LockState, Ticket } from './lock-rules';
import { activeLock, decideAcquire, type Head } from './lock-rules';

export type { Ticket };

/**
 * The lock queue, pure: waiters are kept in the key's own generations (`queue`, oldest first), so a key's
 * holder and its line change in one append, the one exclusive write the store has (docs/locks.md, "Queue").
 */

export const DEFAULT_WAIT_SECONDS = 300;
export const MIN_WAIT_SECONDS = 10;
export const MAX_WAIT_SECONDS = 86_400;
/** Waiters per key at most: every generation of the key carries its whole line. */
export const MAX_QUEUE_LENGTH = 100;

/** The waiters whose ticket lease still runs at `now`, in line order. */
export function liveQueue(state: LockState, now: Date): Ticket[] {
  return (state.queue ?? []).filter((t) => t.expiresAt.getTime() > now.getTime());
}

/** The lock a ticket becomes when its turn comes at `now`. */
export function lockOf(ticket: Ticket, now: Date): HeldLock {
  return {
    lockId: ticket.ticketId,
    owner: ticket.owner,
    ...(ticket.reason !== undefined ? { reason: ticket.reason } : {}),
    ...(ticket.eventId !== undefined ? { eventId: ticket.eventId } : {}),
    acquiredAt: now,
    expiresAt: new Date(now.getTime() + ticket.ttlSeconds * 1000),
    ttlSeconds: ticket.ttlSeconds,
    ...(ticket.by !== undefined ? { by: ticket.by } : {}),
    ...(ticket.caller !== undefined ? { caller: ticket.caller } : {}),
  };
}

/** What a hand-off did: the waiters that became holders, and the lease that ran out before the first of them. */
export interface Handoff {
  acquired: HeldLock[];
  expired?: HeldLock;
}

/**
 * The state with the line moved on: while nobody holds the key (free, or a lease that ran out), the first live
 * waiter becomes the holder. Tickets whose lease ran out are dropped.
 */
export function handOff(state: LockState, now: Date, handoff: Handoff): LockState {
  const queue = liveQueue(state, now);
  if (state.state === 'held' && state.lock.expiresAt.getTime() > now.getTime()) return { ...state, queue };
  const [next, ...rest] = queue;
  if (!next) return state.state === 'held' ? { ...state, queue } : { ...state, queue: [] };
  if (state.state === 'held') handoff.expired = state.lock;
  const lock = lockOf(next, now);
  handoff.acquired.push(lock);
  return { state: 'held', lock, queue: rest };
}

/**
 * Wraps a rule so the line moves on around it: before it (a lease ran out with waiters in line) and after it (a
 * release with waiters in line). The rule's write keeps the line unless it sets one. When only the hand-off
 * changed the key, the hand-off is written.
 */
export function withQueue<T, H extends Head>(
  rule: (head: H, now: Date) => Decision<T>,
): (head: H, now: Date) => Decision<{ answer: T; handoff: Handoff }> {
  return (head, now) => {
    const handoff: Handoff = { acquired: [] };
    const settled = handOff(head.value, now, handoff);
    const decided = rule({ ...head, value: settled }, now);
    const moved = handoff.acquired.length > 0;
    if (decided.write === undefined && !moved) return { answer: { answer: decided.answer, handoff } };
    const written = decided.write ? { ...decided.write, queue: decided.write.queue ?? settled.queue ?? [] } : settled;
    return { write: handOff(written, now, handoff), answer: { answer: decided.answer, handoff } };
  };
}

export type QueuedAcquireAnswer = AcquireAnswer | { outcome: 'queued'; ticket: Ticket; position: number; joined: boolean };

export type QueueFullAnswer = { outcome: 'queue-full'; holder: HeldLock };

/**
 * An acquisition that may wait: as decideAcquire while the key is free or held by the same owner; held by
 * another, the caller joins the end of the line (or, already in it, keeps its place and renews its ticket).
 */
export function decideAcquireOrWait(
  head: Head,
  req: AcquireRequest & { waitSeconds?: number },
  now: Date,
  newId: string,
): Decision<QueuedAcquireAnswer | QueueFullAnswer> {
  const direct = decideAcquire(head, req, now, newId);
  if (direct.answer.outcome !== 'refused' || req.waitSeconds === undefined) return direct;
  const holder = direct.answer.holder;
  const queue = liveQueue(head.value, now);
  const expiresAt = new Date(now.getTime() + req.waitSeconds * 1000);
  const mine = queue.findIndex((t) => t.owner === req.owner);
  let ticket: Ticket;
  let line: Ticket[];
  if (mine >= 0) {
    ticket = { ...queue[mine], expiresAt, waitSeconds: req.waitSeconds, ttlSeconds: req.ttlSeconds };
    line = queue.map((t, i) => (i === mine ? ticket : t));
  } else {
    if (queue.length >= MAX_QUEUE_LENGTH) return { answer: { outcome: 'queue-full', holder } };
    ticket = {
      ticketId: newId,
      owner: req.owner,
      ...(req.reason !== undefined ? { reason: req.reason } : {}),
      ...(req.eventId !== undefined ? { eventId: req.eventId } : {}),
      ttlSeconds: req.ttlSeconds,
      waitSeconds: req.waitSeconds,
      queuedAt: now,
      expiresAt,
      ...(req.by !== undefined ? { by: req.by } : {}),
      ...(req.caller !== undefined ? { caller: req.caller } : {}),
    };
    line = [...queue, ticket];
  }
  return {
    write: { state: 'held', lock: holder, queue: line },
    answer: { outcome: 'queued', ticket, position: line.indexOf(ticket) + 1, joined: mine < 0 },
  };
}

/** A waiter leaves the line: its owner (or anyone with `force`). */
export function decideLeave(
  head: Head,
  ticketId: string,
  leave: { owner?: string; force: boolean },
  now: Date,
): Decision<LockAnswer<{ ticket: Ticket }>> {
  const queue = liveQueue(head.value, now);
  const ticket = queue.find((t) => t.ticketId === ticketId);
  if (!ticket) return { answer: { outcome: 'not-found' } };
  if (ticket.owner !== leave.owner && !leave.force) return { answer: { outcome: 'not-owner', holder: lockOf(ticket, ticket.queuedAt) } };
  return { write: { ...head.value, queue: queue.filter((t) => t !== ticket) }, answer: { outcome: 'ok', ticket } };
}

/** The key's line as readers see it: no hand-off is written by a read (the next writer or the sweep does it). */
export function lineOf(head: Head, now: Date): { holder?: HeldLock; waiters: Ticket[] } {
  const holder = activeLock(head, now);
  return { ...(holder ? { holder } : {}), waiters: liveQueue(head.value, now) };
}

/**
 * The key's holder as someone planning a deployment must read it: the active holder; or, while nobody holds it (a
 * lease ran out) and a live ticket waits, that waiter (`pending`), whom the next append makes the holder (nobody
 * jumps the line) with a lease counted from then, so its end is not known yet. Nothing is written.
 */
export function holderAheadOf(head: Head, now: Date): { holder?: HeldLock; pending: boolean; waiters: Ticket[] } {
  const { holder, waiters } = lineOf(head, now);
  if (holder || waiters.length === 0) return { ...(holder ? { holder } : {}), pending: false, waiters };
  const [next, ...rest] = waiters;
  return { holder: lockOf(next, now), pending: true, waiters: rest };
}
