import { isStoreUnavailableError } from './store-errors';

/** What a batch write reports: the positions (in the batch) that failed, each with its error. */
export type BatchWriter<T> = (docs: T[]) => Promise<void>;

interface Pending<T> {
  doc: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface WriteErrorLike {
  index: number;
  code?: number;
  errmsg?: string;
}

/** The per-document failures of an unordered insertMany (driver MongoBulkWriteError), if that is what `err` is. */
function perDocumentErrors(err: unknown): WriteErrorLike[] | undefined {
  const list = (err as { writeErrors?: unknown }).writeErrors;
  // The driver wraps a whole-batch failure (server selection timeout, closed socket) in a MongoBulkWriteError
  // with writeErrors = []: that is no per-document outcome, and must not acknowledge anything.
  if (Array.isArray(list)) return list.length > 0 ? (list as WriteErrorLike[]) : undefined;
  if (list && typeof list === 'object' && 'index' in list) return [list as WriteErrorLike];
  return undefined;
}

/** A duplicate-key error for one document, shaped like the driver's single-insert error. */
function documentError(e: WriteErrorLike): Error {
  return Object.assign(new Error(e.errmsg ?? 'write failed'), { name: 'MongoServerError', code: e.code });
}

/**
 * Group commit for inserts. While `maxInFlight` batches are being written, new documents queue; as soon as a
 * slot frees, everything queued goes out as one unordered insertMany. Under light load a document is written
 * at once (no added delay); under heavy load the store sees a few large writes instead of many small ones,
 * which is what a single-writer store (SQLite) and MongoDB both do best. One batch in flight by default: the
 * embedded store spends about 1.9 ms of CPU on each insert command whatever its size (docs/benchmarks.md), so
 * the batches twice as large as with two in flight cut its CPU per create by a fifth and lifted creates by as
 * much; a second batch in flight bought no parallelism from a single-writer store.
 *
 * Each caller's promise settles only when the batch holding its document has been acknowledged by the store,
 * with that document's own outcome: acknowledged still means stored.
 *
 * When a whole batch fails because the store is unreachable, the documents that queued behind it share that
 * answer at once (nothing of theirs was written; the caller answers 503 and the client retries): otherwise each
 * queued batch would wait out its own server selection in turn, and a create arriving in an outage would be
 * refused only after two of them.
 */
export class InsertCoalescer<T> {
  private queue: Pending<T>[] = [];
  private inFlight = 0;

  constructor(
    private readonly write: BatchWriter<T>,
    private readonly options: { maxBatch: number; maxInFlight: number } = { maxBatch: 500, maxInFlight: 1 },
  ) {}

  insert(doc: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ doc, resolve, reject });
      // Requests that arrive in the same tick join the same batch.
      if (this.queue.length === 1) setImmediate(() => this.pump());
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(batch: Pending<T>[]): Promise<void> {
    try {
      await this.write(batch.map((p) => p.doc));
      for (const p of batch) p.resolve();
    } catch (err) {
      const failures = perDocumentErrors(err);
      // Acknowledge the rest only when the store's own count says every other document went in.
      const inserted =
        (err as { insertedCount?: unknown }).insertedCount ?? (err as { result?: { insertedCount?: unknown } }).result?.insertedCount;
      if (!failures || (typeof inserted === 'number' && inserted + failures.length !== batch.length)) {
        for (const p of batch) p.reject(err);
        if (isStoreUnavailableError(err)) for (const p of this.queue.splice(0)) p.reject(err);
        return;
      }
      const failed = new Map(failures.map((f) => [f.index, f]));
      batch.forEach((p, i) => {
        const f = failed.get(i);
        if (f) p.reject(documentError(f));
        else p.resolve();
      });
    }
  }
}
