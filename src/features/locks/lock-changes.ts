import { Injectable, Logger } from '@nestjs/common';
import type { KeyedLock } from './lock-leases';

/** Hears a waiter become the holder (the live streams' `lock.acquired`). */
export interface LockChangeListener {
  lockAcquired(lock: KeyedLock): Promise<void>;
}

/**
 * The seam through which others hear of hand-offs from a key's line to its next waiter, told once by the
 * instance whose append made the hand-off. The locks module knows nothing of who listens (docs/locks.md, "Queue").
 */
@Injectable()
export class LockChangeListeners {
  private readonly logger = new Logger(LockChangeListeners.name);
  private readonly listeners: LockChangeListener[] = [];

  register(listener: LockChangeListener): void {
    this.listeners.push(listener);
  }

  /** Tells every listener; a failure is logged, never thrown (the hand-off is stored: GET /locks/queue shows it). */
  async lockAcquired(lock: KeyedLock): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener.lockAcquired(lock);
      } catch (err) {
        this.logger.warn({ err, lockId: lock.lock.lockId }, 'a lock change listener failed; the hand-off stays stored');
      }
    }
  }
}
