import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { nativeCollection } from '../../../platform/database/native-collection';
import { ACTIVITY_EVENT_MODEL, ActivityEventRecord } from './activity-event.schema';

/**
 * The one cross-account query, kept apart so nothing else can use it by accident: which accounts have
 * expired events. The sweeper then works per account through ActivityEventRepository.
 */
@Injectable()
export class ActivityEventExpiryIndex {
  private readonly events: mongo.Collection<ActivityEventRecord>;

  constructor(@InjectModel(ACTIVITY_EVENT_MODEL) events: Model<ActivityEventRecord>) {
    this.events = nativeCollection(events);
  }

  async accountsWithExpiredEvents(now: Date): Promise<string[]> {
    const ids = await this.events.distinct('accountID', { expiresAt: { $lte: now } });
    return ids.filter((id): id is string => typeof id === 'string');
  }
}
