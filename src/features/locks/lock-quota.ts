import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BearerVerifier } from '../../auth/bearer-verifier';
import { callerKey } from '../../auth/caller';
import type { CallParts } from '../../platform/http/call-parts';
import { AppConfig } from '../../platform/config/app-config.service';
import { KeyedSerializer } from '../../platform/database/keyed-serializer';
import { LockCallerRepository } from './data/lock-caller.repository';
import { LockQuotaError } from './domain/lock-errors';
import { AcquireAnswer, keyText, LockKey, MAX_TTL_SECONDS } from './domain/lock-rules';
import type { QueuedAcquireAnswer, QueueFullAnswer } from './domain/lock-queue';
import { Clock, KeyedLock, LOCK_CLOCK, LockLeases } from './lock-leases';

/**
 * At most LOCKS_MAX_ACTIVE_PER_CALLER active locks per caller (`callerKey`: the verified user, else the peer
 * address), so that one client cannot fill the store with keys (docs/locks.md, "Quota").
 *
 * Counting every key per acquisition was a scan of all keys on the embedded store (33 ms of store CPU per
 * acquisition at 200 keys, growing with them), so each instance records the lock ids a caller acquired through
 * it (`lock_callers`, one document per caller and instance, written only by that instance): a count is one small
 * read. Ids stay recorded after their lock ended, so the record over-counts, never under; only at the quota are
 * the caller's locks read exactly (LockLeases.heldBy), this instance's ended ids dropped, and the acquisition
 * refused if the caller really holds the quota. One caller's acquisitions run one at a time on each instance,
 * so each counts the one before it; acquisitions racing on several instances may each pass on the same count:
 * a caller can end up to one lock per other instance over the quota.
 */
@Injectable()
export class LockQuota {
  /** One caller's acquisitions, one at a time on this instance. */
  private readonly turns = new KeyedSerializer();
  /** This process's part of the `lock_callers` ids. */
  private readonly instance = randomUUID();

  constructor(
    private readonly leases: LockLeases,
    private readonly callers: LockCallerRepository,
    private readonly config: AppConfig,
    private readonly verifier: BearerVerifier,
    @Inject(LOCK_CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Runs `acquire` for the call's caller (passed on, to be recorded with the lock) unless the caller already
   * holds the quota's worth of active locks and `key` is not one of them (acquiring a lock it holds renews it).
   */
  async admit<A extends AcquireAnswer | QueuedAcquireAnswer | QueueFullAnswer>(
    call: CallParts,
    key: LockKey,
    acquire: (caller: string) => Promise<A>,
  ): Promise<A> {
    const caller = await callerKey(call, this.verifier);
    return this.turns.run(caller, async () => {
      const limit = this.config.locksMaxActivePerCaller;
      const id = `${this.instance}|${caller}`;
      const records = await this.callers.ofCaller(caller);
      const recorded = records.find((r) => r._id === id)?.lockIds ?? [];
      let kept = recorded;
      if (records.reduce((n, r) => n + r.lockIds.length, 0) >= limit) {
        const held = await this.leases.heldBy(caller, limit);
        const active = new Set(held.map(({ lock }) => lock.lockId));
        kept = recorded.filter((lockId) => active.has(lockId));
        if (held.length >= limit && !held.some((h) => keyText(h.key) === keyText(key))) {
          if (kept.length < recorded.length) await this.callers.save(id, caller, kept, this.clock());
          throw new LockQuotaError(limit, firstEnd(held, this.clock()));
        }
      }
      const answer = await acquire(caller);
      if (answer.outcome === 'acquired') kept = [...kept, answer.lock.lockId];
      // A ticket's id is its lock's id once its turn comes: recorded now, counted once it holds (heldBy).
      if (answer.outcome === 'queued' && answer.joined) kept = [...kept, answer.ticket.ticketId];
      if (kept !== recorded) await this.callers.save(id, caller, kept, this.clock());
      return answer;
    });
  }

  /**
   * Deletes the records no instance changed for the longest lease (a day): every lock in them was acquired
   * before, so it has ended unless renewed all along. Returns how many went.
   */
  prune(now: Date): Promise<number> {
    return this.callers.deleteUnchangedSince(new Date(now.getTime() - MAX_TTL_SECONDS * 1000));
  }
}

/** Seconds until the first of `held` runs out (at least 1). */
function firstEnd(held: KeyedLock[], now: Date): number {
  const first = Math.min(...held.map(({ lock }) => lock.expiresAt.getTime()));
  return Math.max(1, Math.ceil((first - now.getTime()) / 1000));
}
