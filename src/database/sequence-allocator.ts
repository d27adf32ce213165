import { KeyedSerializer } from './keyed-serializer';

/** Conflicts in a row after which an insert gives up (another writer took every number tried). */
export const SEQUENCE_ATTEMPTS = 25;

/** What a SequenceAllocator needs of one scope (an account) of a sequenced collection. */
export interface SequencedInsert {
  /** The highest number ever used in the scope; 0 when none. */
  highest(): Promise<number>;
  /** Inserts the document numbered `sequence`; false when the scope's unique index says it is taken. */
  insert(sequence: number): Promise<boolean>;
}

/**
 * Numbers documents unique and increasing per scope (an account's sequenceCount), under any concurrency, on a
 * store whose `$inc` can lose one of two concurrent updates (FerretDB), so no counter document is incremented.
 * - Uniqueness is the store's: a unique index on (scope, number) and an insert that fails on conflict. A
 *   conflict (another instance took the number) drops the cached counter and re-reads the highest number in
 *   use, then tries again.
 * - Speed: the next number is cached per scope (seeded from `highest()`), so an insert costs one write.
 * - Order: within an instance, inserts of one scope run one after another, so a reader polling for numbers
 *   above N never sees N+1 before N from this instance. Across instances the numbers stay unique and each
 *   instance's own are increasing; two instances writing one scope at the same moment may commit in either
 *   order.
 */
export class SequenceAllocator {
  private readonly nextByScope = new Map<string, number>();
  private readonly queues = new KeyedSerializer();

  /** Inserts with the next free number of `scope`: the number used, or undefined after SEQUENCE_ATTEMPTS conflicts. */
  insertNext(scope: string, target: SequencedInsert): Promise<number | undefined> {
    return this.queues.run(scope, () => this.allocate(scope, target));
  }

  private async allocate(scope: string, target: SequencedInsert): Promise<number | undefined> {
    for (let attempt = 0; attempt < SEQUENCE_ATTEMPTS; attempt++) {
      const sequence = this.nextByScope.get(scope) ?? (await target.highest()) + 1;
      let inserted: boolean;
      try {
        inserted = await target.insert(sequence);
      } catch (err) {
        // The outcome is unknown (the insert may have landed): forget the counter, re-read it next time.
        this.nextByScope.delete(scope);
        throw err;
      }
      if (inserted) {
        this.nextByScope.set(scope, sequence + 1);
        return sequence;
      }
      this.nextByScope.delete(scope);
    }
    return undefined;
  }
}
