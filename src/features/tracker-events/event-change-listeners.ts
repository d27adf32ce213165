import { Injectable, Logger } from '@nestjs/common';
import type { TrackerEventRecordView } from './data/tracker-event.repository';

/** A stored change of one tracker event, as the write that stored it knows it. */
export type TrackerEventChange =
  | { kind: 'created' | 'updated'; id: string; rev: number; at: Date; event: TrackerEventRecordView }
  | { kind: 'deleted'; id: string; at: Date };

/**
 * What another module hears about each stored change of a tracker event (the live module logs and publishes
 * it). The change itself is already recorded in the event's own write (`lastChange`, beside `rev`), or for a
 * deletion in its intent (written before the removal), so a listener that fails, or an instance killed before it
 * ran, loses nothing: `TrackerEventsService.changedBetween` and `pendingDeletions` find the change again.
 * Listeners never refuse a write.
 */
export interface EventChangeListener {
  /** Runs after the write is stored and before the writer is answered. */
  changeStored(change: TrackerEventChange): Promise<void>;
}

/** Where other modules register change listeners (inject it, call `register` in onModuleInit). */
@Injectable()
export class EventChangeListeners {
  private readonly logger = new Logger(EventChangeListeners.name);
  private readonly listeners: EventChangeListener[] = [];

  register(listener: EventChangeListener): void {
    this.listeners.push(listener);
  }

  /**
   * Tells every listener; a failure is logged, never thrown (the change is stored and will be found again).
   * Whether every listener took it (a deletion's intent is withdrawn only then).
   */
  async changeStored(change: TrackerEventChange): Promise<boolean> {
    let all = true;
    for (const listener of this.listeners) {
      try {
        await listener.changeStored(change);
      } catch (err) {
        all = false;
        this.logger.warn({ err, id: change.id, kind: change.kind }, 'a tracker event change listener failed; the change stays recorded');
      }
    }
    return all;
  }
}
