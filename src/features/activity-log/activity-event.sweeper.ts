import { Injectable } from '@nestjs/common';
import { systemScope } from '../../auth/account-scope';
import { PeriodicSweeper } from '../../platform/periodic-task';
import { AppConfig } from '../../platform/config/app-config.service';
import { ActivityEventExpiryIndex } from './data/activity-event-expiry-index';
import { ActivityEventRepository } from './data/activity-event.repository';
import { ActivityLogHooks } from './activity-log.hooks';

const BATCH = 500;

/**
 * Deletes events past eventTime + data.ttl every AppConfig.ttlSweepMs (reads already hide them at that
 * instant; this reclaims the space). Safe with several instances: each step is idempotent and conditioned on
 * expiry. Per batch: raise the account's sequence floor (so swept numbers are never reused), call the sweep
 * hooks (derived data goes first: a crash then leaves events to retry, never orphans), then delete.
 */
@Injectable()
export class ActivityEventSweeper extends PeriodicSweeper {
  constructor(
    private readonly config: AppConfig,
    private readonly index: ActivityEventExpiryIndex,
    private readonly events: ActivityEventRepository,
    private readonly hooks: ActivityLogHooks,
  ) {
    super(ActivityEventSweeper.name, 'activity-event sweep');
  }

  protected get everyMs(): number {
    return this.config.ttlSweepMs;
  }

  protected async sweep(now: Date): Promise<number> {
    let deleted = 0;
    for (const accountId of await this.index.accountsWithExpiredEvents(now)) {
      const scope = systemScope(accountId);
      for (;;) {
        const batch = await this.events.expired(scope, now, BATCH);
        if (batch.length === 0) break;
        const ids = batch.map((e) => e._id);
        await this.events.raiseSequenceFloor(scope, Math.max(...batch.map((e) => e.sequenceCount)));
        await this.hooks.eventsExpired(accountId, ids);
        deleted += await this.events.deleteExpired(scope, ids, now);
        if (batch.length < BATCH) break;
      }
    }
    if (deleted) this.logger.log({ deleted }, 'expired activity events deleted');
    return deleted;
  }
}
