import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo, Types } from 'mongoose';
import { ChangelogRecord, TRACKER_EVENT_MODEL, TrackerEventRecord } from './tracker-event.schema';
import { InsertCoalescer } from '../../database/insert-coalescer';
import { StoreProfile } from '../../database/store-profile';

/** Typed search criteria: values reach the query only as plain equality values or Date bounds. */
export interface TrackerEventCriteria {
  service?: string;
  type?: number;
  priority?: number;
  environment?: number;
  status?: number;
  /** Event time window: from/to inclusive, before exclusive. */
  window?: { from?: Date; to?: Date; before?: Date };
}

export type TrackerEventOrder = 'created' | 'eventTime';
export type TrackerEventRecordView = Omit<TrackerEventRecord, 'changelog'>;
export type StatsDimension = 'type' | 'status' | 'environment' | 'priority' | 'month';
/** One combination of dimension values and how many events have it; a value the events lack is absent. */
export interface StatsRow {
  key: Partial<Record<StatsDimension, unknown>>;
  count: number;
}
/**
 * How a read is shaped (see StoreProfile): `indexed` lets the store walk an index for the page and again for
 * the count (MongoDB); `scan` reads the collection once and does the rest here (FerretDB, where every query
 * is a full scan anyway). Both give the same answers.
 */
export type ReadPlan = 'indexed' | 'scan';

const WITHOUT_CHANGELOG = { changelog: 0 } as const;
const SORTS = {
  created: { 'metadata.createdAt': -1, _id: -1 },
  eventTime: { eventAt: -1, _id: -1 },
} as const;
/** The field each order sorts on, newest first, `_id` (newest first) breaking ties: the same as SORTS. */
const ORDER_FIELDS: Record<TrackerEventOrder, string> = { created: 'metadata.createdAt', eventTime: 'eventAt' };
const STATS_FIELDS: Record<StatsDimension, string> = {
  type: 'attributes.type',
  status: 'attributes.status',
  environment: 'attributes.environment',
  priority: 'attributes.priority',
  month: 'yearMonth',
};

/**
 * The only code touching the tracker_events collection. Works on the driver collection directly: no
 * document hydration on the hot paths, and every result is a plain object.
 */
@Injectable()
export class TrackerEventRepository {
  /** Concurrent creates share one insertMany (see InsertCoalescer); each still waits for its own ack. */
  private readonly inserts = new InsertCoalescer<TrackerEventRecord>(async (docs) => {
    await this.collection.insertMany(docs, { ordered: false });
  });

  constructor(
    @InjectModel(TRACKER_EVENT_MODEL) private readonly model: Model<TrackerEventRecord>,
    private readonly store: StoreProfile,
  ) {}

  private async plan(): Promise<ReadPlan> {
    return (await this.store.scansEveryQuery()) ? 'scan' : 'indexed';
  }

  private get collection() {
    return this.model.collection as unknown as mongo.Collection<TrackerEventRecord>;
  }

  /** One single-document write: the event with its first changelog entry. */
  insert(record: TrackerEventRecord): Promise<void> {
    return this.inserts.insert(record);
  }

  async findById(id: Types.ObjectId): Promise<TrackerEventRecordView | null> {
    return this.collection.findOne({ _id: id }, { projection: WITHOUT_CHANGELOG });
  }

  async findChangelog(id: Types.ObjectId): Promise<ChangelogRecord[] | null> {
    const doc = await this.collection.findOne({ _id: id }, { projection: { changelog: 1 } });
    return doc ? (doc.changelog ?? []) : null;
  }

  /**
   * Applies a computed update only if the event is still at `rev`, appending its changelog entries in the
   * same write. False means someone else changed (or deleted) it first; the caller re-reads and retries.
   */
  async applyUpdate(id: Types.ObjectId, rev: number, set: Record<string, unknown>, changes: ChangelogRecord[]): Promise<boolean> {
    const update: Record<string, unknown> = { $set: { ...set, rev: rev + 1 } };
    if (changes.length) update.$push = { changelog: { $each: changes } };
    const res = await this.collection.updateOne({ _id: id, rev }, update);
    return res.matchedCount === 1;
  }

  async delete(id: Types.ObjectId): Promise<boolean> {
    const res = await this.collection.deleteOne({ _id: id });
    return res.deletedCount === 1;
  }

