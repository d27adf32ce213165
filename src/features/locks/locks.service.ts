import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EventStatus, EventType } from '../../contract/enums';
import { userKey } from '../../auth/caller';
import type { CallParts } from '../../platform/http/call-parts';
import type { Principal } from '../../auth/roles';
import { hasTrackerRole, requireTrackerRole } from '../../auth/tracker-roles';
import { InvalidInputError, NotFoundError } from '../../platform/errors/domain-errors';
import { AppConfig } from '../../platform/config/app-config.service';
import {
  EventWriteHook,
  EventWriteHooks,
  TrackerEventsService,
  type ChangelogRecord,
  type TrackerEventRecord,
  type TrackerEventRecordView,
} from '../tracker-events';
import { LockedError, NotLockOwnerError } from './domain/lock-errors';
import { autoLockResource, DEFAULT_RESOURCE, DEFAULT_TTL_SECONDS, HeldLock, LockAnswer, LockKey, Ticket } from './domain/lock-rules';
import { DEFAULT_WAIT_SECONDS, Handoff, MAX_QUEUE_LENGTH } from './domain/lock-queue';
import { LockChangeListeners } from './lock-changes';
import type { AcquireLockDto } from './dto/lock.dto';
import { describeKey, KeyedLock, LockLeases, LockPaging } from './lock-leases';
import { LockQuota } from './lock-quota';

/** Tracker event types whose Start takes a lock with AUTO_LOCK=on. */
const AUTO_LOCK_TYPES = new Set<number>([EventType.Deployment, EventType.Operation]);
/** Statuses that finish an event: reaching one releases its automatic lock. */
const FINISHED = new Set<number>([EventStatus.Success, EventStatus.Failure, EventStatus.Error, EventStatus.Close, EventStatus.Done]);

/** What a lock did to its event, as its changelog entry says it (`field: 'lock'`). */
type LockTransition = 'locked' | 'unlocked' | 'lock expired' | 'lock forced';

function changelogEntry(transition: LockTransition, at: Date, source: string): ChangelogRecord {
  return { at, field: 'lock', old: transition === 'locked' ? null : 'locked', new: transition, source };
}

/**
 * Deployment locks over REST and gRPC, and (AUTO_LOCK=on) the locks tracker events take and release. The lock
 * rules and their storage live in LockLeases; this service adds what the API means around them: refusals as
 * domain errors, linked events checked and their changelogs written.
 */
@Injectable()
export class LocksService implements OnModuleInit, EventWriteHook {
  private readonly logger = new Logger(LocksService.name);

  constructor(
    private readonly leases: LockLeases,
    private readonly events: TrackerEventsService,
    private readonly hooks: EventWriteHooks,
    private readonly config: AppConfig,
    private readonly quota: LockQuota,
    private readonly changes: LockChangeListeners,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
    this.leases.onHandoff((key, handoff) => this.handedOff(key, handoff));
  }

  /**
   * `wait: true`: held by another owner, the caller joins the key's line (or keeps its place, its ticket renewed)
   * instead of a 409 (docs/locks.md, "Queue"); otherwise `acquire`.
   */
  async acquireOrWait(dto: AcquireLockDto, call: CallParts, caller?: Principal): Promise<AcquireResult> {
    if (dto.wait !== true) return { held: await this.acquire(dto, call, caller) };
    const { owner, by } = actingAs(dto.owner, caller);
    if (dto.eventId && !(await this.events.findRecord(dto.eventId))) throw InvalidInputError.field('eventId', 'names no tracker event');
    const key = keyOf(dto);
    const answer = await this.quota.admit(call, key, (quotaCaller) =>
      this.leases.acquireOrWait(key, {
        owner,
        reason: dto.reason,
        eventId: dto.eventId?.toLowerCase(),
        ttlSeconds: dto.ttlSeconds ?? DEFAULT_TTL_SECONDS,
        waitSeconds: dto.waitSeconds ?? DEFAULT_WAIT_SECONDS,
        by,
        caller: quotaCaller,
      }),
    );
    if (answer.outcome === 'queue-full') throw new LockedError(key, answer.holder, `its line is full (${MAX_QUEUE_LENGTH} waiters)`);
    if (answer.outcome === 'refused') throw new LockedError(key, answer.holder);
    if (answer.outcome === 'queued') return { queued: { key, ticket: answer.ticket, position: answer.position } };
    if (answer.outcome === 'acquired') {
      if (answer.expired) await this.record(answer.expired, 'lock expired', answer.lock.acquiredAt, 'tracker');
      await this.record(answer.lock, 'locked', answer.lock.acquiredAt, by ?? answer.lock.owner);
    }
    return { held: { lock: { key, lock: answer.lock }, created: answer.outcome === 'acquired' } };
  }

