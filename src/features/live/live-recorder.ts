import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ActivityEventCreations, ActivityLogHooks, toAstraEvent, type ActivityEventRecord } from '../activity-log';
import { PeriodicTask } from '../../platform/periodic-task';
import { AppConfig } from '../../platform/config/app-config.service';
import {
  EventMutationListeners,
  PendingDeletion,
  toEventResponse,
  TrackerEventMutation,
  TrackerEventsService,
  type TrackerEventRecordView,
} from '../tracker-events';
import { LockChangeListeners, toLockResponse, type KeyedLock } from '../locks';
import { LiveLogRepository } from './data/live-log.repository';
import type { LiveLogEntryRecord } from './data/live-log.schema';
import { LiveBus } from './live-bus';
import { LiveHub, toMessage } from './live-hub';
import { RecoverySchedule } from './domain/recovery-schedule';

/** How far back the recovery sweep looks for mutations that were stored but never logged. */
export const RECOVERY_WINDOW_MS = 15 * 60_000;
/** A mutation younger than this is left to its own writer (which logs it before answering). */
export const RECOVERY_GRACE_MS = 5_000;
/** How often this instance asks whether a recovery sweep is due (RecoverySchedule). */
const RECOVERY_CHECK_MS = 5_000;
/** The longest time between two sweeps when nothing here suspects a missing mutation (another instance may). */
export const RECOVERY_IDLE_EVERY_MS = 5 * 60_000;
const RETENTION_SWEEP_EVERY_MS = 60_000;
/** Events read per recovery sweep and stream at most. */
const RECOVERY_LIMIT = 5_000;

type Unlogged = Omit<LiveLogEntryRecord, '_id'>;

/** The log entry of a tracker event mutation (the event as GET /event/{id} returns it, or `{ id }`). */
export function trackerEntry(mutation: TrackerEventMutation): Unlogged {
  if (mutation.kind === 'deleted')
    return {
      change: `tracker:${mutation.id}@deleted`,
      stream: 'tracker',
      kind: 'deleted',
      key: mutation.id,
      at: new Date(),
      data: { id: mutation.id },
    };
  return {
    change: `tracker:${mutation.id}@${mutation.rev}`,
    stream: 'tracker',
    kind: mutation.kind,
    key: mutation.id,
    at: new Date(),
    data: toEventResponse(mutation.event),
  };
}

/** The log entry of a waiter that became a lock's holder (the lock as GET /locks/{id} returns it). */
export function lockEntry(lock: KeyedLock): Unlogged {
  return {
    change: `lock:${lock.lock.lockId}@acquired`,
    stream: 'tracker',
    kind: 'lock.acquired',
    key: lock.lock.lockId,
    at: new Date(),
    data: toLockResponse(lock),
  };
}

/** The log entry of a new activity event (the event as GET .../events/{id} returns it, and who may read it). */
export function activityEntry(record: ActivityEventRecord): Unlogged {
  return {
    change: `activity:${record._id}`,
    stream: 'activity',
    kind: 'created',
    key: record._id,
    at: new Date(),
    data: toAstraEvent(record),
    access: { accountId: record.accountID, visibleTo: [...record.visibleTo], expiresAt: record.expiresAt },
  };
}

/**
 * Writes the live log: every stored mutation of a tracker event or an activity event is appended (a position
 * in the log), handed to this instance's hub and published on the bus, before its writer is answered. The
 * writers only call their own seams (EventMutationListeners, ActivityLogHooks); they know nothing of streams.
 *
 * A mutation stored but never logged (the instance was killed between the store's acknowledgement and the
 * append, or the append failed) is still recorded in its own document (`lastChange` of a tracker event; an
 * activity event is its own record). The recovery sweep logs any such mutation of the last RECOVERY_WINDOW_MS:
 * at boot, once the grace has passed after a boot or a failed append of this instance, and at least every
 * RECOVERY_IDLE_EVERY_MS for the instances that were killed and never came back (RecoverySchedule: on the
 * embedded store a sweep reads three collections whole). The retention sweep deletes entries older than the
 * window.
 */