  /** One page in `order` and how many events match in all. `plan` is the store's own unless given. */
  async page(
    criteria: TrackerEventCriteria,
    order: TrackerEventOrder,
    skip: number,
    limit: number,
    plan?: ReadPlan,
  ): Promise<{ items: TrackerEventRecordView[]; total: number }> {
    const filter = toFilter(criteria);
    if ((plan ?? (await this.plan())) === 'indexed') {
      const [items, total] = await Promise.all([
        this.collection.find(filter, { projection: WITHOUT_CHANGELOG, sort: SORTS[order], skip, limit }).toArray(),
        this.collection.countDocuments(filter),
      ]);
      return { items: items as TrackerEventRecordView[], total };
    }
    // One scan for the count and the order: the sort key and id of every match (small documents), sorted
    // here; then the page's events by id, which the store answers from its primary key without a scan.
    // Store-side sort + skip/limit and a separate count would each read the whole collection again.
    const field = ORDER_FIELDS[order];
    const keys = await this.collection.find(filter, { projection: { _id: 1, [field]: 1 } }).toArray();
    const sorted = keys
      .map((doc) => ({ id: doc._id, hex: doc._id.toHexString(), at: timeOf(valueAt(doc, field)) }))
      .sort((a, b) => b.at - a.at || (a.hex < b.hex ? 1 : a.hex > b.hex ? -1 : 0));
    const ids = sorted.slice(skip, skip + limit).map((k) => k.id);
    const found = await Promise.all(ids.map((id) => this.findById(id)));
    // An event deleted between the two reads is left out (as it would be by a count and a page read apart).
    return { items: found.filter((e) => e !== null), total: keys.length };
  }

  /**
   * How many matching events have each combination of values of `dimensions`: one read either way. The
   * store groups on MongoDB; on FerretDB, whose $group keeps every document and compares each with every
   * group so far, the few fields are read in one scan and counted here.
   */
  async countBy(criteria: TrackerEventCriteria, dimensions: readonly StatsDimension[], plan?: ReadPlan): Promise<StatsRow[]> {
    const filter = toFilter(criteria);
    if ((plan ?? (await this.plan())) === 'indexed') {
      const key = Object.fromEntries(dimensions.map((d) => [d, `$${STATS_FIELDS[d]}`]));
      const rows = await this.collection
        .aggregate<{ _id: Record<string, unknown>; count: number }>([{ $match: filter }, { $group: { _id: key, count: { $sum: 1 } } }])
        .toArray();
      return rows.map((r) => ({ key: presentValues(r._id, dimensions), count: r.count }));
    }
    const projection = Object.fromEntries([['_id', 0], ...dimensions.map((d) => [STATS_FIELDS[d], 1])]);
    const groups = new Map<string, StatsRow>();
    for (const doc of await this.collection.find(filter, { projection }).toArray()) {
      const key = presentValues(Object.fromEntries(dimensions.map((d) => [d, valueAt(doc, STATS_FIELDS[d])])), dimensions);
      const id = JSON.stringify(dimensions.map((d) => key[d] ?? null));
      const row = groups.get(id);
      if (row) row.count++;
      else groups.set(id, { key, count: 1 });
    }
    return [...groups.values()];
  }
}

/** The value at a dotted path of a plain document. */
function valueAt(doc: object, path: string): unknown {
  let v: unknown = doc;
  for (const part of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

/** A sort key in milliseconds; a missing time sorts last newest-first, as the store sorts a missing field. */
function timeOf(v: unknown): number {
  return v instanceof Date ? v.getTime() : -Infinity;
}

/** The dimension values that are there (null and missing both mean "not recorded": writes never store null). */
function presentValues(values: Record<string, unknown>, dimensions: readonly StatsDimension[]): StatsRow['key'] {
  const key: StatsRow['key'] = {};
  for (const d of dimensions) if (values[d] !== undefined && values[d] !== null) key[d] = values[d];
  return key;
}

function toFilter(c: TrackerEventCriteria): mongo.Filter<TrackerEventRecord> {
  const filter: Record<string, unknown> = {};
  if (c.service !== undefined) filter['attributes.service'] = String(c.service);
  if (c.type !== undefined) filter['attributes.type'] = Number(c.type);
  if (c.priority !== undefined) filter['attributes.priority'] = Number(c.priority);
  if (c.environment !== undefined) filter['attributes.environment'] = Number(c.environment);
  if (c.status !== undefined) filter['attributes.status'] = Number(c.status);
  const w = c.window;
  if (w && (w.from || w.to || w.before)) {
    const range: Record<string, Date> = {};
    if (w.from) range.$gte = w.from;
    if (w.to) range.$lte = w.to;
    if (w.before) range.$lt = w.before;
    filter.eventAt = range;
  }
  return filter as mongo.Filter<TrackerEventRecord>;
}
