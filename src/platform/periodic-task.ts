import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

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

/**
 * A provider that sweeps in the background from bootstrap to shutdown, one sweep every `everyMs` on each
 * instance (so every sweep must be safe to run on several at once): a subclass says how often and what one sweep
 * does, and answers how many things it removed or ended. `sweepOnce` runs one now (tests), sharing a run in
 * progress.
 */
export abstract class PeriodicSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger: Logger;
  private readonly task: PeriodicTask<number>;

  protected constructor(name: string, what: string) {
    this.logger = new Logger(name);
    this.task = new PeriodicTask<number>(this.logger, `${what} failed; retrying next interval`);
  }

  /** How often a sweep runs, in ms (read at bootstrap). */
  protected abstract get everyMs(): number;

  /** One sweep at `now`; resolves to how many things it removed or ended. */
  protected abstract sweep(now: Date): Promise<number>;

  onApplicationBootstrap(): void {
    this.task.start(this.everyMs, () => this.sweepOnce());
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  sweepOnce(now = new Date()): Promise<number> {
    return this.task.once(() => this.sweep(now));
  }
}
