import { isDuplicateKey } from './store-errors';

/**
 * The insert-that-fails-on-conflict every "exactly one winner" in Tracker rests on (claims, marks, idempotency
 * keys, sequence numbers): true when this call created the document, false when its unique key already exists.
 * Other errors propagate.
 */
export async function insertUnlessExists(collection: { insertOne(doc: never): Promise<unknown> }, doc: unknown): Promise<boolean> {
  try {
    await collection.insertOne(doc as never);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

interface OrderedInsertTarget {
  insertMany(docs: never[], options: { ordered: true }): Promise<{ insertedCount: number }>;
}

/**
 * An ordered insertMany that stops at the first document whose unique key already exists: resolves with how
 * many documents, from the front, were stored (all of them when none conflicted). Any other failure, or a
 * report that does not account for exactly the documents before the conflict, propagates (outcome unknown).
 */
export async function insertOrderedUntilConflict(collection: OrderedInsertTarget, docs: unknown[]): Promise<number> {
  try {
    await collection.insertMany(docs as never[], { ordered: true });
    return docs.length;
  } catch (err) {
    const writeErrors = ([] as { index?: unknown; code?: unknown }[]).concat((err as { writeErrors?: never }).writeErrors ?? []);
    const first = writeErrors[0];
    const inserted =
      (err as { insertedCount?: unknown; result?: { insertedCount?: unknown } }).insertedCount ??
      (err as { result?: { insertedCount?: unknown } }).result?.insertedCount;
    if (first && isDuplicateKey(first) && typeof first.index === 'number' && (inserted === undefined || inserted === first.index))
      return first.index;
    throw err;
  }
}

interface UnorderedInsertTarget {
  insertMany(docs: never[], options: { ordered: false }): Promise<unknown>;
}

/**
 * `insertUnlessExists` for many documents in one unordered insertMany: per document, true when this call
 * created it, false when its unique key already existed (both stores report each document's duplicate-key
 * error). Any other failure, or a failure that names no document, propagates (outcome unknown).
 */
export async function insertEachUnlessExists(collection: UnorderedInsertTarget, docs: unknown[]): Promise<boolean[]> {
  if (docs.length === 0) return [];
  try {
    await collection.insertMany(docs as never[], { ordered: false });
    return docs.map(() => true);
  } catch (err) {
    const writeErrors = ([] as { index?: unknown; code?: unknown }[]).concat((err as { writeErrors?: never }).writeErrors ?? []);
    if (writeErrors.length === 0 || !writeErrors.every((e) => isDuplicateKey(e) && typeof e.index === 'number')) throw err;
    const existing = new Set(writeErrors.map((e) => e.index));
    return docs.map((_, i) => !existing.has(i));
  }
}
