import { Injectable } from '@nestjs/common';
import type { TrackerEventRecordView } from '../database/repositories/tracker-event.repository';
import type { TrackerEventRecord } from '../database/schemas/tracker-event.schema';

/**
 * Lets another module store its own fields in the SAME single-document write as a create or an update of an
 * event (the store has no transactions: a second write could be lost between the 2xx and a crash).
 * onCreate/onUpdate must be pure and fast. beforeWrite runs before the write is sent (which may still fail or
 * lose a race), so a hook can leave a marker that is never missing once the write is stored; its errors fail
 * the request.
 */
export interface TrackerEventWriteHook {
  /** Extra top-level fields for a new event's insert. */
  onCreate(record: TrackerEventRecord, now: Date): Record<string, unknown>;
  /** Extra $set paths for an update, given the stored event and the event as it will be stored. */
  onUpdate(current: TrackerEventRecordView, next: TrackerEventRecordView, now: Date): Record<string, unknown>;
  /** Called with the fields this hook is adding, just before the write that stores them. */
  beforeWrite(eventId: string, added: Record<string, unknown>): Promise<void>;
}

/** Where other modules register write hooks (inject it, call `register` in onModuleInit). */
@Injectable()
export class TrackerEventWriteHooks {
  private readonly hooks: TrackerEventWriteHook[] = [];

  register(hook: TrackerEventWriteHook): void {
    this.hooks.push(hook);
  }

  onCreate(record: TrackerEventRecord, now: Date): Record<string, unknown>[] {
    return this.hooks.map((h) => h.onCreate(record, now));
  }

  onUpdate(current: TrackerEventRecordView, next: TrackerEventRecordView, now: Date): Record<string, unknown>[] {
    return this.hooks.map((h) => h.onUpdate(current, next, now));
  }

  async beforeWrite(eventId: string, added: Record<string, unknown>[]): Promise<void> {
    await Promise.all(this.hooks.map((h, i) => (added[i] && Object.keys(added[i]).length > 0 ? h.beforeWrite(eventId, added[i]) : undefined)));
  }
}
