import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import { SequenceAllocator } from '../../../platform/database/sequence-allocator';
import { StoreLocator } from '../../../platform/database/store-locator.service';
import { randomUUID } from 'node:crypto';
import { insertOrderedUntilConflict, insertUnlessExists } from '../../../platform/database/unique-insert';
import { LIVE_LOG_ENTRY_MODEL, LIVE_STORE_ID_MODEL, LiveLogEntryRecord, LiveStoreIdRecord } from './live-log.schema';
import { nativeCollection } from '../../../platform/database/native-collection';

/** The one sequence scope: the whole log. */
const LOG = 'live';

/**
 * An entry as stored: `data` is its JSON text. FerretDB encodes a nested document field by field with a type
 * schema and parses it again for the unique `change` index; one string costs it about half as much per entry
 * (0.13 against 0.23 ms of the store's CPU, docs/benchmarks.md), on every create and update. Entries written by
 * earlier versions hold `data` as a document; both read back the same.
 */
type StoredLiveLogEntry = Omit<LiveLogEntryRecord, 'data'> & { data: string | Record<string, unknown> };

function toStored(record: LiveLogEntryRecord): StoredLiveLogEntry {
  return { ...record, data: JSON.stringify(record.data) };
}

function fromStored(stored: StoredLiveLogEntry): LiveLogEntryRecord {
  return { ...stored, data: typeof stored.data === 'string' ? (JSON.parse(stored.data) as Record<string, unknown>) : stored.data };
}

/**
 * The only code touching `live_changes`. Positions come from a SequenceAllocator over the `_id` unique index:
 * each instance group-commits its appends as one ordered insert that stops at the first taken position, and a
 * conflict re-reads the highest position. So every position is inserted only after the one before it is stored:
 * the log has no holes, ever (docs/live.md, "Positions").
 */
@Injectable()
export class LiveLogRepository {
  private readonly positions = new SequenceAllocator();
  private readonly collection: mongo.Collection<StoredLiveLogEntry>;
  private readonly storeIds: mongo.Collection<LiveStoreIdRecord>;

  constructor(
    // The model's schema class is the entry as read back; its documents are stored with `data` as text.
    @InjectModel(LIVE_LOG_ENTRY_MODEL) model: Model<StoredLiveLogEntry>,
    @InjectModel(LIVE_STORE_ID_MODEL) storeIds: Model<LiveStoreIdRecord>,
    private readonly locator: StoreLocator,
  ) {
    this.collection = nativeCollection(model);
    this.storeIds = nativeCollection(storeIds);
  }

  /**
   * Whether another process may append to this log. Not on the embedded store: this process started it, on a
   * free local port, for its own DATA_DIR, so every append is this process's own (and reaches its hub).
   */
  get sharedWithOtherWriters(): boolean {
    return !this.locator.isEmbedded;
  }

  /** This store's identity (created by the first instance to ask; every later one reads the same). */
  async storeId(): Promise<string> {
    await insertUnlessExists(this.storeIds, { _id: 'store', id: randomUUID() });
    const doc = await this.storeIds.findOne({ _id: 'store' });
    if (!doc) throw new Error('live_store_id: the store id vanished right after it was written');
    return doc.id;
  }

  /**
   * Appends the mutation `build` makes at the next position: the stored record, or undefined when it could not
   * be placed (other writers took every position tried, or its mutation key is already logged).
   */
  async append(build: (position: number) => LiveLogEntryRecord): Promise<LiveLogEntryRecord | undefined> {
    const stored = await this.positions.insertNext<LiveLogEntryRecord>(
      LOG,
      { highest: () => this.highest(), insertRun: (docs) => insertOrderedUntilConflict(this.collection, docs.map(toStored)) },
      build,
    );
    return stored?.doc;
  }

  /** The highest position stored; 0 when the log is empty. */
  async highest(): Promise<number> {
    const [top] = await this.collection.find({}, { projection: { _id: 1 }, sort: { _id: -1 }, limit: 1 }).toArray();
    return Number(top?._id ?? 0);
  }

  /** The lowest position still stored, or undefined when the log is empty. */
  async lowest(): Promise<number | undefined> {
    const [bottom] = await this.collection.find({}, { projection: { _id: 1 }, sort: { _id: 1 }, limit: 1 }).toArray();
    return bottom ? Number(bottom._id) : undefined;
  }

  /** Up to `limit` entries after `position` (and at most `upTo`), in position order. */
  async readAfter(position: number, limit: number, upTo = Number.MAX_SAFE_INTEGER): Promise<LiveLogEntryRecord[]> {
    const stored = await this.collection.find({ _id: { $gt: position, $lte: upTo } }, { sort: { _id: 1 }, limit }).toArray();
    return stored.map(fromStored);
  }

  /** The mutation keys logged since `from` (the recovery sweep's "already logged"). */
  async mutationKeysSince(from: Date): Promise<Set<string>> {
    const rows = await this.collection.find({ at: { $gte: from } }, { projection: { change: 1 } }).toArray();
    return new Set(rows.map((r) => r.change));
  }

  /**
   * Deletes the entries logged before `before`, always keeping the newest one (so the lowest stored position
   * tells which cursors are too old, even when nothing changed for a whole window). How many were deleted.
   */
  async deleteOlderThan(before: Date): Promise<number> {
    const top = await this.highest();
    const res = await this.collection.deleteMany({ at: { $lt: before }, _id: { $lt: top } });
    return res.deletedCount;
  }
}
