import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Counter } from 'prom-client';
import { EventStatus, EventType } from '../../contract/enums';
import { userKey } from '../../auth/caller';
import type { Principal } from '../../auth/roles';
import { requireTrackerRole } from '../../auth/tracker-roles';
import { AppConfig } from '../../platform/config/app-config.service';
import { DomainError, InvalidInputError, InvalidQueryError, NotFoundError } from '../../platform/errors/domain-errors';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { parseInstant } from '../../platform/validation/date-range';
import { LocksService } from '../locks';
import {
  EventWriteContext,
  EventWriteHook,
  EventWriteHooks,
  type ChangelogRecord,
  type TrackerEventRecord,
  type TrackerEventRecordView,
} from '../tracker-events';
import { FreezeRepository } from './data/freeze.repository';
import type { FreezeRecord } from './data/freeze.schema';
import { FrozenError } from './domain/freeze-errors';
import {
  compile,
  CompiledFreeze,
  coverage,
  coveringWindow,
  FreezeSpec,
  localToInstant,
  nextAllowedAt,
  SpecError,
  windowsOverlapping,
} from './domain/freeze-windows';
import { ImportedWindow, readCalendar, TooManyEventsError } from './domain/ical-import';
import type { CreateFreezeDto, ImportFreezesQueryDto } from './dto/freeze.dto';
import { OpenIncidents } from './open-incidents';

/** An instant with an explicit offset (or Z): what a one-off window's start and end must be. */
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Compiled freezes kept per instance (keyed by id and last write). */
const COMPILED_CACHE = 20_000;

export interface DeployabilityReason {
  kind: 'lock' | 'freeze' | 'incident';
  id: string;
  title: string;
  until?: Date;
}

/** The widest range one occurrences question may span, and the most windows it returns. */
export const OCCURRENCE_RANGE_DAYS = 62;
export const MAX_OCCURRENCES = 2000;

export interface FreezeOccurrence {
  freeze: FreezeRecord;
  start: Date;
  end: Date;
}

export interface Deployability {
  allowed: boolean;
  reasons: DeployabilityReason[];
  nextAllowedAt: Date | null;
}

/**
 * Change freezes (docs/freezes.md): the windows over REST and gRPC, the iCalendar import, the deployability answer
 * (locks, freezes, open incidents), and the enforcement: through EventWriteHooks, a deployment created or started
 * (type 1, status Start) while a freeze covers its service and environment is refused, let through with an
 * override, warned about (FREEZE_ENFORCE=off) or, from an intake, recorded `frozen: true`.
 */
@Injectable()
export class FreezesService implements OnModuleInit, EventWriteHook {
  private readonly logger = new Logger(FreezesService.name);
  private readonly compiled = new Map<string, CompiledFreeze>();
  private readonly overrides: Counter<'environment'>;

