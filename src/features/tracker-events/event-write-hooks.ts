import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/roles';
import type { TrackerEventRecordView } from './data/tracker-event.repository';
import type { ChangelogRecord, TrackerEventRecord } from './data/tracker-event.schema';

/**
 * What a write carries besides the event, for hooks that may refuse it or let it through with a note (freezes):
 * whether an intake makes it (it records what already happened upstream: hooks mark instead of refusing), the
 * override reason the request gave (`X-Freeze-Override`), and what the hooks hand back: warnings for the
 * response and whether the event is to be stored `frozen: true`.
 */
export interface EventWriteContext {
  intake: boolean;
  override?: string;
  warnings: string[];
  frozen?: boolean;
}

export function newWriteContext(init: Partial<EventWriteContext> = {}): EventWriteContext {
  return { intake: false, warnings: [], ...init };
}

/**
 * The seam through which another module takes part in a tracker event's create, update and delete (the locks
 * module takes and releases deployment locks here). Hooks run in registration order. `caller` is the verified
 * caller with TRACKER_AUTH=required; undefined with it off, and for the intakes (which act as the system).
 */
export interface EventWriteHook {
  /**
   * Before a create is stored. Throwing a DomainError refuses the create: nothing is stored. The entries returned
   * go into the create's own write, after its `created` entry.
   */
  beforeCreate(record: TrackerEventRecord, now: Date, caller?: Principal, context?: EventWriteContext): Promise<ChangelogRecord[]>;
  /** The create was refused after this hook's beforeCreate succeeded (a later hook refused, or the write failed). */
  createFailed(record: TrackerEventRecord): Promise<void>;
  /**
   * Before an update that changes something is stored; throwing a DomainError refuses it (nothing is stored). The
   * entries returned go into the update's own write.
   */
  beforeUpdate(
    current: TrackerEventRecordView,
    next: TrackerEventRecordView,
    caller?: Principal,
    context?: EventWriteContext,
  ): Promise<ChangelogRecord[] | void>;
  /** After an update that changed something is stored; `current` is the event as it was, `next` as stored. */
  afterUpdate(current: TrackerEventRecordView, next: TrackerEventRecordView, now: Date, caller?: Principal): Promise<void>;
  /** After an event was deleted (`event` as it was stored). */
  afterDelete(event: TrackerEventRecordView, caller?: Principal): Promise<void>;
}

/** Where other modules register event write hooks (inject it, call `register` in onModuleInit). */
@Injectable()
export class EventWriteHooks {
  private readonly hooks: EventWriteHook[] = [];

  register(hook: EventWriteHook): void {
    this.hooks.push(hook);
  }

  /** Runs every beforeCreate; when one refuses, the ones that already ran are told, then the refusal is thrown. */
  async beforeCreate(record: TrackerEventRecord, now: Date, caller?: Principal, context = newWriteContext()): Promise<ChangelogRecord[]> {
    const entries: ChangelogRecord[] = [];
    for (let i = 0; i < this.hooks.length; i++) {
      try {
        entries.push(...(await this.hooks[i].beforeCreate(record, now, caller, context)));
      } catch (err) {
        await this.createFailed(record, i);
        throw err;
      }
    }
    return entries;
  }

  /** Tells the first `count` hooks (all by default) that the create was not stored. */
  async createFailed(record: TrackerEventRecord, count = this.hooks.length): Promise<void> {
    await Promise.all(this.hooks.slice(0, count).map((h) => h.createFailed(record)));
  }

  async beforeUpdate(
    current: TrackerEventRecordView,
    next: TrackerEventRecordView,
    caller?: Principal,
    context = newWriteContext(),
  ): Promise<ChangelogRecord[]> {
    const entries: ChangelogRecord[] = [];
    for (const hook of this.hooks) entries.push(...((await hook.beforeUpdate(current, next, caller, context)) ?? []));
    return entries;
  }

  async afterUpdate(current: TrackerEventRecordView, next: TrackerEventRecordView, now: Date, caller?: Principal): Promise<void> {
    for (const hook of this.hooks) await hook.afterUpdate(current, next, now, caller);
  }

  async afterDelete(event: TrackerEventRecordView, caller?: Principal): Promise<void> {
    for (const hook of this.hooks) await hook.afterDelete(event, caller);
  }
}