@Injectable()
export class LiveRecorder implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LiveRecorder.name);
  private readonly recovery = new PeriodicTask<number>(this.logger, 'live log recovery failed');
  private readonly retention = new PeriodicTask<number>(this.logger, 'live log retention sweep failed');
  private readonly schedule = new RecoverySchedule(RECOVERY_GRACE_MS, RECOVERY_IDLE_EVERY_MS, Date.now());

  constructor(
    private readonly log: LiveLogRepository,
    private readonly hub: LiveHub,
    private readonly bus: LiveBus,
    private readonly config: AppConfig,
    private readonly trackerListeners: EventMutationListeners,
    private readonly tracker: TrackerEventsService,
    private readonly activityHooks: ActivityLogHooks,
    private readonly activity: ActivityEventCreations,
    private readonly lockListeners: LockChangeListeners,
  ) {}

  onModuleInit(): void {
    this.trackerListeners.register({ mutationStored: (mutation) => this.recordOrSuspect(trackerEntry(mutation)) });
    this.activityHooks.registerCreated({ eventCreated: (record) => this.recordOrSuspect(activityEntry(record)) });
    // A hand-off has no recovery: the line itself (GET /locks/queue, GET /locks/{ticketId}) is the record.
    this.lockListeners.register({ lockAcquired: async (lock) => void (await this.record(lockEntry(lock))) });
  }

  /** A writer's mutation: logged now, or else the recovery sweep is due once the grace has passed. */
  private async recordOrSuspect(entry: Unlogged): Promise<void> {
    const at = Date.now();
    try {
      if ((await this.record(entry)) === undefined) this.schedule.suspect(at);
    } catch (err) {
      this.schedule.suspect(at);
      throw err;
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.hub.start();
    // The bus may be down: the app still boots (and catches up through the log) after a short wait.
    const busReady = this.bus.enabled
      ? this.log
          .storeId()
          .then((id) => this.bus.start(id, (msg) => this.hub.offer([msg])))
          .catch((err: unknown) => this.logger.error({ err }, 'the event bus is not started; other instances are read through the log'))
      : Promise.resolve();
    await Promise.race([busReady, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
    // The sweep now finds what an earlier run of this instance left unlogged; the one after the grace, what it
    // wrote in its last seconds.
    this.schedule.suspect(Date.now());
    this.recovery.start(RECOVERY_CHECK_MS, async () => {
      if (this.recoveryDue()) await this.recover();
    });
    this.retention.start(RETENTION_SWEEP_EVERY_MS, () => this.sweep());
    void this.recover().catch((err: unknown) => this.logger.warn({ err }, 'live log recovery failed'));
  }

  async onApplicationShutdown(): Promise<void> {
    this.hub.stop();
    await Promise.all([this.recovery.stop(), this.retention.stop()]);
    await this.bus.stop();
  }

  /** Appends one mutation and announces it; undefined when it was not placed (already logged, or contention). */
  async record(entry: Unlogged): Promise<number | undefined> {
    const stored = await this.log.append((position) => ({ _id: position, ...entry }));
    if (!stored) return undefined;
    const msg = toMessage(stored);
    this.hub.offer([msg]);
    this.bus.publish(msg);
    return stored._id;
  }

  /** Whether a recovery sweep is due (RecoverySchedule). */
  recoveryDue(now = Date.now()): boolean {
    return this.schedule.due(now);
  }

  /** Logs the mutations of [now - RECOVERY_WINDOW_MS, now - RECOVERY_GRACE_MS) that are stored but not logged. */
  recover(now = new Date()): Promise<number> {
    return this.recovery.once(async () => {
      const from = new Date(now.getTime() - RECOVERY_WINDOW_MS);
      const before = new Date(now.getTime() - RECOVERY_GRACE_MS);
      const [events, activities, deletions] = await Promise.all([
        this.tracker.mutatedBetween(from, before, RECOVERY_LIMIT),
        this.activity.createdBetween(from, before, RECOVERY_LIMIT),
        this.tracker.pendingDeletions(before, RECOVERY_LIMIT),
      ]);
      // Logged entries are stamped after their mutation: anything logged for these mutations is at or after `from`.
      const logged = await this.log.mutationKeysSince(from);
      const missing = [
        ...events.filter((e) => e.lastChange && !logged.has(`tracker:${e._id.toHexString()}@${e.lastChange.rev}`)).map(trackedMutation),
        ...activities.filter((a) => !logged.has(`activity:${a._id}`)).map(activityEntry),
      ];
      let count = 0;
      for (const entry of missing) if ((await this.record(entry)) !== undefined) count++;
      count += await this.recoverDeletions(deletions, from, logged);
      if (count > 0) this.logger.warn({ count }, 'logged mutations that were stored but not logged (a writer stopped in between)');
      this.schedule.swept(now.getTime());
      return count;
    });
  }

  /**
   * Delete intents left on record (docs/live.md, "Deletions"): an event that is gone had its delete happen, so its
   * mutation is logged unless it already is; an event still stored past the window was never deleted (the writer
   * stopped before the removal, and was not acknowledged). Either way the intent is then withdrawn; one of an
   * event still stored within the window is left (its delete may be in flight). How many mutations it logged.
   */
  private async recoverDeletions(deletions: PendingDeletion[], from: Date, logged: Set<string>): Promise<number> {
    const settled: PendingDeletion['intent'][] = [];
    let count = 0;
    for (const deletion of deletions) {
      if (deletion.at < from) {
        // Older than the window (as for creates): given up, whether logged or not.
        settled.push(deletion.intent);
        continue;
      }
      if (deletion.stored) continue;
      const entry = trackerEntry({ kind: 'deleted', id: deletion.id, at: deletion.at });
      if (logged.has(entry.change)) settled.push(deletion.intent);
      else if ((await this.record(entry)) !== undefined) {
        logged.add(entry.change);
        settled.push(deletion.intent);
        count++;
      }
    }
    if (settled.length > 0) await this.tracker.withdrawDeletions(settled);
    return count;
  }

  /** Deletes log entries older than STREAM_RETENTION_HOURS (the newest always stays). */
  sweep(now = new Date()): Promise<number> {
    return this.retention.once(() => this.log.deleteOlderThan(new Date(now.getTime() - this.config.live.retentionMs)));
  }
}

function trackedMutation(event: TrackerEventRecordView): Unlogged {
  const last = event.lastChange!;
  return trackerEntry({ kind: last.kind, id: event._id.toHexString(), rev: last.rev, at: last.at, event });
}
