/**
 * What the store's (MongoDB's or FerretDB's) errors mean, read in one place: the driver's error names, labels
 * and messages are store knowledge, not feature code (docs/store.md).
 */

/** MongoDB's (and FerretDB's) duplicate-key error code. FerretDB's carries no keyValue, so only the code counts. */
export const DUPLICATE_KEY = 11000;

export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === DUPLICATE_KEY;
}

/** Driver errors that mean "the store cannot be reached now", whatever the operation. */
const UNREACHABLE_ERROR_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
  'MongoExpiredSessionError',
]);

/** The messages of the wrappers that keep only the text of the outage (MongoBulkWriteError around a timeout). */
const UNREACHABLE_MESSAGE =
  /before initial connection is complete|Client must be connected|connection .* (closed|timed out)|interrupted due to server monitor timeout|Server selection timed out|ECONNREFUSED|ECONNRESET/i;

/** How deep a chain of wrapped errors (errorResponse, cause) is followed. */
const MAX_WRAPPING = 3;

/**
 * True when `err` says the store is unreachable (down, restarting, frozen, not yet connected) rather than that
 * the operation itself failed: the caller answers 503 and the client may retry.
 */
export function isStoreUnavailableError(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error)) return false;
  if (UNREACHABLE_ERROR_NAMES.has(err.name)) return true;
  // insertMany wraps a whole-batch failure in a MongoBulkWriteError that keeps the original in errorResponse.
  const inner = (err as { errorResponse?: unknown }).errorResponse ?? (err as { cause?: unknown }).cause;
  if (depth < MAX_WRAPPING && inner !== err && isStoreUnavailableError(inner, depth + 1)) return true;
  // Mongoose with bufferCommands off, and driver errors labelled as transient.
  const labels = (err as { errorLabelSet?: Set<string> }).errorLabelSet;
  if (labels?.has('ResetPool') || labels?.has('RetryableWriteError')) return true;
  return UNREACHABLE_MESSAGE.test(err.message);
}
