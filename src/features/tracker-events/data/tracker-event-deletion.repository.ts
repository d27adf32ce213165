import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo, Types } from 'mongoose';
import { TRACKER_EVENT_DELETION_MODEL, TrackerEventDeletionRecord } from './tracker-event-deletion.schema';
import { nativeCollection } from '../../../platform/database/native-collection';

/** The only code touching `tracker_event_deletions` (delete intents, see the schema). */
@Injectable()
export class TrackerEventDeletionRepository {
  private readonly collection: mongo.Collection<TrackerEventDeletionRecord>;

  constructor(@InjectModel(TRACKER_EVENT_DELETION_MODEL) model: Model<TrackerEventDeletionRecord>) {
    this.collection = nativeCollection(model);
  }


  /** Records the intent to delete `event`; its id, to withdraw it. */
  async record(event: Types.ObjectId, at: Date): Promise<Types.ObjectId> {
    const _id = new Types.ObjectId();
    await this.collection.insertOne({ _id, event, at });
    return _id;
  }

  /** Intents recorded before `before`, oldest first, at most `limit`. */
  findBefore(before: Date, limit: number): Promise<TrackerEventDeletionRecord[]> {
    return this.collection.find({ at: { $lt: before } }, { sort: { at: 1 }, limit }).toArray();
  }

  async withdraw(ids: Types.ObjectId[]): Promise<void> {
    if (ids.length > 0) await this.collection.deleteMany({ _id: { $in: ids } });
  }
}
