import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config.service';
import { DeliveryClaimRepository } from '../data/delivery-claim.repository';
import type { AttemptResult } from './delivery-record';

export type ClaimOutcome =
  | { kind: 'acquired'; id: string }
  /** Someone finished this attempt already; its result may still need to reach the event. */
  | { kind: 'done'; result: AttemptResult }
  /** Another live instance holds it. */
  | { kind: 'busy' };

export function claimId(dedupKey: string, attemptNo: number): string {
  return `${dedupKey}#${attemptNo}`;
}

/**
 * Claims one attempt of one delivery across every app instance on the store: an insert of a unique `_id`
 * wins for exactly one of them. A held claim past its lease is a crashed holder's: it is deleted only in
 * exactly that state, then inserted afresh (so of several instances taking over, one wins).
 */
@Injectable()
export class AttemptClaims {
  /** This instance's name in the claims it holds. */
  readonly holder = randomUUID();

  constructor(
    private readonly claims: DeliveryClaimRepository,
    private readonly config: AppConfig,
  ) {}

  async acquire(dedupKey: string, attemptNo: number, eventId: string, now = new Date()): Promise<ClaimOutcome> {
    const id = claimId(dedupKey, attemptNo);
    const fresh = () => ({
      _id: id,
      eventId,
      holder: this.holder,
      state: 'held' as const,
      expiresAt: new Date(now.getTime() + this.config.notify.leaseMs),
    });
    if (await this.claims.tryInsert(fresh())) return { kind: 'acquired', id };
    const existing = await this.claims.find(id);
    if (!existing) return (await this.claims.tryInsert(fresh())) ? { kind: 'acquired', id } : { kind: 'busy' };
    if (existing.state === 'done') return { kind: 'done', result: reviveResult(existing.result) };
    if (new Date(existing.expiresAt).getTime() > now.getTime()) return { kind: 'busy' };
    if (!(await this.claims.deleteExact(existing))) return { kind: 'busy' };
    return (await this.claims.tryInsert(fresh())) ? { kind: 'acquired', id } : { kind: 'busy' };
  }

  /** Records the result in the claim before the event, so a lost event write is replayed, not re-sent. */
  finish(id: string, result: AttemptResult, now = new Date()): Promise<boolean> {
    return this.claims.finish(id, this.holder, result, now);
  }

  /** Gives up a claim whose attempt turned out not to be needed (someone already moved the delivery on). */
  async release(id: string): Promise<void> {
    const existing = await this.claims.find(id);
    if (existing && existing.holder === this.holder && existing.state === 'held') await this.claims.deleteExact(existing);
  }

  deleteFinishedBefore(cutoff: Date): Promise<number> {
    return this.claims.deleteFinishedBefore(cutoff);
  }
}

/** Stored results come back with their dates as Dates (the driver keeps them), but be lenient with strings. */
function reviveResult(raw: unknown): AttemptResult {
  const r = raw as AttemptResult;
  return {
    ...r,
    attempt: { ...r.attempt, at: new Date(r.attempt.at) },
    ...(r.nextAttemptAt ? { nextAttemptAt: new Date(r.nextAttemptAt) } : {}),
  };
}
