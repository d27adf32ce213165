import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { nativeCollection } from '../../../platform/database/native-collection';
import { ACTIVITY_EVENT_MODEL, ActivityEventRecord } from './activity-event.schema';

/**
 * The live module's recovery read, cross-account like the expiry index and kept apart for the same reason: the
 * events created in [from, before) (an event is only ever created, so its document is the record of the mutation).
 */
@Injectable()
export class ActivityEventCreationIndex {
  private readonly events: mongo.Collection<ActivityEventRecord>;

  constructor(@InjectModel(ACTIVITY_EVENT_MODEL) events: Model<ActivityEventRecord>) {
    this.events = nativeCollection(events);
  }

  createdBetween(from: Date, before: Date, limit: number): Promise<ActivityEventRecord[]> {
    return this.events.find({ 'metadata.creationTimestamp': { $gte: from, $lt: before } }, { limit }).toArray();
  }
}
