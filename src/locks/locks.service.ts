import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { BearerVerifier } from '../common/auth/bearer-verifier';
import { CallParts, userKey, verifiedPrincipal } from '../common/auth/caller';
import { InvalidInputError, NotFoundError } from '../common/errors/domain-errors';
import { AppConfig } from '../config/app-config.service';
import type { TrackerEventRecordView } from '../tracker-events/data/tracker-event.repository';
import type { ChangelogRecord, TrackerEventRecord } from '../tracker-events/data/tracker-event.schema';
import { EventWriteHook, EventWriteHooks } from '../tracker-events/event-write-hooks';
import { TrackerEventsService } from '../tracker-events/tracker-events.service';
import { LockedError, NotLockOwnerError } from './domain/lock-errors';
import { autoLockResource, DEFAULT_RESOURCE, DEFAULT_TTL_SECONDS, HeldLock, LockAnswer, LockKey } from './domain/lock-rules';
import type { AcquireLockDto } from './dto/lock.dto';
import { describeKey, KeyedLock, LockLeases, LockPaging } from './lock-leases';
import { LockQuota } from './lock-quota';

/** Tracker event types whose Start takes a lock with AUTO_LOCK=on: deployment and operation. */
const AUTO_LOCK_TYPES = new Set([1, 2]);
const START = 1;
/** Success, Failure, Error, Close, Done: an event reaching one releases its automatic lock. */
const FINISHED = new Set([3, 4, 6, 8, 9]);

type LockChange = 'locked' | 'unlocked' | 'lock expired' | 'lock forced';

function changelogEntry(change: LockChange, at: Date, source: string): ChangelogRecord {
  return { at, field: 'lock', old: change === 'locked' ? null : 'locked', new: change, source };
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
    private readonly verifier: BearerVerifier,
    private readonly quota: LockQuota,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  /**
   * 201 (created: true) for a new acquisition, 200 for the same owner's renewal; another owner's lock is a 409,
   * a caller holding LOCKS_MAX_ACTIVE_PER_CALLER locks a 429 (LockQuota).
   */
  async acquire(dto: AcquireLockDto, call: CallParts): Promise<{ lock: KeyedLock; created: boolean }> {
    if (dto.eventId && !(await this.events.findRecord(dto.eventId))) throw InvalidInputError.field('eventId', 'names no tracker event');
    const key: LockKey = { service: dto.service, environment: dto.environment, resource: dto.resource ?? DEFAULT_RESOURCE };
    const answer = await this.quota.admit(call, key, (caller) =>
      this.leases.acquire(key, {
        owner: dto.owner,
        reason: dto.reason,
        eventId: dto.eventId?.toLowerCase(),
        ttlSeconds: dto.ttlSeconds ?? DEFAULT_TTL_SECONDS,
        caller,
      }),
    );
    if (answer.outcome === 'refused') throw new LockedError(key, answer.holder);
    if (answer.outcome === 'acquired') {
      if (answer.expired) await this.record(answer.expired, 'lock expired', answer.lock.acquiredAt, 'tracker');
      await this.record(answer.lock, 'locked', answer.lock.acquiredAt, answer.lock.owner);
    }
    return { lock: { key, lock: answer.lock }, created: answer.outcome === 'acquired' };
  }

  async renew(id: string, owner: string, ttlSeconds?: number): Promise<KeyedLock> {
    const answer = checked(id, await this.leases.renew(id, owner, ttlSeconds));
    return { key: answer.key!, lock: answer.lock };
  }

  /** Releases a lock; `force` releases another owner's, recorded (log and changelog) with the caller's identity. */
  async release(id: string, release: { owner?: string; force?: boolean }, caller: CallParts): Promise<{ id: string }> {
    const by = await this.identify(caller);
    const answer = checked(id, await this.leases.release(id, { owner: release.owner, force: release.force === true, by }));
    if (answer.how === 'forced') {
      this.logger.warn({ lockId: id, owner: answer.lock.owner, by, lock: describeKey(answer.key!) }, 'lock released by force');
      await this.record(answer.lock, 'lock forced', new Date(), by);
    } else {
      await this.record(answer.lock, 'unlocked', new Date(), answer.lock.owner);
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

  /** Records the end of every lease that ran out (the sweeper); each is recorded by exactly one instance. */
  async expireAll(): Promise<number> {
    const ended = await this.leases.expireAll();
    for (const { lock } of ended) await this.record(lock, 'lock expired', new Date(), 'tracker');
    return ended.length;
  }

  // Tracker event hooks (AUTO_LOCK=on).

  async beforeCreate(record: TrackerEventRecord, now: Date): Promise<ChangelogRecord[]> {
    const key = this.autoLockKey(record);
    if (!key || record.attributes.status !== START) return [];
    const a = record.attributes;
    const owner = a.owner ?? a.source ?? 'tracker';
    const answer = await this.leases.acquire(key, {
      owner,
      reason: record.title,
      eventId: record._id.toHexString(),
      ttlSeconds: this.config.autoLock.ttlSeconds,
    });
    if (answer.outcome === 'refused') throw new LockedError(key, answer.holder);
    if (answer.outcome === 'renewed') return [];
    if (answer.expired) await this.record(answer.expired, 'lock expired', now, 'tracker');
    return [changelogEntry('locked', now, owner)];
  }

  async createFailed(record: TrackerEventRecord): Promise<void> {
    const key = this.autoLockKey(record);
    if (key) await this.leases.releaseLinked(key, record._id.toHexString());
  }

  async afterUpdate(current: TrackerEventRecordView, next: TrackerEventRecordView): Promise<void> {
    const key = this.autoLockKey(current);
    const status = next.attributes.status;
    if (!key || status === undefined || status === current.attributes.status || !FINISHED.has(status)) return;
    const eventId = current._id.toHexString();
    try {
      const released = await this.leases.releaseLinked(key, eventId);
      if (released) await this.record(released, 'unlocked', new Date(), released.owner);
    } catch (err) {
      // The update is stored; the lease will run out on its own.
      this.logger.warn({ err, eventId, lock: describeKey(key) }, 'automatic lock not released');
    }
  }

  /** The lock an event takes with AUTO_LOCK=on: its service and environment, resource by type. */
  private autoLockKey(event: Pick<TrackerEventRecordView, 'attributes'>): LockKey | undefined {
    const a = event.attributes;
    if (!this.config.autoLock.enabled || !AUTO_LOCK_TYPES.has(a.type) || a.environment === undefined) return undefined;
    return { service: a.service, environment: a.environment, resource: autoLockResource(a.type) };
  }

  /** Writes a lock change into the linked event's changelog. The lock change stands even if this fails. */
  private async record(lock: HeldLock, change: LockChange, at: Date, source: string): Promise<void> {
    if (!lock.eventId) return;
    try {
      await this.events.appendChangelog(lock.eventId, [changelogEntry(change, at, source)]);
    } catch (err) {
      this.logger.warn({ err, eventId: lock.eventId, lockId: lock.lockId, change }, 'lock change not recorded in the event changelog');
    }
  }

  /** Who forced a release: the token's subject when the tracker API requires tokens, else the client address. */
  private async identify(caller: CallParts): Promise<string> {
    const principal = this.config.auth.trackerAuthRequired ? await verifiedPrincipal(caller, this.verifier) : undefined;
    return principal ? `user:${userKey(principal)}` : `address:${caller.address}`;
  }
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
