/** Conflicts in a row after which an insert gives up (other writers took every number tried). */
export const SEQUENCE_ATTEMPTS = 25;

/** The longest pause before retrying after a conflict. */
const MAX_BACKOFF_MS = 64;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** At most this many inserts of one scope share one write. */
export const MAX_SEQUENCE_BATCH = 256;

/** What a SequenceAllocator needs of one scope (an account) of a sequenced collection. */
export interface SequencedTarget<T> {
  /** The highest number ever used in the scope; 0 when none. */
  highest(): Promise<number>;
  /**
   * Inserts `docs` (numbered consecutively, in this order) as one ordered write that stops at the first number
   * the scope's unique index says is taken: resolves with how many documents, from the front, were stored.
   * Any other failure rejects (the outcome is then unknown).
   */
  insertRun(docs: T[]): Promise<number>;
}

interface Waiting<T> {
  build(sequence: number): T;
  resolve(stored: { sequence: number; doc: T } | undefined): void;
  reject(err: unknown): void;
  conflicts: number;
}

interface ScopeQueue<T> {
  waiting: Waiting<T>[];
  draining: boolean;
}

/**
 * Numbers documents unique and increasing per scope (an account's sequenceCount), under any concurrency, on a
 * store whose `$inc` can lose one of two concurrent updates (FerretDB), so no counter document is incremented.
 * - Uniqueness is the store's: a unique index on (scope, number) and an ordered insert that stops at the
 *   first taken number. A conflict (another instance took it) drops the cached counter and re-reads the highest
 *   number in use; the inserts not yet stored try again, first in line, after a short randomised pause.
 * - Speed: concurrent inserts of one scope are group-committed. While one write of the scope is in flight the
 *   next callers wait, then all of them (up to MAX_SEQUENCE_BATCH) get consecutive numbers and share one write;
 *   the next number is cached per scope (seeded from `highest()`), so a batch costs one write.
 * - Order: within an instance, the writes of one scope run one after another and each is ordered, so a reader
 *   polling for numbers above N never sees N+1 before N from this instance. Across instances the numbers stay
 *   unique and each instance's own are increasing; two instances writing one scope at the same moment may commit
 *   in either order.
 * Each caller is answered on its own document's outcome: stored (its number), given up after SEQUENCE_ATTEMPTS
 * conflicts (undefined), or the write's error.
 */
export class SequenceAllocator {
  private readonly nextByScope = new Map<string, number>();
  private readonly queues = new Map<string, ScopeQueue<unknown>>();

  /**
   * Inserts `build(n)` with the next free number n of `scope`: that number and document, or undefined after
   * SEQUENCE_ATTEMPTS conflicts. Every caller of one scope must pass an equivalent `target` (the writes of a
   * scope's batch go through the target of the caller that started draining it).
   */
  insertNext<T>(
    scope: string,
    target: SequencedTarget<T>,
    build: (sequence: number) => T,
  ): Promise<{ sequence: number; doc: T } | undefined> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(scope) as ScopeQueue<T> | undefined;
      if (!queue) {
        queue = { waiting: [], draining: false };
        this.queues.set(scope, queue);
      }
      queue.waiting.push({ build, resolve, reject, conflicts: 0 });
      if (!queue.draining) void this.drain(scope, queue, target);
    });
  }

  private async drain<T>(scope: string, queue: ScopeQueue<T>, target: SequencedTarget<T>): Promise<void> {
    queue.draining = true;
    // Let the callers of this tick join the first batch.
    await Promise.resolve();
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, MAX_SEQUENCE_BATCH);
      const retry = await this.write(scope, batch, target);
      if (retry.length > 0) {
        queue.waiting.unshift(...retry);
        // Another instance is writing this scope (its ordered write may still be landing, number by number):
        // give it a moment, growing with the conflicts, with jitter so two instances fall out of step.
        await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** retry[0].conflicts));
      }
    }
    queue.draining = false;
    this.queues.delete(scope);
  }

  /** One write of a batch; returns the callers that must try again (after a conflict), in their order. */
  private async write<T>(scope: string, batch: Waiting<T>[], target: SequencedTarget<T>): Promise<Waiting<T>[]> {
    let stored: number;
    let first = 0;
    let docs: T[] = [];
    try {
      first = this.nextByScope.get(scope) ?? (await target.highest()) + 1;
      docs = batch.map((w, i) => w.build(first + i));
      stored = await target.insertRun(docs);
    } catch (err) {
      // The outcome is unknown (part of the write may have landed): forget the counter, re-read it next time.
      this.nextByScope.delete(scope);
      for (const w of batch) w.reject(err);
      return [];
    }
    batch.slice(0, stored).forEach((w, i) => w.resolve({ sequence: first + i, doc: docs[i] }));
    if (stored === batch.length) {
      this.nextByScope.set(scope, first + stored);
      return [];
    }
    this.nextByScope.delete(scope);
    const retry: Waiting<T>[] = [];
    for (const w of batch.slice(stored)) {
      if (++w.conflicts >= SEQUENCE_ATTEMPTS) w.resolve(undefined);
      else retry.push(w);
    }
    return retry;
  }
}
