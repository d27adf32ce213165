import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import type { AccountScope } from '../../../auth/account-scope';
import { MongoListQuery, toMongoQuery } from '../../../astra/list-mongo';
import type { ListQuery, ListSpec } from '../../../astra/list-query';
import {
  ACTIVITY_EVENT_MODEL,
  ACTIVITY_SEQUENCE_FLOOR_MODEL,
  ActivityDestination,
  ActivityEventRecord,
  ActivitySequenceFloorRecord,
} from './activity-event.schema';
import { nativeCollection } from '../../../platform/database/native-collection';
import { SequenceAllocator } from '../../../platform/database/sequence-allocator';
import { insertOrderedUntilConflict, insertUnlessExists } from '../../../platform/database/unique-insert';

type Filter = Record<string, unknown>;

/** A page of events; `total` counts every match when the query asked for it (count=true). */
export interface EventPage {
  rows: ActivityEventRecord[];
  total?: number;
}

/** The destinations whose events other resources (notifications, banners) are projections of. */
export type ProjectedDestination = Extract<ActivityDestination, 'notification' | 'banner'>;

/** The events each projection is made of: a banner is a banner-destined event that is not itself a `cleared` one. */
const PROJECTED: Record<ProjectedDestination, Filter> = {
  notification: { destinations: 'notification' },
  banner: { destinations: 'banner', severity: { $ne: 'cleared' } },
};

/**
 * The activity log's only access to `activity_events` (and its sequence floors). Every method takes the
 * AccountScope first and every query carries its account id; the scope type can only come from the auth layer
 * (src/auth/account-scope.ts). Reads filter expiry (`expiresAt > now`) so an event vanishes at
 * eventTime + ttl exactly, whether or not the sweeper has run.
 */
@Injectable()
export class ActivityEventRepository {
  private readonly sequences = new SequenceAllocator();
  private readonly events: mongo.Collection<ActivityEventRecord>;
  private readonly floors: mongo.Collection<ActivitySequenceFloorRecord>;

  constructor(
    @InjectModel(ACTIVITY_EVENT_MODEL) events: Model<ActivityEventRecord>,
    @InjectModel(ACTIVITY_SEQUENCE_FLOOR_MODEL) floors: Model<ActivitySequenceFloorRecord>,
  ) {
    this.events = nativeCollection(events);
    this.floors = nativeCollection(floors);
  }

  /** What the scope's caller may read now: its account, its role among visibleTo, not expired. */
  private readable(scope: AccountScope, now: Date): Filter {
    return { accountID: scope.accountId, visibleTo: scope.role, expiresAt: { $gt: now } };
  }

  /**
   * Inserts the event `build` makes for the account's next sequenceCount (unique and increasing per account:
   * SequenceAllocator over the unique index on accountID + sequenceCount); null when other writers took every
   * number tried.
   */
  async insertWithNextSequence(scope: AccountScope, build: (sequence: number) => Omit<ActivityEventRecord, 'accountID'>): Promise<ActivityEventRecord | null> {
    const stored = await this.sequences.insertNext<ActivityEventRecord>(
      scope.accountId,
      { highest: () => this.highestSequence(scope), insertRun: (docs) => insertOrderedUntilConflict(this.events, docs) },
      (sequence) => ({ ...build(sequence), accountID: scope.accountId }),
    );
    return stored?.doc ?? null;
  }

  /** The highest sequenceCount ever used in the account: stored events (expired ones too) or swept ones. */
  private async highestSequence(scope: AccountScope): Promise<number> {
    const [top, floor] = await Promise.all([
      this.events.find({ accountID: scope.accountId }, { projection: { sequenceCount: 1 } }).sort({ sequenceCount: -1 }).limit(1).toArray(),
      this.floors.findOne({ _id: scope.accountId }),
    ]);
    return Math.max(0, Number(top[0]?.sequenceCount ?? 0), Number(floor?.floor ?? 0));
  }

  findReadable(scope: AccountScope, id: string, now: Date): Promise<ActivityEventRecord | null> {
    return this.events.findOne({ _id: id, ...this.readable(scope, now) });
  }

