import type { Logger } from '@nestjs/common';

/**
 * A background job of one instance (sweepers): a timer that does not keep the process alive, overlapping runs
 * sharing the one in progress, and a stop that waits for it. A failed tick is logged and retried next interval.
 */
export class PeriodicTask<T> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<T>;

  constructor(
    private readonly logger: Logger,
    private readonly failure: string,
  ) {}

  start(everyMs: number, tick: () => Promise<unknown>): void {
    this.timer = setInterval(() => {
      tick().catch((err: unknown) => this.logger.warn({ err }, this.failure));
    }, everyMs);
    this.timer.unref();
  }

  /** Runs `task`, unless a run is in progress: then its result is shared. */
  once(task: () => Promise<T>): Promise<T> {
    this.running ??= task().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