  /** The holder and the waiters of one key, next first. */
  async queue(query: { service: string; environment: number; resource?: string }): Promise<{ key: LockKey; line: Line }> {
    const key = keyOf(query);
    return { key, line: await this.leases.line(key) };
  }

  /** A waiter leaves the line: its owner, or anyone with `force` (admin with TRACKER_AUTH=required). */
  async leaveQueue(ticketId: string, leave: { owner?: string; force?: boolean }, caller?: Principal): Promise<{ ticketId: string }> {
    const force = leave.force === true;
    if (caller && force) requireTrackerRole(caller, 'admin', 'Removing a waiter with force=true');
    const owner = force && leave.owner == null ? undefined : actingAs(leave.owner, caller).owner;
    const answer = await this.leases.leave(ticketId, { owner, force });
    if (answer.outcome === 'not-found')
      throw new NotFoundError(`Ticket ${ticketId} is not in a line (it left, its lease ran out, or its turn came).`);
    if (answer.outcome === 'not-owner')
      throw new NotLockOwnerError(ticketId, answer.holder, 'take it out of the line (or anyone with force=true)');
    return { ticketId };
  }

  /** A waiter became the holder: its event's changelog, then whoever listens (the live streams). */
  private async handedOff(key: LockKey, handoff: Handoff): Promise<void> {
    if (handoff.expired) await this.record(handoff.expired, 'lock expired', new Date(), 'tracker');
    for (const lock of handoff.acquired) {
      await this.record(lock, 'locked', lock.acquiredAt, lock.by ?? lock.owner);
      await this.changes.lockAcquired({ key, lock });
    }
  }

  /**
   * 201 (created: true) for a new acquisition, 200 for the same owner's renewal; another owner's lock is a 409,
   * a caller holding LOCKS_MAX_ACTIVE_PER_CALLER locks a 429 (LockQuota). `call` counts for the quota; `caller`:
   * the verified caller with TRACKER_AUTH=required (see `actingAs`), undefined with it off.
   */
  async acquire(dto: AcquireLockDto, call: CallParts, caller?: Principal): Promise<{ lock: KeyedLock; created: boolean }> {
    const { owner, by } = actingAs(dto.owner, caller);
    if (dto.eventId && !(await this.events.findRecord(dto.eventId))) throw InvalidInputError.field('eventId', 'names no tracker event');
    const key = keyOf(dto);
    const answer = await this.quota.admit(call, key, (quotaCaller) =>
      this.leases.acquire(key, {
        owner,
        reason: dto.reason,
        eventId: dto.eventId?.toLowerCase(),
        ttlSeconds: dto.ttlSeconds ?? DEFAULT_TTL_SECONDS,
        by,
        caller: quotaCaller,
      }),
    );
    if (answer.outcome === 'refused') throw new LockedError(key, answer.holder);
    if (answer.outcome === 'acquired') {
      if (answer.expired) await this.record(answer.expired, 'lock expired', answer.lock.acquiredAt, 'tracker');
      await this.record(answer.lock, 'locked', answer.lock.acquiredAt, by ?? answer.lock.owner);
    }
    return { lock: { key, lock: answer.lock }, created: answer.outcome === 'acquired' };
  }

  async renew(id: string, renewal: { owner?: string; ttlSeconds?: number }, caller?: Principal): Promise<KeyedLock> {
    const { owner, by } = actingAs(renewal.owner, caller);
    const answer = checked(id, await this.leases.renew(id, owner, renewal.ttlSeconds, by));
    return { key: answer.key!, lock: answer.lock };
  }

