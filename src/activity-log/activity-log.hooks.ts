import { Injectable, Logger } from '@nestjs/common';

/**
 * Called by the ttl sweeper with the ids of expired events of one account, BEFORE they are deleted, so a
 * module that derives data from events (notifications, unread marks, banners) can delete its own. Must be
 * idempotent: with several instances, or after a crash between the hook and the delete, the same ids can come
 * again. A hook that throws stops that batch (the events stay and the next sweep retries).
 */
export interface ActivityEventsSweptHook {
  onEventsExpired(accountId: string, eventIds: string[]): Promise<void>;
}

/** Where other modules register their sweep hooks (inject it, call `register` in onModuleInit). */
@Injectable()
export class ActivityLogHooks {
  private readonly logger = new Logger(ActivityLogHooks.name);
  private readonly swept: ActivityEventsSweptHook[] = [];

  register(hook: ActivityEventsSweptHook): void {
    this.swept.push(hook);
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
