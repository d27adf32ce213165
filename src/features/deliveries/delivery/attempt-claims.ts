import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { AppConfig } from '../../../platform/config/app-config.service';
import { ChainDecision, decideOnChain, PRUNE_GRACE_MS, TRUST_WINDOW_MS } from '../../../platform/database/append-only-chain';
import { DeliveryClaimRepository } from '../data/delivery-claim.repository';
import { ClaimAnswer, ClaimHead, ClaimState, decideClaim, decideFinish, decideRelease } from './claim-rules';
import type { AttemptResult } from './delivery-record';

/** What acquiring a claim answers: the rule's answer, with the claim's id when this instance acquired it. */
export type ClaimOutcome = Exclude<ClaimAnswer, { kind: 'acquired' }> | { kind: 'acquired'; id: string };

export function claimId(dedupKey: string, attemptNo: number): string {
  return `${dedupKey}#${attemptNo}`;
}

/** A lost append means another instance changed the claim; each retry re-reads it. */
const MAX_ATTEMPTS = 5;
/** The chains' pruning timing (src/platform/database/append-only-chain.ts): claims use the shared grace. */
export { PRUNE_GRACE_MS };

/**
 * Claims one attempt of one delivery across every app instance on the store. Each change of a claim (claimed,
 * taken over from a crashed holder whose lease ran out, finished, released) appends the next link of the
 * attempt's chain with an insert that fails when the link exists, so of several instances exactly one wins
 * each step, on MongoDB and FerretDB alike (src/platform/database/append-only-chain.ts). Nothing is updated or deleted
 * to take over.
 */
@Injectable()
export class AttemptClaims {
  private readonly logger = new Logger(AttemptClaims.name);
  /** This instance's name in the claims it holds. */
  readonly holder = randomUUID();

  constructor(
    private readonly claims: DeliveryClaimRepository,
    private readonly config: AppConfig,
  ) {}

  async acquire(dedupKey: string, attemptNo: number, eventId: string, now = new Date()): Promise<ClaimOutcome> {
    const id = claimId(dedupKey, attemptNo);
    const me = { holder: this.holder, eventId, leaseMs: this.config.notify.leaseMs };
    const decided = await this.decide(id, (head, at) => decideClaim(head, me, at), now, performance.now());
    if (!decided) return { kind: 'busy' };
    if (!decided.trusted) {
      // Our read may predate a prune: the link we inserted may sit below the true head. Let the lease run out.
      this.logger.warn({ claim: id }, 'attempt claim took too long to be trusted; left to expire');
      return { kind: 'busy' };
    }
    const answer = decided.answer;
    return answer.kind === 'acquired' ? { kind: 'acquired', id } : answer;
  }

  /** Records the result in the claim before the event, so a lost event write is replayed, not re-sent. */
  async finish(id: string, result: AttemptResult, now = new Date()): Promise<boolean> {
    return (await this.decide(id, (head) => decideFinish(head, this.holder, result), now))?.answer ?? false;
  }

  /** Gives up a claim whose attempt turned out not to be needed (someone already moved the delivery on). */
  async release(id: string): Promise<void> {
    await this.decide(id, (head) => decideRelease(head, this.holder), new Date());
  }

  /** Deletes chains finished before `finishedBefore` whole, and prunes links their head left behind. */
  sweep(now: Date, finishedBefore: Date): Promise<number> {
    return this.claims.sweep({ now, finishedBefore, supersededBefore: new Date(now.getTime() - PRUNE_GRACE_MS) });
  }

  /** With `since` (acquire), a slow append is checked against the head read afresh (`ChainTrust`). */
  private async decide<T>(id: string, rule: (head: ClaimHead, now: Date) => ChainDecision<T, ClaimState>, now: Date, since?: number) {
    return decideOnChain<T, ClaimState>(await this.claims.head(id), {
      readOn: (from) => this.claims.readOn(id, from),
      append: (gen, value, at) => this.claims.append(id, gen, value as Exclude<ClaimState, { state: 'none' }>, at),
      rule,
      clock: () => now,
      maxAttempts: MAX_ATTEMPTS,
      ...(since !== undefined ? { trust: { since, windowMs: TRUST_WINDOW_MS, head: () => this.claims.head(id) } } : {}),
    });
  }
}