  /** One page of a parsed Astra list query (src/astra) within what the caller may read. */
  list(scope: AccountScope, q: ListQuery, spec: ListSpec, now: Date): Promise<EventPage> {
    return this.page(this.readable(scope, now), toMongoQuery(q, spec), q.count);
  }

  /**
   * One page of the readable events sent to one destination (the notification and banner projections),
   * leaving out the given event ids (a user's read or dismissed ones, cleared banners).
   */
  listWithDestination(
    scope: AccountScope,
    destination: ProjectedDestination,
    q: ListQuery,
    spec: ListSpec,
    now: Date,
    excludeEventIds: readonly string[] = [],
  ): Promise<EventPage> {
    const excluded: Filter = excludeEventIds.length ? { _id: { $nin: [...excludeEventIds] } } : {};
    return this.page({ ...this.readable(scope, now), ...PROJECTED[destination], ...excluded }, toMongoQuery(q, spec), q.count);
  }

  /** Up to `limit` readable events sent to one destination, in id order (banners looks for the cleared ones). */
  findWithDestination(scope: AccountScope, destination: ProjectedDestination, now: Date, limit: number): Promise<ActivityEventRecord[]> {
    return this.events
      .find({ ...this.readable(scope, now), ...PROJECTED[destination] })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
  }

  private async page(base: Filter, q: MongoListQuery, withCount: boolean): Promise<EventPage> {
    const within = (filter: Filter): Filter => (Object.keys(filter).length ? { $and: [base, filter] } : base);
    const [rows, total] = await Promise.all([
      this.events.find(within(q.filter)).sort(q.sort).skip(q.skip).limit(q.limit).toArray(),
      withCount ? this.events.countDocuments(within(q.countFilter)) : Promise.resolve(undefined),
    ]);
    return { rows, total };
  }

  /**
   * Unexpired `cleared` events of the account with one of the given correlationIDs (whatever their
   * visibility: whether a condition is cleared is a fact about the account, not about the reader).
   */
  findClearing(scope: AccountScope, correlationIDs: string[], now: Date): Promise<Pick<ActivityEventRecord, '_id' | 'correlationID' | 'summary' | 'sequenceCount'>[]> {
    if (correlationIDs.length === 0) return Promise.resolve([]);
    return this.events
      .find<Pick<ActivityEventRecord, '_id' | 'correlationID' | 'summary' | 'sequenceCount'>>(
        { accountID: scope.accountId, correlationID: { $in: [...new Set(correlationIDs)] }, severity: 'cleared', expiresAt: { $gt: now } },
        { projection: { _id: 1, correlationID: 1, summary: 1, sequenceCount: 1 } },
      )
      .toArray();
  }

  /** Up to `limit` events of the account past their expiry (for the sweeper). */
  expired(scope: AccountScope, now: Date, limit: number): Promise<Pick<ActivityEventRecord, '_id' | 'sequenceCount'>[]> {
    return this.events
      .find<Pick<ActivityEventRecord, '_id' | 'sequenceCount'>>(
        { accountID: scope.accountId, expiresAt: { $lte: now } },
        { projection: { _id: 1, sequenceCount: 1 } },
      )
      .limit(limit)
      .toArray();
  }

  /** Deletes those of `ids` that are expired; idempotent, so several sweeping instances are harmless. */
  async deleteExpired(scope: AccountScope, ids: string[], now: Date): Promise<number> {
    const res = await this.events.deleteMany({ accountID: scope.accountId, _id: { $in: ids }, expiresAt: { $lte: now } });
    return res.deletedCount;
  }

  /**
   * Makes the account's sequence floor at least `sequence`. The store may lose one of two concurrent updates,
   * so the write is repeated until a read shows it stuck (a floor only ever rises).
   */
  async raiseSequenceFloor(scope: AccountScope, sequence: number): Promise<void> {
    const id = scope.accountId;
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = await this.floors.findOne({ _id: id });
      if (current && current.floor >= sequence) return;
      if (!current) {
        await insertUnlessExists(this.floors, { _id: id, floor: sequence });
      } else {
        await this.floors.updateOne({ _id: id, floor: current.floor }, { $set: { floor: sequence } });
      }
    }
    throw new Error(`could not raise the sequence floor of account ${scope.accountId} to ${sequence}`);
  }
}
