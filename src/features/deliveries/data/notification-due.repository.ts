import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { nativeCollection } from '../../../platform/database/native-collection';
import { NOTIFICATION_DUE_MODEL, NotificationDueRecord } from './delivery-claim.schema';

/** Due hints (collection notification_due). */
@Injectable()
export class NotificationDueRepository {
  private readonly collection: mongo.Collection<NotificationDueRecord>;

  constructor(@InjectModel(NOTIFICATION_DUE_MODEL) model: Model<NotificationDueRecord>) {
    this.collection = nativeCollection(model);
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
