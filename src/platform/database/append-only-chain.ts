import { performance } from 'node:perf_hooks';

/**
 * An append-only chain of documents per key: the one exclusive "change this key" both stores give us. Each
 * change of a key inserts its next link, `_id` = `<key>#<n>`, with an insert that fails when that `_id` exists
 * (`insertUnlessExists`), so of all writers appending link n exactly one wins. A writer only appends n after
 * reading n-1 as the newest link, and links are never updated, so what it decided from n-1 is still true when
 * its insert succeeds. No update or delete is part of a change (on the embedded FerretDB both are a read
 * followed by a write by `_id`, not atomic). Used by deployment locks (docs/locks.md) and delivery attempt
 * claims (docs/store.md, "Append-only chains").
 *
 * Pruning (below): each chain has a head hint (a copy of a recent link, moved only forward, stamped `movedAt`)
 * where readers start; a background sweep deletes the links below every hint that moved more than the grace
 * ago. A writer that read link n-1 as the head inserts n; were n pruned by then, its insert would succeed below
 * the true head, so a writer whose decision took longer than the trust window (half the grace) does not trust
 * its append without reading the head again (`decideOnChain`, `trust`).
 */

/**
 * A key's newest link as a reader saw it: its number (0 = nothing stored) and what it records. `chain` names the
 * chain when a key may have several over time (a deleted lock key used again starts a new one), so that two
 * links with one number are told apart.
 */
export interface ChainHead<V> {
  gen: number;
  value: V;
  chain?: string;
}

/** What a rule decides from the head: answer without writing, or append `write` as the next link and answer. */
export type ChainDecision<T, V> = { write?: undefined; answer: T } | { write: V; answer: T };

export function chainLinkId(key: string, gen: number): string {
  return `${key}#${gen}`;
}

/**
 * Reads on from a link known to exist (or gen 0) until the next one is missing: the key's head. Exact because a
 * chain has no gaps above any link a writer read: link n is only ever appended by a writer that read n-1.
 */
export async function readOnChain<V>(from: ChainHead<V>, readLink: (gen: number) => Promise<ChainHead<V> | null>): Promise<ChainHead<V>> {
  let head = from;
  for (;;) {
    const next = await readLink(head.gen + 1);
    if (!next) return head;
    head = next;
  }
}

export interface ChainSteps<T, V> {
  /** Reads on from a head (see `readOnChain`). */
  readOn(from: ChainHead<V>): Promise<ChainHead<V>>;
  /** Inserts link `gen` after `head` (in its chain): true when this call created it, false when it exists. */
  append(gen: number, value: V, now: Date, head: ChainHead<V>): Promise<boolean>;
  rule(head: ChainHead<V>, now: Date): ChainDecision<T, V>;
  clock(): Date;
  /** Runs before each append. */
  beforeWrite?(answer: T, now: Date): Promise<void> | undefined;
  maxAttempts: number;
  /** Set when the chain is pruned: an append that ends later than `windowMs` after `since` is checked. */
  trust?: ChainTrust<V>;
}

/** How a writer of a pruned chain checks a slow append (see `decideOnChain`). */
export interface ChainTrust<V> {
  /** `performance.now()` before the read the first decision rests on. */
  since: number;
  windowMs: number;
  /** The key's head, read afresh from its hint. */
  head(): Promise<ChainHead<V>>;
}

export interface ChainOutcome<T> {
  answer: T;
  /** This call appended a link. */
  appended: boolean;
  /**
   * False only for an append that took longer than the trust window and whose link is not the head read
   * afresh: it may have re-inserted a pruned link below the true head, so its answer must not be acted on.
   */
  trusted: boolean;
}

/**
 * Decides on the head and appends the decided link; when another writer appended it first, reads on from the
 * head it knew and decides again. Resolves with the answer (`appended` tells whether this call wrote), or
 * `undefined` when every attempt lost a race (the key is changing faster than `maxAttempts` rounds).
 *
 * With `trust`, a decision is never taken on a head read more than `windowMs` ago (the head is read afresh
 * from the hint instead), and an append ending more than `windowMs` after its head was read is checked: the head
 * read afresh is that very link, or the append is not trusted. A pruned link re-inserted late sits below the
 * hint, so a fresh read never ends on it; a link that is the fresh head is the key's true state.
 */
