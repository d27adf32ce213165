import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { nativeCollection } from '../../../platform/database/native-collection';
import { insertUnlessExists } from '../../../platform/database/unique-insert';
import { DELIVERY_PROGRESS_MODEL, DeliveryProgressRecord } from './delivery-claim.schema';

/** Delivery attempts (collection delivery_progress). */
@Injectable()
export class DeliveryProgressRepository {
  private readonly collection: mongo.Collection<DeliveryProgressRecord>;

  constructor(@InjectModel(DELIVERY_PROGRESS_MODEL) model: Model<DeliveryProgressRecord>) {
    this.collection = nativeCollection(model);
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
