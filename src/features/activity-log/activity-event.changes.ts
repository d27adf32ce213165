import { Injectable } from '@nestjs/common';
import { ActivityEventChangeIndex } from './data/activity-event.repository';
import type { ActivityEventRecord } from './data/activity-event.schema';

/**
 * What the live module reads of the activity log to recover changes it never logged: the events created in
 * [from, before), in every account (an event is only ever created, so its document is the record of the
 * change). Exported in place of the repository, so this stays the one cross-account read another module makes.
 */
@Injectable()
export class ActivityEventChanges {
  constructor(private readonly index: ActivityEventChangeIndex) {}

  createdBetween(from: Date, before: Date, limit: number): Promise<ActivityEventRecord[]> {
    return this.index.createdBetween(from, before, limit);
  }
}
