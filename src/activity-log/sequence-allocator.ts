import { Injectable } from '@nestjs/common';
import type { AccountScope } from '../common/auth/account-scope';
import { ConflictError } from '../common/errors/domain-errors';
import { ActivityEventRepository } from './data/activity-event.repository';

const MAX_ATTEMPTS = 25;

/**
 * Assigns sequenceCount: unique and increasing per account, under any concurrency, on a store whose `$inc`
 * can lose updates (FerretDB).
 * - Uniqueness is the store's: a unique index on (accountID, sequenceCount) and an insert that fails on
 *   conflict. A conflict (another instance took the number) drops the cached counter and re-reads the
 *   highest number in use, then tries again.
 * - Speed: the next number is cached per account (seeded from max(stored events, swept floor)), so a create
 *   costs one insert.
 * - Order: within an instance, creates for one account run one after another, so a poller reading
 *   `sequenceCount gt 'N'` never sees N+1 before N from this instance. Across instances the numbers stay
 *   unique and each instance's own are increasing; two instances writing one account at the same moment may
 *   commit in either order.
 */
@Injectable()
export class SequenceAllocator {
  private readonly nextByAccount = new Map<string, number>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly events: ActivityEventRepository) {}

  /** Runs `insert(sequence)` with the next free number until it succeeds; resolves to the number used. */
  insertWithNextSequence(scope: AccountScope, insert: (sequence: number) => Promise<boolean>): Promise<number> {
    return this.serialized(scope.accountId, () => this.allocate(scope, insert));
  }

  private async allocate(scope: AccountScope, insert: (sequence: number) => Promise<boolean>): Promise<number> {
    const account = scope.accountId;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const sequence = this.nextByAccount.get(account) ?? (await this.events.highestSequence(scope)) + 1;
      let inserted: boolean;
      try {
        inserted = await insert(sequence);
      } catch (err) {
        // The outcome is unknown (the insert may have landed): forget the counter, re-read it next time.
        this.nextByAccount.delete(account);
        throw err;
      }
      if (inserted) {
        this.nextByAccount.set(account, sequence + 1);
        return sequence;
      }
      this.nextByAccount.delete(account);
    }
    throw new ConflictError(`Could not assign a sequenceCount in account ${account} after ${MAX_ATTEMPTS} attempts; retry.`);
  }

  private serialized<T>(account: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(account) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(account, settled);
    void settled.then(() => {
      if (this.queues.get(account) === settled) this.queues.delete(account);
    });
    return run;
  }
}
