import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.service';
import { LocksService } from './locks.service';

/**
 * Every AppConfig.ttlSweepMs, records the end of leases that ran out (reads treat them as free at once; this
 * writes `lock expired` into the linked event's changelog). Safe with several instances: ending a lease is an
 * append of the key's next generation, which exactly one of them wins.
 */
@Injectable()
export class LockExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LockExpirySweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly config: AppConfig,
    private readonly locks: LocksService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweepOnce().catch((err: unknown) => this.logger.warn({ err }, 'lock expiry sweep failed; retrying next interval'));
    }, this.config.ttlSweepMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One sweep (overlapping calls share the run in progress); resolves to the number of leases ended here. */
  sweepOnce(): Promise<number> {
    this.running ??= this.locks.expireAll().finally(() => (this.running = undefined));
    return this.running;
  }
}
