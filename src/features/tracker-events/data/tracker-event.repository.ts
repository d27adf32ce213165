import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo, Types } from 'mongoose';
import { EventStatus, EventType } from '../../../contract/enums';
import { ChangelogRecord, TRACKER_EVENT_MODEL, TrackerEventAttributesRecord, TrackerEventRecord } from './tracker-event.schema';
import { InsertCoalescer } from '../../../platform/database/insert-coalescer';
import { KeyedSerializer } from '../../../platform/database/keyed-serializer';
import { dateRange, DateWindow } from '../../../platform/database/portable-filters';
import { StoreProfile } from '../../../platform/database/store-profile';
import { nativeCollection } from '../../../platform/database/native-collection';

/** Typed search criteria: values reach the query only as plain equality values or Date bounds. */
export interface TrackerEventCriteria {
  service?: string;
  type?: number;
  priority?: number;
  environment?: number;
  status?: number;
  /** Event time window: from/to inclusive, before exclusive. */
  window?: DateWindow;
}

export type TrackerEventOrder = 'created' | 'eventTime';
/** What overlap detection reads of an event. */
export type TrackerEventRange = Pick<TrackerEventRecord, '_id' | 'title'> & { attributes: Pick<TrackerEventAttributesRecord, 'service' | 'environment' | 'startDate' | 'endDate'> };
export type TrackerEventRecordView = Omit<TrackerEventRecord, 'changelog'>;
/** What delivery insights read of an event: its kind, times, outcome, links, intake marks and changelog. */
export type DeliveryEventRow = Pick<TrackerEventRecord, '_id' | 'attributes' | 'links' | 'metadata' | 'eventAt' | 'intake' | 'changelog'>;
/** Deployments of one environment and service (or all) in [deploymentsFrom, before), and every incident from incidentsFrom on. */
export interface DeliveryEventsQuery {
  environment?: number;
  service?: string;
  deploymentsFrom: Date;
  before: Date;
  incidentsFrom: Date;
}
/** What the incidents list reads of an event: what delivery insights read, and the title. */
export type IncidentEventRow = DeliveryEventRow & Pick<TrackerEventRecord, 'title'>;
/**
 * Incidents of one environment and service (or all) whose event time is before `before` (all when absent), and
 * deployments of every service and environment from `deploymentsFrom` on (all when absent).
 */
export interface IncidentEventsQuery {
  /** Only this incident (by id) instead of the environment, service and time filter. */
  incidentId?: string;
  environment?: number;
  service?: string;
  before?: Date;
  deploymentsFrom?: Date;
}
/**
 * An update computed from the stored event: the dotted paths to `$set` (none = nothing to write), the changelog
 * entries it appends, and what the caller answers once it is stored.
 */
export interface RevisionUpdate<T> {
  set: Record<string, unknown>;
  changelogEntries: ChangelogRecord[];
  result: T;
}
export type RevisionOutcome<T> = { kind: 'done'; result: T } | { kind: 'not-found' } | { kind: 'conflict' };
export type StatsDimension = 'type' | 'status' | 'environment' | 'priority' | 'month';
/** One combination of dimension values and how many events have it; a value the events lack is absent. */
export interface StatsRow {
  key: Partial<Record<StatsDimension, unknown>>;
  count: number;
}
/**
 * How a read is shaped (see StoreProfile); all three give the same answers.
 * - `indexed` (MongoDB): the store walks an index for the page and again for the count.
 * - `scan` (FerretDB): every query reads the whole collection, so each read is one query where it can be.
 * - `embedded` (the embedded FerretDB, on SQLite): as `scan`, and the size of the whole collection comes from
 *   SQLite's page statistics, exact for its tables, instead of another scan.
 */
