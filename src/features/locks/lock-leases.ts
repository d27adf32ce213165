import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ConflictError } from '../../platform/errors/domain-errors';
import { CHAIN_PRUNING, ChainPruning, decideOnChain } from '../../platform/database/append-only-chain';
import { LockHead } from './data/lock-chains';
import { KeyHead, LockRepository } from './data/lock.repository';
import {
  AcquireAnswer,
  AcquireRequest,
  activeLock,
  Decision,
  decideAcquire,
  decideExpire,
  decideRelease,
  decideRenew,
  HeldLock,
  keyText,
  LockAnswer,
  LockEnd,
  LockKey,
  LockState,
  parseKeyText,
} from './domain/lock-rules';
import {
  decideAcquireOrWait,
  decideLeave,
  Handoff,
  holderAheadOf,
  lineOf,
  QueuedAcquireAnswer,
  QueueFullAnswer,
  Ticket,
  withQueue,
} from './domain/lock-queue';

/** Where lock rules read the time; injectable so a test can drive expiry. */
export const LOCK_CLOCK = Symbol('LOCK_CLOCK');
export type Clock = () => Date;
/** The chains' pruning timing (default `CHAIN_PRUNING`); a test shortens it. */
export const LOCK_PRUNING = Symbol('LOCK_PRUNING');

/** A lost append means another writer moved the key on; each retry re-reads it. Ten is far beyond what a key sees. */
const MAX_ATTEMPTS = 10;

export interface KeyedLock {
  key: LockKey;
  lock: HeldLock;
}

/** One page of a list: `page` from 1, `perPage` locks at most. */
export interface LockPaging {
  page: number;
  perPage: number;
}

/**
 * The lock engine: applies the pure rules (domain/lock-rules.ts) to a key's chain. Each state change appends
 * the key's next generation with an insert that fails when that generation exists; a writer that loses reads
 * on and decides again. No read-modify-write anywhere (docs/locks.md has the argument). Generations below a
 * settled head hint are pruned in the background (`prune`); a change whose append took longer than the trust
 * window is only answered if its generation is still the head read afresh.
 */
/**
 * How long a lock id is kept at least, stored generation or not: far beyond any acquisition's read-to-append
 * (an append slower than the trust window is only answered if it is still the head), so an id is never deleted
 * under an acquisition that is about to use it.
 */
export const LOCK_ID_RETENTION_MS = 60 * 60 * 1000;
/** Lock ids looked at per prune sweep (the first sweep after an upgrade finds the whole history). */
export const LOCK_ID_PRUNE_BATCH = 5_000;
/** Idle keys deleted per prune sweep at most (a flood's keys go over a few sweeps). */
export const IDLE_KEY_BATCH = 5_000;

/** Told of every hand-off to a waiter, once, by the instance whose append made it. */
export type HandoffListener = (key: LockKey, handoff: Handoff) => Promise<void>;

@Injectable()
export class LockLeases {
  private handoffListener?: HandoffListener;

  constructor(
    private readonly repo: LockRepository,
    @Inject(LOCK_CLOCK) private readonly clock: Clock,
    @Optional() @Inject(LOCK_PRUNING) private readonly pruning: ChainPruning = CHAIN_PRUNING,
  ) {}

  acquire(key: LockKey, req: AcquireRequest): Promise<AcquireAnswer> {
    return this.decide(
      key,
      (head, now) => decideAcquire(head, req, now, randomUUID()),
      (answer, now) => (answer.outcome === 'acquired' ? this.repo.recordLockId(answer.lock.lockId, key, now) : undefined),
    );
  }

  /**
   * Acquires, or with `waitSeconds` joins the key's line when another owner holds it (docs/locks.md, "Queue").
   * A new ticket's id is recorded as a lock id before its generation: it becomes the lock's id on its turn.
   */
  acquireOrWait(key: LockKey, req: AcquireRequest & { waitSeconds?: number }): Promise<QueuedAcquireAnswer | QueueFullAnswer> {
    return this.decide(
      key,
      (head, now) => decideAcquireOrWait(head, req, now, randomUUID()),
      (answer, now) => {
        if (answer.outcome === 'acquired') return this.repo.recordLockId(answer.lock.lockId, key, now);
        if (answer.outcome === 'queued' && answer.joined) return this.repo.recordLockId(answer.ticket.ticketId, key, now);
        return undefined;
      },
    );
  }

