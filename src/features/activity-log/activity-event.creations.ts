import { Injectable } from '@nestjs/common';
import { ActivityEventCreationIndex } from './data/activity-event-creation-index';
import type { ActivityEventRecord } from './data/activity-event.schema';

/**
 * What the live module reads of the activity log to recover creations it never logged: the events created in
 * [from, before), in every account (an event is only ever created, so its document is the record of the
 * creation). Exported in place of the repository, so this stays the one cross-account read another module makes.
 */
@Injectable()
export class ActivityEventCreations {
  constructor(private readonly index: ActivityEventCreationIndex) {}

  createdBetween(from: Date, before: Date, limit: number): Promise<ActivityEventRecord[]> {
    return this.index.createdBetween(from, before, limit);
  }
}
