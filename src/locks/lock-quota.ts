import { Inject, Injectable } from '@nestjs/common';
import { BearerVerifier } from '../common/auth/bearer-verifier';
import { CallParts, callerKey } from '../common/auth/caller';
import { AppConfig } from '../config/app-config.service';
import { KeyedSerializer } from '../database/keyed-serializer';
import { LockQuotaError } from './domain/lock-errors';
import { keyText, LockKey } from './domain/lock-rules';
import { Clock, KeyedLock, LOCK_CLOCK, LockLeases } from './lock-leases';

/**
 * At most LOCKS_MAX_ACTIVE_PER_CALLER active locks per caller (`callerKey`: the verified user, else the peer
 * address), so that one client cannot fill the store with keys (docs/locks.md, "Quota"). The count is one
 * query of the key hints (LockLeases.heldBy). One caller's acquisitions run one at a time on each instance, so
 * each reads a count that includes the one before it; acquisitions of one caller racing on several instances
 * may each pass on the same count, so a caller can end up to one lock per other instance over the quota (and
 * one more per hint that lags behind its key, which is rare).
 */
@Injectable()
export class LockQuota {
  /** One caller's acquisitions, one at a time on this instance. */
  private readonly turns = new KeyedSerializer();

  constructor(
    private readonly leases: LockLeases,
    private readonly config: AppConfig,
    private readonly verifier: BearerVerifier,
    @Inject(LOCK_CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Runs `acquire` for the call's caller (passed on, to be recorded with the lock) unless the caller already
   * holds the quota's worth of active locks and `key` is not one of them (acquiring a lock it holds renews it).
   */
  async admit<T>(call: CallParts, key: LockKey, acquire: (caller: string) => Promise<T>): Promise<T> {
    const caller = await callerKey(call, this.verifier);
    return this.turns.run(caller, async () => {
      const limit = this.config.locksMaxActivePerCaller;
      const held = await this.leases.heldBy(caller, limit);
      if (held.length >= limit && !held.some((h) => keyText(h.key) === keyText(key)))
        throw new LockQuotaError(limit, firstEnd(held, this.clock()));
      return acquire(caller);
    });
  }
}

/** Seconds until the first of `held` runs out (at least 1). */
function firstEnd(held: KeyedLock[], now: Date): number {
  const first = Math.min(...held.map(({ lock }) => lock.expiresAt.getTime()));
  return Math.max(1, Math.ceil((first - now.getTime()) / 1000));
}