export type ReadPlan = 'indexed' | 'scan' | 'embedded';

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
  /** One update cycle per event at a time in this instance (see updateAtRevision). */
  private readonly updates = new KeyedSerializer();
  /** Concurrent creates share one insertMany (see InsertCoalescer); each still waits for its own ack. */
  private readonly inserts = new InsertCoalescer<TrackerEventRecord>(async (docs) => {
    await this.collection.insertMany(docs, { ordered: false });
  });

  private readonly collection: mongo.Collection<TrackerEventRecord>;

  constructor(
    @InjectModel(TRACKER_EVENT_MODEL) model: Model<TrackerEventRecord>,
    private readonly store: StoreProfile,
  ) {
    this.collection = nativeCollection(model);
  }

  private async plan(): Promise<ReadPlan> {
    if (!(await this.store.scansEveryQuery())) return 'indexed';
    return this.store.isEmbedded ? 'embedded' : 'scan';
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
        const { set, changelogEntries, result } = await plan(current);
        const nothingToWrite = Object.keys(set).length === 0 && changelogEntries.length === 0;
        if (nothingToWrite || (await this.writeIfAtRevision(id, current.rev ?? 0, set, changelogEntries))) return { kind: 'done', result };
      }
      return { kind: 'conflict' };
    });
  }

  private async writeIfAtRevision(id: Types.ObjectId, rev: number, set: Record<string, unknown>, changelogEntries: ChangelogRecord[]): Promise<boolean> {
    const update: Record<string, unknown> = { $set: { ...set, rev: rev + 1 } };
    if (changelogEntries.length) update.$push = { changelog: { $each: changelogEntries } };
    const res = await this.collection.updateOne({ _id: id, rev }, update);
    return res.matchedCount === 1;
  }

  /** Events whose last recorded mutation happened in [from, before), without their changelogs; at most `limit`. */
  findMutatedBetween(from: Date, before: Date, limit: number): Promise<TrackerEventRecordView[]> {
    return this.collection.find({ 'lastChange.at': { $gte: from, $lt: before } }, { projection: WITHOUT_CHANGELOG, limit }).toArray();
  }

  /** Which of `ids` are stored (hex strings). */
  async storedIds(ids: Types.ObjectId[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.collection.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
    return new Set(rows.map((r) => r._id.toHexString()));
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
    const how = plan ?? (await this.plan());
    const pageQuery = (): Promise<TrackerEventRecordView[]> =>
      this.collection.find(filter, { projection: WITHOUT_CHANGELOG, sort: SORTS[order], skip, limit }).toArray();
    if (how === 'indexed') {
      const [items, total] = await Promise.all([pageQuery(), this.collection.countDocuments(filter)]);
      return { items, total };
    }
    if (Object.keys(filter).length === 0) {
      // Every event matches (the list): the store sorts and returns only the page; the total is the size
      // of the collection. $count streams (countDocuments' $group would hold every document first).
      const [items, total] = await Promise.all([pageQuery(), how === 'embedded' ? this.collectionSize() : this.countByScan(filter)]);
      return { items, total };
    }
    // A filter (search, today) usually matches few events: one scan returns them all, sorted and paged
    // here, instead of a second scan to count. (Fetching only the page's ids and then each event by id is
    // no cheaper: FerretDB's _id lookup does not use its _id index, each one reads the table again.)
    const matches = (await this.collection.find(filter, { projection: WITHOUT_CHANGELOG }).toArray()) as TrackerEventRecordView[];
    const field = ORDER_FIELDS[order];
    const keyed = matches.map((event) => ({ event, at: timeOf(valueAt(event, field)), hex: event._id.toHexString() }));
    keyed.sort((a, b) => b.at - a.at || (a.hex < b.hex ? 1 : a.hex > b.hex ? -1 : 0));
    return { items: keyed.slice(skip, skip + limit).map((k) => k.event), total: matches.length };
  }

  private async countByScan(filter: mongo.Filter<TrackerEventRecord>): Promise<number> {
    const [row] = await this.collection.aggregate<{ n: number }>([{ $match: filter }, { $count: 'n' }]).toArray();
    return row?.n ?? 0;
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

  /**
   * The deployments and incidents delivery insights need, in one query: deployments of the
   * environment (all environments when none is given) and service (all when none) whose event time is in
   * [deploymentsFrom, before), and incidents of every service and environment from incidentsFrom on (an incident
   * of another service, or a later one, may name a deployment of the window).
   */
  findDeliveryEvents(q: DeliveryEventsQuery): Promise<DeliveryEventRow[]> {
    const deployments: Record<string, unknown> = { 'attributes.type': EventType.Deployment, ...dateRange('eventAt', { from: q.deploymentsFrom, before: q.before }) };
    if (q.environment !== undefined) deployments['attributes.environment'] = Number(q.environment);
    if (q.service !== undefined) deployments['attributes.service'] = String(q.service);
    const filter = { $or: [deployments, { 'attributes.type': EventType.Incident, ...dateRange('eventAt', { from: q.incidentsFrom }) }] };
    const projection = { title: 0, deliveries: 0, yearMonth: 0, day: 0, rev: 0 };
    return this.collection.find(filter as mongo.Filter<TrackerEventRecord>, { projection }).toArray();
  }

  /**
   * The incidents the incidents list may show and the deployments their causes and fixes may be, in one query
   * (docs/incidents.md): incidents of the environment and service (all when none) before `before`, and
   * deployments of any service and environment from `deploymentsFrom` on (a fix or a linked cause may be of
   * another service).
   */
  findIncidentEvents(q: IncidentEventsQuery): Promise<IncidentEventRow[]> {
    const incidents: Record<string, unknown> = q.incidentId
      ? { _id: new Types.ObjectId(q.incidentId) }
      : { 'attributes.type': EventType.Incident, ...dateRange('eventAt', { before: q.before }) };
    if (q.environment !== undefined) incidents['attributes.environment'] = Number(q.environment);
    if (q.service !== undefined) incidents['attributes.service'] = String(q.service);
    const filter = { $or: [incidents, { 'attributes.type': EventType.Deployment, ...dateRange('eventAt', { from: q.deploymentsFrom }) }] };
    const projection = { deliveries: 0, yearMonth: 0, day: 0, rev: 0 };
    return this.collection.find(filter as mongo.Filter<TrackerEventRecord>, { projection }).toArray();
  }

  /**
   * Open incidents of one service and environment, newest first (the service index), as the incidents feature reads
   * them (docs/incidents.md): status Open (reopened, whatever its endDate), or no endDate and a status neither
   * Close nor Done.
   */
  findOpenIncidents(service: string, environment: number, limit: number): Promise<TrackerEventRecordView[]> {
    const filter = {
      'attributes.service': service,
      'attributes.type': EventType.Incident,
      'attributes.environment': environment,
      $or: [
        { 'attributes.status': EventStatus.Open },
        { 'attributes.status': { $nin: [EventStatus.Close, EventStatus.Done] }, 'attributes.endDate': null },
      ],
    };
    return this.collection
      .find(filter as mongo.Filter<TrackerEventRecord>, { projection: WITHOUT_CHANGELOG })
      .sort({ eventAt: -1 })
      .limit(limit)
      .toArray();
  }

  /** The number of events stored, from the embedded store's page statistics (no document is read). */
  private async collectionSize(): Promise<number> {
    try {
      const [stats] = await this.collection.aggregate<{ count?: number }>([{ $collStats: { count: {} } }]).toArray();
      return Number(stats?.count ?? 0);
    } catch (err) {
      if ((err as { code?: number }).code === NAMESPACE_NOT_FOUND) return 0;
      throw err;
    }
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
    const projection: Record<string, 0 | 1> = { _id: 0 };
    for (const d of dimensions) projection[STATS_FIELDS[d]] = 1;
    const groups = new Map<string, StatsRow>();
    for (const doc of await this.collection.find<Record<string, unknown>>(filter, { projection }).toArray()) {
      const values: Record<string, unknown> = {};
      for (const d of dimensions) values[d] = valueAt(doc, STATS_FIELDS[d]);
      const key = presentValues(values, dimensions);
      const id = JSON.stringify(dimensions.map((d) => key[d] ?? null));
      const row = groups.get(id);
      if (row) row.count++;
      else groups.set(id, { key, count: 1 });
    }
    return [...groups.values()];
  }
}

/** No event was ever stored: the collection does not exist yet. */
const NAMESPACE_NOT_FOUND = 26;

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
  return { ...filter, ...dateRange('eventAt', c.window) };
}
