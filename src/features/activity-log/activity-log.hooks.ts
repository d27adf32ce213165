import { Injectable, Logger } from '@nestjs/common';
import type { ActivityEventRecord } from './data/activity-event.schema';

/**
 * Called by the ttl sweeper with the ids of expired events of one account, BEFORE they are deleted, so a
 * module that derives data from events (notifications, unread marks, banners) can delete its own. Must be
 * idempotent: with several instances, or after a crash between the hook and the delete, the same ids can come
 * again. A hook that throws stops that batch (the events stay and the next sweep retries).
 */
export interface ActivityEventsSweptHook {
  onEventsExpired(accountId: string, eventIds: string[]): Promise<void>;
}

/**
 * Told about each stored event (the live module logs and publishes it), after the insert and before the writer
 * is answered. The event document is itself the record of the mutation (it is only ever created), so a listener
 * that fails or never ran loses nothing: `ActivityEventCreations.createdBetween` finds it again.
 */
export interface ActivityEventCreatedListener {
  eventCreated(record: ActivityEventRecord): Promise<void>;
}

/** Where other modules register their sweep hooks (inject it, call `register` in onModuleInit). */
@Injectable()
export class ActivityLogHooks {
  private readonly logger = new Logger(ActivityLogHooks.name);
  private readonly swept: ActivityEventsSweptHook[] = [];
  private readonly created: ActivityEventCreatedListener[] = [];

  register(hook: ActivityEventsSweptHook): void {
    this.swept.push(hook);
  }

  registerCreated(listener: ActivityEventCreatedListener): void {
    this.created.push(listener);
  }

  /** Tells every created-listener; a failure is logged, never thrown (the event is stored and found again). */
  async eventCreated(record: ActivityEventRecord): Promise<void> {
    for (const listener of this.created) {
      try {
        await listener.eventCreated(record);
      } catch (err) {
        this.logger.warn({ err, id: record._id }, 'an activity-event created-listener failed; the event stays stored');
      }
    }
  }

  async eventsExpired(accountId: string, eventIds: string[]): Promise<void> {
    for (const hook of this.swept) {
      try {
        await hook.onEventsExpired(accountId, eventIds);
      } catch (err) {
        this.logger.error({ err, accountId }, 'an activity-event sweep hook failed');
        throw err;
      }
    }
  }
}