export async function decideOnChain<T, V>(start: ChainHead<V>, steps: ChainSteps<T, V>): Promise<ChainOutcome<T> | undefined> {
  const trust = steps.trust;
  let since = trust?.since ?? 0;
  const late = () => trust !== undefined && performance.now() - since > trust.windowMs;
  let head = start;
  for (let attempt = 0; attempt < steps.maxAttempts; attempt++) {
    if (late()) {
      // Reading on from a head this old may step over pruned links: start again from the hint.
      since = performance.now();
      head = await trust!.head();
    }
    const now = steps.clock();
    const decision = steps.rule(head, now);
    if (!decision.write) return { answer: decision.answer, appended: false, trusted: true };
    await steps.beforeWrite?.(decision.answer, now);
    const gen = head.gen + 1;
    if (await steps.append(gen, decision.write, now, head)) {
      const trusted = !late() || isLink(await trust!.head(), head.chain, gen);
      return { answer: decision.answer, appended: true, trusted };
    }
    head = await steps.readOn(head);
  }
  return undefined;
}

function isLink<V>(head: ChainHead<V>, chain: string | undefined, gen: number): boolean {
  return head.gen === gen && head.chain === chain;
}

/**
 * Links below a head hint are deleted once the hint moved this long ago. The grace is what keeps a pruned `_id`
 * from being re-inserted unnoticed: a writer inserts link n only after reading n-1 as the head, and link n, the
 * link above it and the hint's move all came after that read, so re-inserting a pruned n takes a writer longer
 * than the grace between its read and its insert, and a writer checks any append that took longer than
 * `TRUST_WINDOW_MS` (the other half is room for clock differences between instances: `movedAt` is one
 * instance's wall clock, the sweep's cutoff another's).
 */
export const PRUNE_GRACE_MS = 10 * 60 * 1000;
export const TRUST_WINDOW_MS = PRUNE_GRACE_MS / 2;

/** A chain's pruning timing; tests shorten both (the trust window must stay at most half the grace). */
export interface ChainPruning {
  graceMs: number;
  trustMs: number;
}

export const CHAIN_PRUNING: ChainPruning = { graceMs: PRUNE_GRACE_MS, trustMs: TRUST_WINDOW_MS };

/** What a head hint document holds (`_id` = the chain's key): a copy of a link, and when it was moved there. */
export interface ChainHint {
  _id: string;
  head?: { gen: number } | null;
  movedAt?: Date;
}

/**
 * Moves the hint of `key` to `link` only forward (a hint at or past its number is left alone), stamping
 * `movedAt` after the link is stored: the prune grace counts from it. A hint whose document does not exist yet
 * (or holds no link) matches too; `upsert` creates a missing one. On the embedded store the condition is read,
 * then the document written, so two moves racing may still leave the older link: a hint lags, and the links
 * above it exist, as long as no move lands more than the grace after it was sent.
 */
export function hintMove<L extends { gen: number }>(
  key: string,
  link: L,
): { filter: Record<string, unknown>; update: Record<string, unknown> } {
  return {
    filter: { _id: key, $or: [{ head: null }, { 'head.gen': { $lt: link.gen } }] },
    update: { $set: { head: link, movedAt: new Date() } },
  };
}

/** The hints whose links below may go: those moved before `cutoff` (one find, indexed by `movedAt`). */
export function settledHints(cutoff: Date): { filter: Record<string, unknown>; projection: Record<string, 1> } {
  return { filter: { movedAt: { $lt: cutoff } }, projection: { 'head.gen': 1 } };
}

/**
 * One condition per settled hint matching the links of its chain below it (`keyField` names the chain's key in
 * a link), for one deleteMany: the sweep's query count does not grow with the number of keys or links.
 */
export function linksBelow(hints: readonly ChainHint[], keyField: string): Record<string, unknown>[] {
  return hints.flatMap((h) => ((h.head?.gen ?? 0) > 1 ? [{ [keyField]: h._id, gen: { $lt: h.head!.gen } }] : []));
}
