import { Injectable, Logger } from '@nestjs/common';
import type { TrackerEventRecordView } from './data/tracker-event.repository';

/** A stored mutation of one tracker event, as the write that stored it knows it. */
export type TrackerEventMutation =
  | { kind: 'created' | 'updated'; id: string; rev: number; at: Date; event: TrackerEventRecordView }
  | { kind: 'deleted'; id: string; at: Date };

/**
 * What another module hears about each stored mutation of a tracker event (the live module logs and publishes
 * it). The mutation itself is already recorded in the event's own write (`lastChange`, beside `rev`), or for a
 * deletion in its intent (written before the removal), so a listener that fails, or an instance killed before it
 * ran, loses nothing: `TrackerEventsService.mutatedBetween` and `pendingDeletions` find the mutation again.
 * Listeners never refuse a write.
 */
export interface EventMutationListener {
  /** Runs after the write is stored and before the writer is answered. */
  mutationStored(mutation: TrackerEventMutation): Promise<void>;
}

/** Where other modules register mutation listeners (inject it, call `register` in onModuleInit). */
@Injectable()
export class EventMutationListeners {
  private readonly logger = new Logger(EventMutationListeners.name);
  private readonly listeners: EventMutationListener[] = [];

  register(listener: EventMutationListener): void {
    this.listeners.push(listener);
  }

  /**
   * Tells every listener; a failure is logged, never thrown (the mutation is stored and will be found again).
   * Whether every listener took it (a deletion's intent is withdrawn only then).
   */
  async mutationStored(mutation: TrackerEventMutation): Promise<boolean> {
    let all = true;
    for (const listener of this.listeners) {
      try {
        await listener.mutationStored(mutation);
      } catch (err) {
        all = false;
        this.logger.warn(
          { err, id: mutation.id, kind: mutation.kind },
          'a tracker event mutation listener failed; the mutation stays recorded',
        );
      }
    }
    return all;
  }
}
