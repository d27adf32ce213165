import { Injectable } from '@nestjs/common';
import { PeriodicSweeper } from '../common/periodic-task';
import { LockLeases } from './lock-leases';

/** How often the lock chains are pruned (each sweep is two queries, whatever the number of keys). */
export const LOCK_PRUNE_EVERY_MS = 5 * 60 * 1000;

/**
 * Every LOCK_PRUNE_EVERY_MS, deletes the generations of each lock key below its head hint once the hint moved
 * more than the grace ago (docs/locks.md, "Pruning"), so a key keeps a constant few generations however often it
 * changes. Never on a request's path. Safe with several instances: they delete the same documents; nothing a
 * reader or writer needs is below a settled hint. A sweep answers how many generations went.
 */
@Injectable()
export class LockHistorySweeper extends PeriodicSweeper {
  constructor(private readonly leases: LockLeases) {
    super(LockHistorySweeper.name, 'lock history prune');
  }

  protected get everyMs(): number {
    return LOCK_PRUNE_EVERY_MS;
  }

  protected sweep(now: Date): Promise<number> {
    return this.leases.prune(now);
  }
}