  /**
   * Releases a lock; `force` releases another owner's, recorded (log and changelog) with the caller's identity.
   * With TRACKER_AUTH=required (`caller` set) force needs the admin role, and every release records the caller.
   */
  async release(id: string, release: { owner?: string; force?: boolean }, parts: CallParts, caller?: Principal): Promise<{ id: string }> {
    const force = release.force === true;
    if (caller && force) requireTrackerRole(caller, 'admin', 'Releasing a lock with force=true');
    // Forcing names nobody: whoever holds the lock loses it.
    const owner = force && release.owner == null ? undefined : actingAs(release.owner, caller).owner;
    // Without TRACKER_AUTH nobody is verified: a forced release names the client address.
    const by = caller ? callerText(caller) : `address:${parts.address}`;
    const answer = checked(id, await this.leases.release(id, { owner, force, by }));
    if (answer.how === 'forced') {
      this.logger.warn({ lockId: id, owner: answer.lock.owner, by, lock: describeKey(answer.key!) }, 'lock released by force');
      await this.record(answer.lock, 'lock forced', new Date(), by);
    } else {
      await this.record(answer.lock, 'unlocked', new Date(), caller ? by : answer.lock.owner);
    }
    return { id };
  }

  async get(id: string): Promise<KeyedLock> {
    const found = await this.leases.get(id);
    if (!found) throw lockNotFound(id);
    return found;
  }

  list(
    filter: { service?: string; environment?: number; owner?: string },
    paging: LockPaging,
  ): Promise<{ locks: KeyedLock[]; totalCount: number }> {
    return this.leases.page(filter, paging);
  }

  /**
   * The active locks of a service in an environment, every resource (what deployability reads), each with the
   * owners waiting in its line, next first: when the lease ends the lock goes to the first of them, not to
   * whoever asks (a lock's `expiresAt` is when its key frees only when nobody waits, or for that first waiter).
   */
  activeOn(service: string, environment: number): Promise<(KeyedLock & { waiting: string[]; pending: boolean })[]> {
    return this.leases.listWithLines({ service, environment });
  }

  /** Records the end of every lease that ran out (the sweeper); each is recorded by exactly one instance. */
  async expireAll(): Promise<number> {
    const ended = await this.leases.expireAll();
    for (const { lock } of ended) await this.record(lock, 'lock expired', new Date(), 'tracker');
    return ended.length;
  }

  // Tracker event hooks (AUTO_LOCK=on).

  /**
   * Takes the automatic lock. Its holder is the caller (`sub`) with TRACKER_AUTH=required, whatever the event's
   * `attributes.owner` says (a body field names nobody verified); else the owner, source, or `tracker`.
   */
  async beforeCreate(record: TrackerEventRecord, now: Date, caller?: Principal): Promise<ChangelogRecord[]> {
    const key = this.autoLockKey(record);
    if (!key || record.attributes.status !== EventStatus.Start) return [];
    const a = record.attributes;
    const owner = caller ? caller.userId : (a.owner ?? a.source ?? 'tracker');
    const by = caller ? callerText(caller) : undefined;
    const answer = await this.leases.acquire(key, {
      owner,
      reason: record.title,
      eventId: record._id.toHexString(),
      ttlSeconds: this.config.autoLock.ttlSeconds,
      by,
    });
    if (answer.outcome === 'refused') throw new LockedError(key, answer.holder);
    if (answer.outcome === 'renewed') return [];
    if (answer.expired) await this.record(answer.expired, 'lock expired', now, 'tracker');
    return [changelogEntry('locked', now, by ?? owner)];
  }

  async createFailed(record: TrackerEventRecord): Promise<void> {
    const key = this.autoLockKey(record);
    if (key) await this.leases.releaseLinked(key, record._id.toHexString());
  }

  /**
   * With TRACKER_AUTH=required, an update that finishes an event whose automatic lock another caller holds is
   * refused (403 not-lock-owner) unless the caller is an admin: finishing the event would release that lock,
   * and a stored Success beside a lock still held would tell two stories. Nothing is stored.
   */
  async beforeUpdate(current: TrackerEventRecordView, next: TrackerEventRecordView, caller?: Principal): Promise<void> {
    const key = this.finishingKey(current, next);
    if (!key || !caller || hasTrackerRole(caller, 'admin')) return;
    const lock = await this.leases.linked(key, current._id.toHexString());
    if (lock && lock.owner !== caller.userId) throw new NotLockOwnerError(lock.lockId, lock, 'finish the event that took it (or an admin)');
  }

  async afterUpdate(current: TrackerEventRecordView, next: TrackerEventRecordView, _now: Date, caller?: Principal): Promise<void> {
    const key = this.finishingKey(current, next);
    if (key) await this.releaseAutoLock(key, current._id.toHexString(), caller);
  }

