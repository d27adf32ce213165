/**
 * An append-only chain of documents per key: the one exclusive "change this key" both stores give us. Each
 * change of a key inserts its next link, `_id` = `<key>#<n>`, with an insert that fails when that `_id` exists
 * (`insertUnlessExists`), so of all writers appending link n exactly one wins. A writer only appends n after
 * reading n-1 as the newest link, and links are never updated, so what it decided from n-1 is still true when
 * its insert succeeds. No update or delete is part of a change (on the embedded FerretDB both are a read
 * followed by a write by `_id`, not atomic). Used by deployment locks (docs/locks.md) and delivery attempt
 * claims (docs/store.md, "Append-only chains").
 */

/** A key's newest link as a reader saw it: its number (0 = nothing stored) and what it records. */
export interface ChainHead<V> {
  gen: number;
  value: V;
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
  /** Inserts link `gen`: true when this call created it, false when it exists. */
  append(gen: number, value: V, now: Date): Promise<boolean>;
  rule(head: ChainHead<V>, now: Date): ChainDecision<T, V>;
  clock(): Date;
  /** Runs before each append. */
  beforeWrite?(answer: T, now: Date): Promise<void> | undefined;
  maxAttempts: number;
}

/**
 * Decides on the head and appends the decided link; when another writer appended it first, reads on from the
 * head it knew and decides again. Resolves with the answer (`appended` tells whether this call wrote), or
 * `undefined` when every attempt lost a race (the key is changing faster than `maxAttempts` rounds).
 */
export async function decideOnChain<T, V>(
  start: ChainHead<V>,
  steps: ChainSteps<T, V>,
): Promise<{ answer: T; appended: boolean } | undefined> {
  let head = start;
  for (let attempt = 0; attempt < steps.maxAttempts; attempt++) {
    const now = steps.clock();
    const decision = steps.rule(head, now);
    if (!decision.write) return { answer: decision.answer, appended: false };
    await steps.beforeWrite?.(decision.answer, now);
    if (await steps.append(head.gen + 1, decision.write, now)) return { answer: decision.answer, appended: true };
    head = await steps.readOn(head);
  }
  return undefined;
}
