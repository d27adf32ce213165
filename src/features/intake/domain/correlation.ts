import { createHash } from 'node:crypto';
import { Types } from 'mongoose';

/**
 * The tracker event id an upstream object always maps to: the first 12 bytes of SHA-256 over its key parts.
 * Creating the event under this id is the correlation and the exactly-once guard at once: the store's unique
 * `_id` lets exactly one create win, on any number of instances, and every later delivery about the same
 * upstream object (a deployment status, a pipeline run's end, an incident's resolution) finds the same event
 * without a query. The parts are JSON-encoded, so no two different part lists share a key.
 *
 * (Lists sort by creation time, the id only breaks ties, so a hashed id changes no order anyone relies on.)
 */
export function correlatedEventId(parts: readonly string[]): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(JSON.stringify(parts)).digest().subarray(0, 12));
}
