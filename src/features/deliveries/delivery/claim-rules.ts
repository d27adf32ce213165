import type { ChainDecision, ChainHead } from '../../../platform/database/append-only-chain';
import type { AttemptResult } from './delivery-record';

/**
 * The attempt-claim rules, pure: given the newest link of one attempt's claim chain and the time, what a
 * claim, finish or release answers and which link it appends (src/platform/database/append-only-chain.ts). No store,
 * no clock: the caller supplies both.
 */

/** What one link of a claim records. */
export type ClaimState =
  /** Nothing stored yet (gen 0). */
  | { state: 'none' }
  /** An instance is sending this attempt until `expiresAt`; past it, the holder crashed and anyone may take over. */
  | { state: 'held'; holder: string; eventId: string; expiresAt: Date }
  /** The attempt was made: its result, replayed to whoever claims it next (a lost progress write). */
  | { state: 'done'; holder: string; eventId: string; result: AttemptResult }
  /** The holder found the attempt was not needed; anyone may claim it again. */
  | { state: 'released'; holder: string; eventId: string };

export type ClaimHead = ChainHead<ClaimState>;

export const NO_CLAIM: ClaimHead = { gen: 0, value: { state: 'none' } };

/** What a claim decides (AttemptClaims.acquire adds the claim's id to `acquired`). */
export type ClaimAnswer =
  | { kind: 'acquired' }
  /** Someone finished this attempt already; its result may still need to reach the event. */
  | { kind: 'done'; result: AttemptResult }
  /** Another live instance holds it. */
  | { kind: 'busy' };

export interface Claimant {
  holder: string;
  eventId: string;
  leaseMs: number;
}

/** Free, released or a lease that ran out: take it (a takeover appends over the crashed holder's link). */
export function decideClaim(head: ClaimHead, me: Claimant, now: Date): ChainDecision<ClaimAnswer, ClaimState> {
  const v = head.value;
  if (v.state === 'done') return { answer: { kind: 'done', result: v.result } };
  if (v.state === 'held' && v.expiresAt.getTime() > now.getTime()) return { answer: { kind: 'busy' } };
  const expiresAt = new Date(now.getTime() + me.leaseMs);
  return { write: { state: 'held', holder: me.holder, eventId: me.eventId, expiresAt }, answer: { kind: 'acquired' } };
}

/** Only the holder records the result (even past its lease, as long as nobody took over); false otherwise. */
export function decideFinish(head: ClaimHead, holder: string, result: AttemptResult): ChainDecision<boolean, ClaimState> {
  const v = head.value;
  if (v.state !== 'held' || v.holder !== holder) return { answer: false };
  return { write: { state: 'done', holder, eventId: v.eventId, result }, answer: true };
}

/** Only the holder gives its claim up. */
export function decideRelease(head: ClaimHead, holder: string): ChainDecision<boolean, ClaimState> {
  const v = head.value;
  if (v.state !== 'held' || v.holder !== holder) return { answer: false };
  return { write: { state: 'released', holder, eventId: v.eventId }, answer: true };
}