  /** A waiter leaves its key's line (its owner, or anyone with `force`). */
  async leave(ticketId: string, leave: { owner?: string; force: boolean }): Promise<LockAnswer<{ ticket: Ticket }> & { key?: LockKey }> {
    const key = await this.keyOf(ticketId);
    if (!key) return { outcome: 'not-found' };
    return { ...(await this.decide(key, (head, now) => decideLeave(head, ticketId, leave, now))), key };
  }

  /** The holder and the live waiters of one key, as stored (a hand-off due is written by the next writer or sweep). */
  async line(key: LockKey): Promise<{ holder?: HeldLock; waiters: Ticket[] }> {
    return lineOf(await this.repo.head(keyText(key)), this.clock());
  }

  /** Who hears of hand-offs (the locks service: changelogs and the live streams); called after the append. */
  onHandoff(listener: HandoffListener): void {
    this.handoffListener = listener;
  }

  /** Renews `lockId` for `owner`; `by`, the caller, is recorded in the generation when known. */
  async renew(
    lockId: string,
    owner: string,
    ttlSeconds?: number,
    by?: string,
  ): Promise<LockAnswer<{ lock: HeldLock }> & { key?: LockKey }> {
    const key = await this.keyOf(lockId);
    if (!key) return { outcome: 'not-found' };
    return { ...(await this.decide(key, (head, now) => decideRenew(head, lockId, { owner, ttlSeconds, by }, now))), key };
  }

  async release(
    lockId: string,
    release: { owner?: string; force: boolean; by?: string },
  ): Promise<LockAnswer<{ lock: HeldLock; how: LockEnd }> & { key?: LockKey }> {
    const key = await this.keyOf(lockId);
    if (!key) return { outcome: 'not-found' };
    return { ...(await this.decide(key, (head, now) => decideRelease(head, lockId, release, now))), key };
  }

  /** The active lock of `key` if it is linked to `eventId`; undefined when there is none. */
  async linked(key: LockKey, eventId: string): Promise<HeldLock | undefined> {
    const lock = activeLock(await this.repo.head(keyText(key)), this.clock());
    return lock?.eventId === eventId ? lock : undefined;
  }

  /**
   * The active lock of `key` if it is linked to `eventId`, released as its owner (`by`, the caller, recorded
   * when known); undefined when there is none.
   */
  async releaseLinked(key: LockKey, eventId: string, by?: string): Promise<HeldLock | undefined> {
    const lock = await this.linked(key, eventId);
    if (!lock) return undefined;
    const answer = await this.decide(key, (head, now) => decideRelease(head, lock.lockId, { owner: lock.owner, force: false, by }, now));
    return answer.outcome === 'ok' ? answer.lock : undefined;
  }

  async get(lockId: string): Promise<KeyedLock | undefined> {
    const key = await this.keyOf(lockId);
    if (!key) return undefined;
    const lock = activeLock(await this.repo.head(keyText(key)), this.clock());
    return lock?.lockId === lockId ? { key, lock } : undefined;
  }

  /**
   * The active locks, by service, environment, resource. Two queries whatever the number of keys
   * (LockRepository.headsOf), plus a read by `_id` per hint that lags behind its key.
   */
  async list(filter: { service?: string; environment?: number; owner?: string }): Promise<KeyedLock[]> {
    const active = activeLocks(await this.repo.headsOf(filter), this.clock());
    return active.filter(({ lock }) => filter.owner === undefined || lock.owner === filter.owner).sort((a, b) => compareKeys(a.key, b.key));
  }

  /** `list`, each lock with the owners of the live tickets in its key's line, next first. */
  async listWithLines(filter: {
    service?: string;
    environment?: number;
  }): Promise<(KeyedLock & { waiting: string[]; pending: boolean })[]> {
    const now = this.clock();
    return (await this.repo.headsOf(filter))
      .flatMap(({ key, head }) => {
        const { holder, pending, waiters } = holderAheadOf(head, now);
        return holder ? [{ key: parseKeyText(key), lock: holder, waiting: waiters.map((t) => t.owner), pending }] : [];
      })
      .sort((a, b) => compareKeys(a.key, b.key));
  }

  /** One page of `list`, and how many locks it pages through. */
  async page(
    filter: { service?: string; environment?: number; owner?: string },
    paging: LockPaging,
  ): Promise<{ locks: KeyedLock[]; totalCount: number }> {
    const active = await this.list(filter);
    const from = (paging.page - 1) * paging.perPage;
    return { locks: active.slice(from, from + paging.perPage), totalCount: active.length };
  }

