/** How often each instance sweeps old intake receipts (the window is days long: an hour late is nothing). */
export const RECEIPT_SWEEP_EVERY_MS = 60 * 60 * 1000;

/**
 * The start of the retention window at `now`: a receipt last claimed before it (strictly) is deleted by the
 * sweep; one claimed exactly at it, or later, is kept. `claimedAt` is the receipt's age because it is set when
 * the delivery is taken in (or taken over) and `doneAt` follows within seconds.
 */
export function receiptRetentionCutoff(now: Date, retentionMs: number): Date {
  return new Date(now.getTime() - retentionMs);
}
