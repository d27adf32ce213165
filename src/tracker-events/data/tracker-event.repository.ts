import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo, Types } from 'mongoose';
import { ChangelogRecord, TRACKER_EVENT_MODEL, TrackerEventAttributesRecord, TrackerEventRecord } from './tracker-event.schema';
import { InsertCoalescer } from '../../database/insert-coalescer';
import { KeyedSerializer } from '../../database/keyed-serializer';

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
/** What overlap detection reads of an event. */
export type TrackerEventRange = Pick<TrackerEventRecord, '_id' | 'title'> & { attributes: Pick<TrackerEventAttributesRecord, 'service' | 'environment' | 'startDate' | 'endDate'> };
export type TrackerEventRecordView = Omit<TrackerEventRecord, 'changelog'>;
/**
 * An update computed from the stored event: the dotted paths to `$set` (none = nothing to write), the changelog
 * entries it appends, and what the caller answers once it is stored.
 */
export interface RevisionUpdate<T> {
  set: Record<string, unknown>;
  changes: ChangelogRecord[];
  result: T;
}
export type RevisionOutcome<T> = { kind: 'done'; result: T } | { kind: 'not-found' } | { kind: 'conflict' };
export type StatsDimension = 'type' | 'status' | 'environment' | 'priority' | 'month';

const WITHOUT_CHANGELOG = { changelog: 0 } as const;
const SORTS = {
  created: { 'metadata.createdAt': -1, _id: -1 },
  eventTime: { eventAt: -1, _id: -1 },
} as const;
const GROUP_KEYS: Record<StatsDimension, string> = {
  type: '$attributes.type',
  status: '$attributes.status',
  environment: '$attributes.environment',
  priority: '$attributes.priority',
  month: '$yearMonth',
};

/**
 * The only code touching the tracker_events collection. Works on the driver collection directly: no
 * document hydration on the hot paths, and every result is a plain object.
 */
@Injectable()
export class TrackerEventRepository {
  /** One update cycle per event at a time in this instance (see updateAtRevision). */
  private readonly updates = new KeyedSerializer();
  /** Concurrent creates share one insertMany (see InsertCoalescer); each still waits for its own ack. */
  private readonly inserts = new InsertCoalescer<TrackerEventRecord>(async (docs) => {
    await this.collection.insertMany(docs, { ordered: false });
  });

  constructor(@InjectModel(TRACKER_EVENT_MODEL) private readonly model: Model<TrackerEventRecord>) {}

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
   * An optimistic update of one event: reads it, asks `plan` for the update, and writes it only if the event is
   * still at the revision read (bumping it, and appending the changelog entries in the same single-document
   * write). On a lost race it starts over from the fresh copy, up to `attempts` times, so concurrent updates of
   * different fields all survive.
   *
   * The write-if-unchanged is a compare-and-set on MongoDB; FerretDB applies an update as a read-modify-write of
   * the whole document, so two overlapping writes at one revision could both land. The cycles of one event are
   * therefore queued within this instance (on MongoDB that only saves lost races). See docs/store.md.
   */
  updateAtRevision<T>(id: Types.ObjectId, attempts: number, plan: (current: TrackerEventRecordView) => Promise<RevisionUpdate<T>>): Promise<RevisionOutcome<T>> {
    return this.updates.run(id.toHexString(), async () => {
      for (let attempt = 0; attempt < attempts; attempt++) {
        const current = await this.findById(id);
        if (!current) return { kind: 'not-found' };
        const { set, changes, result } = await plan(current);
        const nothingToWrite = Object.keys(set).length === 0 && changes.length === 0;
        if (nothingToWrite || (await this.writeIfAtRevision(id, current.rev ?? 0, set, changes))) return { kind: 'done', result };
      }
      return { kind: 'conflict' };
    });
  }

  private async writeIfAtRevision(id: Types.ObjectId, rev: number, set: Record<string, unknown>, changes: ChangelogRecord[]): Promise<boolean> {
    const update: Record<string, unknown> = { $set: { ...set, rev: rev + 1 } };
    if (changes.length) update.$push = { changelog: { $each: changes } };
    const res = await this.collection.updateOne({ _id: id, rev }, update);
    return res.matchedCount === 1;
  }

  async delete(id: Types.ObjectId): Promise<boolean> {
    const res = await this.collection.deleteOne({ _id: id });
    return res.deletedCount === 1;
  }

  async page(criteria: TrackerEventCriteria, order: TrackerEventOrder, skip: number, limit: number) {
    const filter = toFilter(criteria);
    const [items, total] = await Promise.all([
      this.collection.find(filter, { projection: WITHOUT_CHANGELOG, sort: SORTS[order], skip, limit }).toArray(),
      this.collection.countDocuments(filter),
    ]);
    return { items: items as TrackerEventRecordView[], total };
  }

  async count(criteria: TrackerEventCriteria): Promise<number> {
    return this.collection.countDocuments(toFilter(criteria));
  }

  /**
   * The events whose startDate..endDate range meets [from, before): a start before `before`, and an end after
   * `from` or none (still running). Events without a start are not ranges. At most `limit`, in no order.
   */
  async findRanges(criteria: Pick<TrackerEventCriteria, 'service' | 'environment' | 'type'>, from: Date, before: Date, limit: number): Promise<TrackerEventRange[]> {
    const filter = {
      ...toFilter(criteria),
      'attributes.startDate': { $lt: before },
      $or: [{ 'attributes.endDate': { $gt: from } }, { 'attributes.endDate': null }],
    } as mongo.Filter<TrackerEventRecord>;
    const projection = { title: 1, 'attributes.service': 1, 'attributes.environment': 1, 'attributes.startDate': 1, 'attributes.endDate': 1 };
    return this.collection.find(filter, { projection, limit }).toArray();
  }

  /** Counts per value of one dimension ($group with $sum only: the embedded store has no other accumulator). */
  async countBy(criteria: TrackerEventCriteria, dimension: StatsDimension): Promise<{ _id: unknown; count: number }[]> {
    return this.collection
      .aggregate<{ _id: unknown; count: number }>([
        { $match: toFilter(criteria) },
        { $group: { _id: GROUP_KEYS[dimension], count: { $sum: 1 } } },
      ])
      .toArray();
  }
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
  return filter;
}
