import { Injectable } from '@nestjs/common';
import { PeriodicSweeper } from '../../platform/periodic-task';
import { AppConfig } from '../../platform/config/app-config.service';
import { LocksService } from './locks.service';

/**
 * Every AppConfig.ttlSweepMs, records the end of leases that ran out (reads treat them as free at once; this
 * writes `lock expired` into the linked event's changelog). Safe with several instances: ending a lease is an
 * append of the key's next generation, which exactly one of them wins. A sweep answers the leases ended here.
 */
@Injectable()
export class LockExpirySweeper extends PeriodicSweeper {
  constructor(
    private readonly config: AppConfig,
    private readonly locks: LocksService,
  ) {
    super(LockExpirySweeper.name, 'lock expiry sweep');
  }

  protected get everyMs(): number {
    return this.config.ttlSweepMs;
  }

  protected sweep(): Promise<number> {
    return this.locks.expireAll();
  }
}
