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
