import type { LockHead } from '../../src/locks/data/lock-chains';
import { LockRepository } from '../../src/locks/data/lock.repository';
import type { LockKey, LockState } from '../../src/locks/domain/lock-rules';

/**
 * A repository whose appends of a `slow-` owner's acquisition wait at a gate after the writer read the head.
 * Once opened the gate stays open until `close()` (a test's next round): a stalled writer whose append lost
 * retries (LockLeases re-reads and appends again), and must not stall a second time behind a new gate.
 */
export class GatedRepository extends LockRepository {
  waiting = 0;
  private opened!: () => void;
  private gate = this.closedGate();

  private closedGate() {
    return new Promise<void>((resolve) => (this.opened = resolve));
  }

  open(): void {
    this.opened();
  }

  close(): void {
    this.gate = this.closedGate();
    this.waiting = 0;
  }

  override async append(key: LockKey, gen: number, value: LockState, now: Date, after: LockHead): Promise<boolean> {
    if (value.state === 'held' && value.lock.owner.startsWith('slow')) {
      this.waiting++;
      await this.gate;
    }
    return super.append(key, gen, value, now, after);
  }
}