  /**
   * The locks `caller` holds. The hints say which (one query); a hint may lag behind its key (a lost move), so
   * when they show `atLeast` or more, the candidates' true heads are read (one query more).
   */
  async heldBy(caller: string, atLeast: number): Promise<KeyedLock[]> {
    const now = this.clock();
    let held = await this.repo.heldBy(caller, now, false);
    if (held.length >= atLeast) held = await this.repo.heldBy(caller, now, true);
    return activeLocks(held, now).filter(({ lock }) => lock.caller === caller);
  }

  /** Records the end of every lease that ran out and is still the head of its key; returns the locks ended here. */
  async expireAll(filter: { service?: string } = {}): Promise<KeyedLock[]> {
    const ended: KeyedLock[] = [];
    const since = performance.now();
    for (const { key: text, head } of await this.repo.headsOf(filter)) {
      if (head.value.state !== 'held' || activeLock(head, this.clock())) continue;
      const key = parseKeyText(text);
      const lock = await this.decide(key, (h, now) => decideExpire(h, now), undefined, { head, since });
      if (lock) ended.push({ key, lock });
    }
    return ended;
  }

  /**
   * One prune sweep (docs/locks.md, "Pruning" and "Deleting idle keys"): the generations below every head hint
   * that moved more than the grace before `now`, the keys left idle that long (no lease, no change), the chains
   * closed that long ago, then the lock ids older than LOCK_ID_RETENTION_MS that no stored generation carries.
   * A constant number of queries whatever the number of keys. Returns how many documents went.
   */
  async prune(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.pruning.graceMs);
    const settled = await this.repo.settledHints(cutoff);
    const generations = await this.repo.pruneBelow(settled);
    const keys = await this.repo.deleteIdleKeys(settled, cutoff, now, IDLE_KEY_BATCH);
    const chains = await this.repo.collectClosedChains(cutoff);
    const ids = await this.repo.pruneLockIds(new Date(now.getTime() - LOCK_ID_RETENTION_MS), LOCK_ID_PRUNE_BATCH);
    return generations + keys + chains + ids;
  }

  private async keyOf(lockId: string): Promise<LockKey | undefined> {
    const text = await this.repo.keyOfLock(lockId);
    return text === null ? undefined : parseKeyText(text);
  }

  /**
   * Decides on the key's head and appends the decided generation; when another writer appended it first,
   * reads on from the head it knew and decides again. `beforeWrite` runs before each append. `start`: a head
   * read earlier (at `since`, `performance.now()`) to read on from.
   *
   * An append that ended more than the trust window after the first read is answered only if its generation
   * is the head read afresh; otherwise it may have re-inserted a pruned generation below the true head, and the
   * caller gets a 409 to retry (a retry by the same owner renews the lock if the append did take it).
   */
  private async decide<T>(
    key: LockKey,
    rule: (head: LockHead, now: Date) => Decision<T>,
    beforeWrite?: (answer: T, now: Date) => Promise<void> | undefined,
    start?: { head: LockHead; since: number },
  ): Promise<T> {
    const text = keyText(key);
    const since = start?.since ?? performance.now();
    const head = start ? await this.repo.readOn(text, start.head) : await this.repo.head(text);
    const decided = await decideOnChain<{ answer: T; handoff: Handoff }, LockState>(head, {
      readOn: (from) => this.repo.readOn(text, from as LockHead),
      append: (gen, value, now, after) => this.repo.append(key, gen, value, now, after as LockHead),
      rule: withQueue(rule),
      clock: this.clock,
      beforeWrite: beforeWrite ? ({ answer }, now) => beforeWrite(answer, now) : undefined,
      maxAttempts: MAX_ATTEMPTS,
      trust: { since, windowMs: this.pruning.trustMs, head: () => this.repo.head(text) },
    });
    if (!decided) throw new ConflictError(`The lock on ${describeKey(key)} is changing too fast; retry.`);
    if (!decided.trusted) throw new ConflictError(`The change of the lock on ${describeKey(key)} took too long to be trusted; retry.`);
    const { answer, handoff } = decided.answer;
    if (handoff.acquired.length > 0 && this.handoffListener) await this.handoffListener(key, handoff);
    return answer;
  }
}

export function describeKey(key: LockKey): string {
  return `${key.resource} of ${key.service} in environment ${key.environment}`;
}

function activeLocks(heads: KeyHead[], now: Date): KeyedLock[] {
  return heads.flatMap(({ key, head }) => {
    const lock = activeLock(head, now);
    return lock ? [{ key: parseKeyText(key), lock }] : [];
  });
}

function compareKeys(a: LockKey, b: LockKey): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return text(a.service, b.service) || a.environment - b.environment || text(a.resource, b.resource);
}
