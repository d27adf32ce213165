import { Injectable } from '@nestjs/common';
import { PeriodicSweeper } from '../../platform/periodic-task';
import { LockLeases } from './lock-leases';
import { LockQuota } from './lock-quota';

/** How often the lock chains are pruned (each sweep is a few queries, whatever the number of keys). */
export const LOCK_PRUNE_EVERY_MS = 5 * 60 * 1000;

/**
 * Every LOCK_PRUNE_EVERY_MS, deletes the generations of each lock key below its head hint once the hint moved
 * more than the grace ago (docs/locks.md, "Pruning"), so a key keeps a constant few generations however often it
 * changes, and deletes the keys left that long with no lease ("Deleting idle keys"), so keys nobody uses cost
 * nothing. Never on a request's path. Safe with several instances: nothing a reader or writer needs is below a
 * settled hint, and a key is closed by an append that exactly one of them wins. A sweep answers how many
 * documents went.
 */
@Injectable()
export class LockHistorySweeper extends PeriodicSweeper {
  constructor(
    private readonly leases: LockLeases,
    private readonly quota: LockQuota,
  ) {
    super(LockHistorySweeper.name, 'lock history prune');
  }

  protected get everyMs(): number {
    return LOCK_PRUNE_EVERY_MS;
  }

  protected async sweep(now: Date): Promise<number> {
    return (await this.leases.prune(now)) + (await this.quota.prune(now));
  }
}
