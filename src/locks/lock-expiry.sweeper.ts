import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config.service';
import { LocksService } from './locks.service';

/**
 * Every AppConfig.ttlSweepMs, records the end of leases that ran out (reads treat them as free at once; this
 * writes `lock expired` into the linked event's changelog). Safe with several instances: ending a lease is an
 * append of the key's next generation, which exactly one of them wins.
 */
@Injectable()
export class LockExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task = new PeriodicTask<number>(new Logger(LockExpirySweeper.name), 'lock expiry sweep failed; retrying next interval');

  constructor(
    private readonly config: AppConfig,
    private readonly locks: LocksService,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.ttlSweepMs, () => this.sweepOnce());
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One sweep (overlapping calls share the run in progress); resolves to the number of leases ended here. */
  sweepOnce(): Promise<number> {
    return this.task.once(() => this.locks.expireAll());
  }
}
