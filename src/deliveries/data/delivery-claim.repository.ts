import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import {
  DELIVERY_CLAIM_MODEL,
  DELIVERY_PROGRESS_MODEL,
  DeliveryClaimRecord,
  DeliveryProgressRecord,
  NOTIFICATION_DUE_MODEL,
  NotificationDueRecord,
} from './delivery-claim.schema';
import { insertUnlessExists } from '../../database/unique-insert';

/** Attempt claims (collection delivery_claims). */
@Injectable()
export class DeliveryClaimRepository {
  constructor(@InjectModel(DELIVERY_CLAIM_MODEL) private readonly model: Model<DeliveryClaimRecord>) {}

  private get collection() {
    return this.model.collection as unknown as mongo.Collection<DeliveryClaimRecord>;
  }

  /** True when this insert created the claim; false when the id exists already. */
  tryInsert(claim: DeliveryClaimRecord): Promise<boolean> {
    return insertUnlessExists(this.collection, claim);
  }

  find(id: string): Promise<DeliveryClaimRecord | null> {
    return this.collection.findOne({ _id: id });
  }

  /** Deletes a claim only in exactly the state the caller saw (a takeover must not remove a fresh claim). */
  async deleteExact(claim: Pick<DeliveryClaimRecord, '_id' | 'holder' | 'state' | 'expiresAt'>): Promise<boolean> {
    const res = await this.collection.deleteOne({ _id: claim._id, holder: claim.holder, state: claim.state, expiresAt: claim.expiresAt });
    return res.deletedCount === 1;
  }

  /** Marks the holder's claim done with the attempt's result; false when the claim is no longer ours. */
  async finish(id: string, holder: string, result: unknown, at: Date): Promise<boolean> {
    const res = await this.collection.updateOne({ _id: id, holder, state: 'held' }, { $set: { state: 'done', result, finishedAt: at } });
    return res.matchedCount === 1;
  }

  async deleteFinishedBefore(cutoff: Date): Promise<number> {
    const res = await this.collection.deleteMany({ state: 'done', finishedAt: { $lt: cutoff } });
    return res.deletedCount;
  }
}

/** Due hints (collection notification_due). */
@Injectable()
export class NotificationDueRepository {
  constructor(@InjectModel(NOTIFICATION_DUE_MODEL) private readonly model: Model<NotificationDueRecord>) {}

  private get collection() {
    return this.model.collection as unknown as mongo.Collection<NotificationDueRecord>;
  }

  /** A new hint for one planning write of the event (never an update of another write's hint). */
  async add(eventId: string, dueAt: Date): Promise<void> {
    await this.collection.insertOne({ _id: `${eventId}#${randomUUID()}`, dueAt, setAt: dueAt });
  }

  due(now: Date, limit: number): Promise<NotificationDueRecord[]> {
    return this.collection.find({ dueAt: { $lte: now } }, { sort: { dueAt: 1 }, limit }).toArray();
  }

  /** Moves a hint only if it still says what the caller saw (a concurrent trigger's newer hint wins). */
  async replace(seen: NotificationDueRecord, dueAt: Date): Promise<void> {
    await this.collection.updateOne({ _id: seen._id, dueAt: seen.dueAt }, { $set: { dueAt } });
  }

  async deleteExact(seen: NotificationDueRecord): Promise<void> {
    await this.collection.deleteOne({ _id: seen._id, dueAt: seen.dueAt });
  }
}

/** Delivery attempts (collection delivery_progress). */
@Injectable()
export class DeliveryProgressRepository {
  constructor(@InjectModel(DELIVERY_PROGRESS_MODEL) private readonly model: Model<DeliveryProgressRecord>) {}

  private get collection() {
    return this.model.collection as unknown as mongo.Collection<DeliveryProgressRecord>;
  }

  forKeys(keys: string[]): Promise<DeliveryProgressRecord[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.collection.find({ _id: { $in: keys } }).toArray();
  }

  /** Stores attempt `attemptNo`'s progress over attempt attemptNo-1's; false when that is not what is stored. */
  async save(record: DeliveryProgressRecord): Promise<boolean> {
    if (record.n === 1) return insertUnlessExists(this.collection, record);
    const { _id, ...fields } = record;
    const update: mongo.UpdateFilter<DeliveryProgressRecord> = { $set: fields };
    if (!record.nextAttemptAt) update.$unset = { nextAttemptAt: '' };
    const res = await this.collection.updateOne({ _id, n: record.n - 1 }, update);
    return res.matchedCount === 1;
  }

  async deleteForEvent(eventId: string): Promise<void> {
    await this.collection.deleteMany({ eventId });
  }
}