  /** Deleting an event releases the automatic lock it took (with or without TRACKER_AUTH). */
  async afterDelete(event: TrackerEventRecordView, caller?: Principal): Promise<void> {
    const key = this.autoLockKey(event);
    if (key) await this.releaseAutoLock(key, event._id.toHexString(), caller);
  }

  /** The automatic lock an update to a finished status (from another) releases; undefined when none. */
  private finishingKey(current: TrackerEventRecordView, next: TrackerEventRecordView): LockKey | undefined {
    const status = next.attributes.status;
    if (status === undefined || status === current.attributes.status || !FINISHED.has(status)) return undefined;
    return this.autoLockKey(current);
  }

  private async releaseAutoLock(key: LockKey, eventId: string, caller: Principal | undefined): Promise<void> {
    const by = caller ? callerText(caller) : undefined;
    try {
      const released = await this.leases.releaseLinked(key, eventId, by);
      if (released) await this.record(released, 'unlocked', new Date(), by ?? released.owner);
    } catch (err) {
      // The event's update is stored; the lease will run out on its own.
      this.logger.warn({ err, eventId, lock: describeKey(key) }, 'automatic lock not released');
    }
  }

  /** The lock an event takes with AUTO_LOCK=on: its service and environment, resource by type. */
  private autoLockKey(event: Pick<TrackerEventRecordView, 'attributes'>): LockKey | undefined {
    const a = event.attributes;
    if (!this.config.autoLock.enabled || !AUTO_LOCK_TYPES.has(a.type) || a.environment === undefined) return undefined;
    return { service: a.service, environment: a.environment, resource: autoLockResource(a.type) };
  }

  /** Writes a lock transition into the linked event's changelog. The transition stands even if this fails. */
  private async record(lock: HeldLock, transition: LockTransition, at: Date, source: string): Promise<void> {
    if (!lock.eventId) return;
    try {
      await this.events.appendChangelog(lock.eventId, [changelogEntry(transition, at, source)]);
    } catch (err) {
      this.logger.warn(
        { err, eventId: lock.eventId, lockId: lock.lockId, transition },
        'lock transition not recorded in the event changelog',
      );
    }
  }
}

/** What POST /locks did: held (acquired or renewed), or, with `wait`, a place in the line. */
export type AcquireResult =
  | { held: { lock: KeyedLock; created: boolean }; queued?: undefined }
  | { held?: undefined; queued: { key: LockKey; ticket: Ticket; position: number } };

type Line = { holder?: HeldLock; waiters: Ticket[] };

function keyOf(dto: { service: string; environment: number; resource?: string }): LockKey {
  return { service: dto.service, environment: dto.environment, resource: dto.resource ?? DEFAULT_RESOURCE };
}

/** How a verified caller is recorded in lock history and changelogs. */
function callerText(caller: Principal): string {
  return `user:${userKey(caller)}`;
}

/**
 * Whose lock a request acts on. With TRACKER_AUTH=required (`caller` set) the caller's own (`owner` defaults to
 * the token's `sub`); naming another owner is acting on their behalf, which needs the admin role. With it off,
 * the request's `owner` (required), as the seed's examples send it.
 */
function actingAs(given: string | null | undefined, caller: Principal | undefined): { owner: string; by?: string } {
  // The validation pipe lets an optional field through as null (a JSON null): absent, like undefined.
  const named = given ?? undefined;
  if (!caller) {
    if (named === undefined) throw InvalidInputError.field('owner', 'is required (with TRACKER_AUTH=off the request names the owner)');
    return { owner: named };
  }
  if (named !== undefined && named !== caller.userId)
    requireTrackerRole(caller, 'admin', `Acting for another lock owner (${JSON.stringify(named)})`);
  return { owner: named ?? caller.userId, by: callerText(caller) };
}

function lockNotFound(id: string): NotFoundError {
  return new NotFoundError(`Lock ${id} not found (released, expired or never acquired).`);
}

/** The ok answer, or the refusal as a domain error. */
function checked<T extends object>(id: string, answer: LockAnswer<T> & { key?: LockKey }): T & { key?: LockKey } {
  if (answer.outcome === 'not-found') throw lockNotFound(id);
  if (answer.outcome === 'not-owner') throw new NotLockOwnerError(id, answer.holder);
  return answer;
}