  constructor(
    private readonly repo: FreezeRepository,
    private readonly hooks: EventWriteHooks,
    private readonly locks: LocksService,
    private readonly incidents: OpenIncidents,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.overrides = new Counter({
      name: 'tracker_freeze_overrides_total',
      help: 'Deployments created or started under a change freeze with X-Freeze-Override, by environment',
      labelNames: ['environment'] as const,
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    this.hooks.register(this);
  }

  async create(dto: CreateFreezeDto, caller?: Principal): Promise<FreezeRecord> {
    const now = new Date();
    const spec = specFromDto(dto);
    const record = this.toRecord(randomUUID(), spec, dto, now, caller ? callerText(caller) : undefined);
    await this.repo.insert(record);
    return record;
  }

  async get(id: string): Promise<FreezeRecord> {
    const found = await this.repo.findLive(id.toLowerCase());
    if (!found) throw new NotFoundError(`Freeze ${id} not found.`);
    return found;
  }

  /** Deletes a freeze, recording who did (the verified caller, else the client address). */
  async delete(id: string, by: string): Promise<{ id: string }> {
    if (!(await this.repo.markDeleted(id.toLowerCase(), new Date(), by))) throw new NotFoundError(`Freeze ${id} not found.`);
    this.logger.log({ freezeId: id, by }, 'freeze deleted');
    return { id };
  }

  /** With at, service or environment: the freezes active then; without: every freeze, newest first. */
  async list(q: { at?: string; service?: string; environment?: number }, paging: { page: number; perPage: number }) {
    if (q.at === undefined && q.service === undefined && q.environment === undefined) {
      const { items, total } = await this.repo.page((paging.page - 1) * paging.perPage, paging.perPage);
      return { items, total };
    }
    const at = q.at === undefined ? new Date() : instantParam('at', q.at);
    const active = (await this.repo.inScope({ service: q.service, environment: q.environment, after: at })).filter(
      (f) => coveringWindow(this.compiledOf(f), at.getTime()) !== undefined,
    );
    return { items: active.slice((paging.page - 1) * paging.perPage, paging.page * paging.perPage), total: active.length };
  }

  /** The windows of the freezes in scope overlapping [from, to), in start order (a calendar's question). */
  async occurrences(q: { from: string; to: string; service?: string; environment?: number }): Promise<{
    items: FreezeOccurrence[];
    truncated: boolean;
  }> {
    const from = instantParam('from', q.from);
    const to = instantParam('to', q.to);
    if (to.getTime() < from.getTime()) throw InvalidQueryError.param('to', 'must not be before from');
    if (to.getTime() - from.getTime() > OCCURRENCE_RANGE_DAYS * 86_400_000)
      throw InvalidQueryError.param('to', `must be at most ${OCCURRENCE_RANGE_DAYS} days after from`);
    const freezes = await this.repo.inScope({ service: q.service, environment: q.environment, after: from });
    const items: FreezeOccurrence[] = [];
    for (const f of freezes)
      for (const w of windowsOverlapping(this.compiledOf(f), from.getTime(), to.getTime()))
        items.push({ freeze: f, start: new Date(w.start), end: new Date(w.end) });
    items.sort((a, b) => a.start.getTime() - b.start.getTime() || (a.freeze._id < b.freeze._id ? -1 : a.freeze._id > b.freeze._id ? 1 : 0));
    return { items: items.slice(0, MAX_OCCURRENCES), truncated: items.length > MAX_OCCURRENCES };
  }

  /**
   * Imports a calendar: each VEVENT becomes, or updates, the freeze of its UID (the id is derived from the UID and
   * the scope, so importing the same calendar again meets the same documents and writes nothing).
   */
  async import(text: string, q: ImportFreezesQueryDto, caller?: Principal) {
    const zone = q.timezone ?? 'UTC';
    let windows: ImportedWindow[];
    try {
      windows = readCalendar(text, zone);
    } catch (err) {
      if (err instanceof TooManyEventsError) throw new DomainError('payload-too-large', `The calendar has ${err.message}.`);
      if (err instanceof SpecError) throw InvalidInputError.field(err.field, err.reason);
      throw err;
    }
    if (q.timezone !== undefined && !localZoneOk(zone)) throw InvalidQueryError.param('timezone', 'is not an IANA time zone');
    const now = new Date();
    const by = caller ? callerText(caller) : undefined;
    const scope = {
      services: [...new Set(q.services ?? [])].sort(),
      environments: [...new Set(q.environments ?? [])].sort((a, b) => a - b),
    };
    const records = windows.map((w, i) => {
      const spec: FreezeSpec =
        w.kind === 'once'
          ? { kind: 'once', start: w.start, end: w.end }
          : { kind: 'recurring', timezone: w.timezone, start: w.localStart, rrule: w.rrule, duration: w.duration, exdates: w.exdates };
      const id = importedId(w.uid, scope);
      try {
        return this.toRecord(id, spec, { name: w.name, reason: w.reason, ...scope }, now, by, { uid: w.uid, allDay: w.allDay });
      } catch (err) {
        if (err instanceof InvalidInputError) throw InvalidInputError.field(`VEVENT[${i}].${fieldOf(err)}`, err.message);
        throw err;
      }
    });
    const stored = new Map((await this.repo.findMany(records.map((r) => r._id))).map((r) => [r._id, r]));
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    const fresh: FreezeRecord[] = [];
    const changed: FreezeRecord[] = [];
    for (const record of records) {
      const before = stored.get(record._id);
      if (before && !before.deletedAt && sameDefinition(before, record)) {
        unchanged++;
        continue;
      }
      if (before) {
        record.createdAt = before.createdAt;
        record.createdBy = before.createdBy;
        changed.push(record);
        updated++;
      } else {
        fresh.push(record);
        created++;
      }
    }
    // A concurrent import of the same UID and scope may have stored one of the fresh ones first: replaced, so updated.
    const inserted = await this.repo.insertImported(fresh);
    created -= fresh.length - inserted;
    updated += fresh.length - inserted;
    await this.repo.replaceImported(changed);
    return { created, updated, unchanged, ids: records.map((r) => r._id) };
  }

  /** May `service` deploy to `environment` at `at`? Locks (not `owner`'s), freezes, and (when on) open incidents. */
  async deployability(q: { service: string; environment: number; at?: string; owner?: string }): Promise<Deployability> {
    const at = q.at === undefined ? new Date() : instantParam('at', q.at);
    const t = at.getTime();
    const [locks, freezes, incidents] = await Promise.all([
      this.locks.activeOn(q.service, q.environment),
      this.repo.inScope({ service: q.service, environment: q.environment, after: at }),
      this.config.freezes.blockOnOpenIncident ? this.incidents.of(q.service, q.environment) : Promise.resolve([]),
    ]);
    const reasons: DeployabilityReason[] = [];
    let notBefore = t;
    let unknownEnd = incidents.length > 0;
    for (const { key, lock, waiting, pending } of locks) {
      if (q.owner !== undefined && lock.owner === q.owner) continue;
      // A pending hand-off (the lease ran out, the first waiter holds the key at the next append) has no end yet.
      if (!pending && lock.expiresAt.getTime() <= t) continue;
      // Someone else is first in the lock's queue: the lease ends, but the lock passes to them, not to the asker.
      const handedOn = pending || (waiting.length > 0 && waiting[0] !== q.owner);
      const held = pending ? `${key.resource} passes to ${lock.owner} (first in line)` : `${key.resource} held by ${lock.owner}`;
      reasons.push({
        kind: 'lock',
        id: lock.lockId,
        title: `${held}${lock.reason ? `: ${lock.reason}` : ''}${handedOn && !pending ? ` (next in line: ${waiting[0]})` : ''}`,
        ...(handedOn ? {} : { until: lock.expiresAt }),
      });
      if (handedOn) unknownEnd = true;
      notBefore = Math.max(notBefore, lock.expiresAt.getTime());
    }
    const compiled = freezes.map((f) => this.compiledOf(f));
    freezes.forEach((f, i) => {
      const w = coveringWindow(compiled[i], t);
      if (w) reasons.push({ kind: 'freeze', id: f._id, title: f.name, until: new Date(w.end) });
    });
    for (const incident of incidents) reasons.push({ kind: 'incident', id: incident.id, title: incident.title });
    const next = unknownEnd ? null : nextAllowedAt(compiled, t, notBefore);
    return { allowed: reasons.length === 0, reasons, nextAllowedAt: next === null ? null : new Date(next) };
  }

  // Enforcement (EventWriteHooks).

  async beforeCreate(record: TrackerEventRecord, now: Date, caller?: Principal, context?: EventWriteContext): Promise<ChangelogRecord[]> {
    const a = record.attributes;
    if (a.type !== EventType.Deployment || a.status !== EventStatus.Start || a.environment === undefined) return [];
    return this.enforce(a.service, a.environment, now, caller, context);
  }

  async createFailed(): Promise<void> {}

  async beforeUpdate(
    current: TrackerEventRecordView,
    next: TrackerEventRecordView,
    caller?: Principal,
    context?: EventWriteContext,
  ): Promise<ChangelogRecord[]> {
    const a = next.attributes;
    const starting = a.status === EventStatus.Start && current.attributes.status !== EventStatus.Start;
    if (a.type !== EventType.Deployment || !starting || a.environment === undefined) return [];
    return this.enforce(a.service, a.environment, new Date(), caller, context);
  }

  async afterUpdate(): Promise<void> {}

  async afterDelete(): Promise<void> {}

  private async enforce(
    service: string,
    environment: number,
    now: Date,
    caller?: Principal,
    context?: EventWriteContext,
  ): Promise<ChangelogRecord[]> {
    const covering = (await this.repo.inScope({ service, environment, after: now }))
      .map((f) => ({ f, w: coveringWindow(this.compiledOf(f), now.getTime()) }))
      .filter((c) => c.w !== undefined)
      .map(({ f, w }) => ({ id: f._id, name: f.name, until: new Date(w!.end) }));
    if (covering.length === 0) return [];
    const names = covering.map((c) => `${c.name} (${c.id})`).join(', ');
    if (context?.intake) {
      // The deployment already happened upstream: recorded, and marked.
      context.frozen = true;
      return [{ at: now, field: 'freeze', old: null, new: `recorded during freeze: ${names}`, source: 'tracker' }];
    }
    const override = context?.override?.trim();
    if (override) {
      if (caller) requireTrackerRole(caller, 'admin', 'Overriding a change freeze (X-Freeze-Override)');
      if (context) context.frozen = true;
      this.overrides.inc({ environment: String(environment) });
      this.logger.warn(
        { service, environment, freezes: covering.map((c) => c.id), by: caller ? callerText(caller) : undefined },
        'change freeze overridden',
      );
      return [
        { at: now, field: 'freeze', old: null, new: `override: ${override} (${names})`, source: caller ? callerText(caller) : 'tracker' },
      ];
    }
    if (!this.config.freezes.enforce) {
      if (context) {
        context.frozen = true;
        context.warnings.push(`change freeze in effect: ${names}`);
      }
      return [{ at: now, field: 'freeze', old: null, new: `recorded during freeze (FREEZE_ENFORCE=off): ${names}`, source: 'tracker' }];
    }
    throw new FrozenError(covering);
  }

  private compiledOf(f: FreezeRecord): CompiledFreeze {
    const key = `${f._id}@${f.updatedAt.getTime()}`;
    let c = this.compiled.get(key);
    if (!c) {
      c = compile(specOf(f));
      if (this.compiled.size >= COMPILED_CACHE) this.compiled.clear();
      this.compiled.set(key, c);
    }
    return c;
  }

  private toRecord(
    id: string,
    spec: FreezeSpec,
    about: { name: string; reason?: string; services?: string[]; environments?: number[] },
    now: Date,
    by: string | undefined,
    imported: { uid?: string; allDay?: boolean } = {},
  ): FreezeRecord {
    let cover: { from: number; until: number | null };
    try {
      cover = coverage(compile(spec));
    } catch (err) {
      if (err instanceof SpecError) throw InvalidInputError.field(err.field, err.reason);
      throw err;
    }
    const services = [...new Set(about.services ?? [])];
    const environments = [...new Set(about.environments ?? [])];
    const record: FreezeRecord = {
      _id: id,
      name: about.name,
      services,
      allServices: services.length === 0,
      environments,
      allEnvironments: environments.length === 0,
      kind: spec.kind,
      exdates: spec.kind === 'recurring' ? spec.exdates : [],
      allDay: imported.allDay ?? false,
      coverFrom: new Date(cover.from),
      coverUntil: cover.until === null ? null : new Date(cover.until),
      createdAt: now,
      updatedAt: now,
    };
    if (about.reason) record.reason = about.reason;
    if (by) record.createdBy = by;
    if (imported.uid) record.uid = imported.uid;
    if (spec.kind === 'once') Object.assign(record, { start: new Date(spec.start), end: new Date(spec.end) });
    else Object.assign(record, { timezone: spec.timezone, localStart: spec.start, rrule: spec.rrule, duration: spec.duration });
    return record;
  }
}

function callerText(caller: Principal): string {
  return `user:${userKey(caller)}`;
}

function instantParam(name: string, value: string): Date {
  const d = parseInstant(value);
  if (!d) throw InvalidQueryError.param(name, 'must be an ISO 8601 date-time');
  return d;
}

function localZoneOk(zone: string): boolean {
  try {
    localToInstant('2000-01-01T00:00:00', zone);
    return true;
  } catch {
    return false;
  }
}

function fieldOf(err: InvalidInputError): string {
  return err.extra.invalidFields?.[0]?.name ?? 'body';
}

/** The window definition of a create request, checked field by field. */
function specFromDto(dto: CreateFreezeDto): FreezeSpec {
  if (dto.rrule !== undefined) {
    if (dto.timezone === undefined) throw InvalidInputError.field('timezone', 'is required with rrule (an IANA zone)');
    if (dto.duration === undefined) throw InvalidInputError.field('duration', 'is required with rrule (an RFC 5545 duration)');
    if (dto.end !== undefined) throw InvalidInputError.field('end', 'is not allowed with rrule (each occurrence lasts `duration`)');
    return { kind: 'recurring', timezone: dto.timezone, start: dto.start, rrule: dto.rrule, duration: dto.duration, exdates: [] };
  }
  for (const name of ['timezone', 'duration'] as const)
    if (dto[name] !== undefined) throw InvalidInputError.field(name, 'is only allowed with rrule (a recurring freeze)');
  if (dto.end === undefined)
    throw InvalidInputError.field('end', 'is required for a one-off window (or give rrule, timezone and duration)');
  const start = WITH_OFFSET.test(dto.start) ? Date.parse(dto.start) : NaN;
  if (Number.isNaN(start))
    throw InvalidInputError.field('start', 'must be an ISO 8601 instant with an offset (e.g. 2027-12-24T18:00:00+01:00)');
  const end = WITH_OFFSET.test(dto.end) ? Date.parse(dto.end) : NaN;
  if (Number.isNaN(end)) throw InvalidInputError.field('end', 'must be an ISO 8601 instant with an offset');
  return { kind: 'once', start, end };
}

function specOf(f: FreezeRecord): FreezeSpec {
  if (f.kind === 'once') return { kind: 'once', start: f.start!.getTime(), end: f.end!.getTime() };
  return { kind: 'recurring', timezone: f.timezone!, start: f.localStart!, rrule: f.rrule!, duration: f.duration!, exdates: f.exdates };
}

/** An imported freeze's id: a UUID-shaped digest of its UID and the import's scope. */
function importedId(uid: string, scope: { services: string[]; environments: number[] }): string {
  const h = createHash('sha256')
    .update(JSON.stringify([uid, scope.services, scope.environments]))
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const DEFINITION_FIELDS = ['name', 'reason', 'kind', 'timezone', 'localStart', 'rrule', 'duration', 'allDay', 'uid'] as const;

function sameDefinition(a: FreezeRecord, b: FreezeRecord): boolean {
  if (DEFINITION_FIELDS.some((k) => (a[k] ?? null) !== (b[k] ?? null))) return false;
  if (a.start?.getTime() !== b.start?.getTime() || a.end?.getTime() !== b.end?.getTime()) return false;
  return JSON.stringify([a.services, a.environments, a.exdates]) === JSON.stringify([b.services, b.environments, b.exdates]);
}
