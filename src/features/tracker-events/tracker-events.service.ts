import { Injectable, Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import type { Principal } from '../../auth/roles';
import { ConflictError, NotFoundError } from '../../platform/errors/domain-errors';
import {
  DeliveryEventRow,
  IncidentEventRow,
  IncidentEventsQuery,
  DeliveryEventsQuery,
  TrackerEventCriteria,
  TrackerEventRepository,
  TrackerEventRecordView,
} from './data/tracker-event.repository';
import { TrackerEventDeletionRepository } from './data/tracker-event-deletion.repository';
import { isDuplicateKey } from '../../platform/database/store-errors';
import type { ChangelogRecord, TrackerEventIntakeRecord } from './data/tracker-event.schema';
import { dayBounds } from '../../platform/validation/date-range';
import { buildEventRecord, planUpdate } from './domain/event-record';
import { DeliveryPlanners } from './delivery-planners';
import { EventWriteContext, EventWriteHooks, newWriteContext } from './event-write-hooks';
import { EventMutationListeners } from './event-mutation-listeners';
import { MonthBucket, sumBy, toMonthBuckets, toValueBuckets, ValueBucket } from './domain/stats-buckets';
import type { CreateEventDto, UpdateEventDto } from './dto/event-body.dto';
import type { RelatedEvent } from './tracker-events.mapper';
import type { Paging } from './tracker-events.query';

/** Which transport made a change; the changelog's source when the request names no attributes.source. */
export type Via = 'rest' | 'grpc';

const UPDATE_ATTEMPTS = 5;

/** Where a created event comes from when it is not a plain API create: a chosen id and the intake sub-document. */
export interface CreateOrigin {
  id?: Types.ObjectId;
  intake?: TrackerEventIntakeRecord;
  /** The verified caller with TRACKER_AUTH=required (the write hooks act for it); intakes act as the system. */
  caller?: Principal;
  /** The override reason and the warnings the write hooks hand back (freezes); intakes set `intake` themselves. */
  context?: EventWriteContext;
}

/** A delete's intent still on record (its mutation may not be logged yet). */
export interface PendingDeletion {
  /** The intent's id (to withdraw it). */
  intent: Types.ObjectId;
  /** The event's id (hex). */
  id: string;
  at: Date;
  /** Whether the event is still stored (then the delete did not happen, or has yet to). */
  stored: boolean;
}

export interface EventStats {
  total: number;
  byType: ValueBucket[];
  byStatus: ValueBucket[];
  byEnvironment: ValueBucket[];
  byPriority: ValueBucket[];
  byMonth: MonthBucket[];
}

/** Tracker events: one service behind both transports. Ids arrive validated (24 hex) by the DTOs. */
@Injectable()
export class TrackerEventsService {
  private readonly logger = new Logger(TrackerEventsService.name);

  constructor(
    private readonly events: TrackerEventRepository,
    private readonly deletions: TrackerEventDeletionRepository,
    private readonly planners: DeliveryPlanners,
    private readonly hooks: EventWriteHooks,
    private readonly mutationListeners: EventMutationListeners,
  ) {}

  async create(dto: CreateEventDto, via: Via, origin: CreateOrigin = {}): Promise<TrackerEventRecordView> {
    const now = new Date();
    const record = buildEventRecord(dto, now, dto.attributes.source ?? via, origin.id);
    if (origin.intake) record.intake = origin.intake;
    record.lastChange = { kind: 'created', rev: record.rev, at: now };
    const context = origin.context ?? newWriteContext();
    if (origin.intake) context.intake = true;
    record.changelog.push(...(await this.hooks.beforeCreate(record, now, origin.caller, context)));
    if (context.frozen) record.frozen = true;
    try {
      const planned = this.planners.planOnCreate(record, now);
      const deliveries = planned.flat();
      await this.planners.beforeWrite(record._id.toHexString(), planned);
      await this.events.insert(deliveries.length ? { ...record, deliveries } : record);
    } catch (err) {
      await this.hooks.createFailed(record).catch(() => undefined);
      throw err;
    }
    const { changelog: _changelog, ...event } = record;
    await this.mutationListeners.mutationStored({ kind: 'created', id: record._id.toHexString(), rev: record.rev, at: now, event });
    return record;
  }

  /**
   * Merges the request into the stored event and writes it only if nobody changed the event in between; on a
   * lost race the merge is recomputed from the fresh copy (TrackerEventRepository.updateAtRevision). The write
   * hooks hear about a stored change afterwards, outside the event's update queue (a hook may append to this
   * event's changelog, which queues behind this update).
   */
  update(dto: UpdateEventDto, via: Via, caller?: Principal, context = newWriteContext()): Promise<TrackerEventRecordView> {
    return this.updateAsDecided(dto.id, () => dto, via, caller, context);
  }

  /**
   * `update`, where the request is decided by `decide` against the stored event at the very revision the write
   * is conditioned on (and decided again from the fresh copy when another write got in first): a decision such
   * as "a late running status never moves a finished deployment back" holds across instances, because it can
   * never be applied to a revision it did not see. `decide` answering none leaves the event as it is.
   */
  private async updateAsDecided(
    idText: string,
    decide: (current: TrackerEventRecordView) => UpdateEventDto | undefined,
    via: Via,
    caller?: Principal,
    context = newWriteContext(),
  ): Promise<TrackerEventRecordView> {
    let before: TrackerEventRecordView | undefined;
    let at = new Date();
    const outcome = await this.events.updateAtRevision(new Types.ObjectId(idText), UPDATE_ATTEMPTS, async (current) => {
      at = new Date();
      const dto = decide(current);
      if (!dto) return { set: {}, changelogEntries: [], result: current };
      const plan = planUpdate(current, dto, at, dto.attributes?.source ?? via);
      before = undefined;
      if (Object.keys(plan.set).length === 0) return { set: {}, changelogEntries: [], result: current };
      context.warnings.length = 0;
      context.frozen = undefined;
      const hookEntries = await this.hooks.beforeUpdate(current, plan.next, caller, context);
      const planned = this.planners.planOnUpdate(current, plan.next, at);
      const added = planned.flat();
      const lastChange = { kind: 'updated' as const, rev: plan.next.rev, at };
      const frozen = context.frozen ? { frozen: true } : {};
      const set = {
        ...plan.set,
        lastChange,
        ...frozen,
        ...(added.length ? { deliveries: [...(current.deliveries ?? []), ...added] } : {}),
      };
      await this.planners.beforeWrite(idText.toLowerCase(), planned);
      before = current;
      return { set, changelogEntries: [...plan.changelogEntries, ...hookEntries], result: { ...plan.next, lastChange, ...frozen } };
    });
    if (outcome.kind === 'not-found') throw notFound(idText);
    if (outcome.kind === 'conflict') throw new ConflictError(`Event ${idText} is being changed concurrently; retry the update.`);
    if (before) {
      const result = outcome.result;
      await this.mutationListeners.mutationStored({ kind: 'updated', id: result._id.toHexString(), rev: result.rev, at, event: result });
      await this.hooks.afterUpdate(before, result, at, caller);
    }
    return outcome.result;
  }

  /**
   * How a CI/CD intake records an upstream object (a GitHub deployment, a CDEvents pipeline run or incident): the
   * event is created under `id` (the intake's correlated id) with its `intake` sub-document in the same write,
   * or, when an event already has that id, `update` is applied to it like a Tracker API update (revision-checked,
   * changelog entries for what changes); no `update` (or a function of the stored event answering none) leaves
   * the existing event as it is. The store's unique
   * `_id` decides which of two concurrent creates wins, on any number of instances; the loser updates.
   */
  async recordCorrelated(
    id: Types.ObjectId,
    create: CreateEventDto,
    update: Omit<UpdateEventDto, 'id'> | ((stored: TrackerEventRecordView) => Omit<UpdateEventDto, 'id'> | undefined) | undefined,
    intake: TrackerEventIntakeRecord,
  ): Promise<{ event: TrackerEventRecordView; outcome: 'created' | 'updated' | 'unchanged' }> {
    try {
      return { event: await this.create(create, 'rest', { id, intake }), outcome: 'created' };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const hex = id.toHexString();
    const before = await this.findRecord(hex);
    if (!before) throw new ConflictError(`Event ${hex} was deleted while it was being recorded; retry.`);
    if (!update) return { event: before, outcome: 'unchanged' };
    // Decided against the revision written (updateAsDecided), never against `before`: between this read and the
    // write another instance may have stored a later status, which a function of the stored event must see.
    const event = await this.updateAsDecided(
      hex,
      (current) => {
        const requested = typeof update === 'function' ? update(current) : update;
        return requested && { ...requested, id: hex };
      },
      'rest',
      undefined,
      newWriteContext({ intake: true }),
    );
    return { event, outcome: before.rev === event.rev ? 'unchanged' : 'updated' };
  }

  /**
   * Open incidents (type 4, status neither Close nor Done) of a service in an environment, newest first, at most
   * `limit`: what deployability reads (DEPLOY_BLOCK_ON_OPEN_INCIDENT=on) until the incidents feature answers it.
   */
  openIncidents(service: string, environment: number, limit: number): Promise<TrackerEventRecordView[]> {
    return this.events.findOpenIncidents(service, environment, limit);
  }

  /**
   * Appends entries to an event's changelog (how other modules record what they did to it, e.g. `locked`),
   * queued with the event's updates and revision-checked like them. False when the event does not exist.
   */
  async appendChangelog(idText: string, entries: ChangelogRecord[]): Promise<boolean> {
    const outcome = await this.events.updateAtRevision(new Types.ObjectId(idText), UPDATE_ATTEMPTS, () =>
      Promise.resolve({ set: {}, changelogEntries: entries, result: true }),
    );
    if (outcome.kind === 'conflict')
      throw new ConflictError(`Event ${idText} is being changed concurrently; its changelog entry was not recorded.`);
    return outcome.kind === 'done';
  }

  async get(idText: string): Promise<{ event: TrackerEventRecordView; related: RelatedEvent | null }> {
    const event = await this.events.findById(new Types.ObjectId(idText));
    if (!event) throw notFound(idText);
    return { event, related: await this.findRelated(event.attributes?.relatedId) };
  }

  /** The stored event without its changelog, or null: how other modules read an event (deliveries). */
  findRecord(idText: string): Promise<TrackerEventRecordView | null> {
    return this.events.findById(new Types.ObjectId(idText));
  }

  /**
   * What delivery insights read (deployments of a window and the incidents that may concern them), in one
   * query: see TrackerEventRepository.findDeliveryEvents.
   */
  findDeliveryEvents(query: DeliveryEventsQuery): Promise<DeliveryEventRow[]> {
    return this.events.findDeliveryEvents(query);
  }

  /** What the incidents list reads (incidents and the deployments that may cause or fix them), in one query: see TrackerEventRepository.findIncidentEvents. */
  findIncidentEvents(query: IncidentEventsQuery): Promise<IncidentEventRow[]> {
    return this.events.findIncidentEvents(query);
  }

  /**
   * Deletes an event. Its intent is recorded first (the removed event leaves no document to record the mutation
   * in), then the event removed, then the listeners told; the intent is withdrawn once they all took it. So a
   * deletion whose mutation was not logged (killed in between, a listener failed) keeps its intent, which
   * `pendingDeletions` hands to the live module's recovery. The event is read first, so the write hooks can
   * release what it holds (its automatic lock).
   */
  async delete(idText: string, caller?: Principal): Promise<{ id: string }> {
    const id = new Types.ObjectId(idText);
    const stored = await this.events.findById(id);
    if (!stored) throw notFound(idText);
    const at = new Date();
    const intent = await this.deletions.record(id, at);
    if (!(await this.events.delete(id))) {
      await this.withdrawDeletions([intent]);
      throw notFound(idText);
    }
    if (await this.mutationListeners.mutationStored({ kind: 'deleted', id: id.toHexString(), at })) await this.withdrawDeletions([intent]);
    await this.hooks.afterDelete(stored, caller);
    return { id: idText };
  }

  /**
   * For the live module's recovery: the delete intents recorded before `before` (oldest first, at most `limit`),
   * each with whether its event is still stored.
   */
  async pendingDeletions(before: Date, limit: number): Promise<PendingDeletion[]> {
    const intents = await this.deletions.findBefore(before, limit);
    const stored = await this.events.storedIds(intents.map((i) => i.event));
    return intents.map((i) => ({ intent: i._id, id: i.event.toHexString(), at: i.at, stored: stored.has(i.event.toHexString()) }));
  }

  /** Withdraws delete intents (their mutation is logged, or the delete never happened); a failure is logged. */
  async withdrawDeletions(intents: Types.ObjectId[]): Promise<void> {
    try {
      await this.deletions.withdraw(intents);
    } catch (err) {
      // Left on record: the recovery finds the deletion logged (or the event still there) and withdraws it then.
      this.logger.warn({ err }, 'withdrawing delete intents failed; the live recovery withdraws them later');
    }
  }

  /**
   * For the live module's recovery: the events whose last create or update (recorded in their own write) falls
   * in [from, before), at most `limit`.
   */
  mutatedBetween(from: Date, before: Date, limit: number): Promise<TrackerEventRecordView[]> {
    return this.events.findMutatedBetween(from, before, limit);
  }

  async changelog(idText: string): Promise<ChangelogRecord[]> {
    const entries = await this.events.findChangelog(new Types.ObjectId(idText));
    if (!entries) throw notFound(idText);
    return entries;
  }

  list(paging: Paging) {
    return this.page({}, 'created', paging);
  }

  search(criteria: TrackerEventCriteria, paging: Paging) {
    return this.page(criteria, 'eventTime', paging);
  }

  today(paging: Paging, tz?: string, now = new Date()) {
    const { start, end } = dayBounds(now, tz);
    return this.page({ window: { from: start, before: end } }, 'eventTime', paging);
  }

  /** Every count from one read of the matching events (one $group, or one scan on the embedded store). */
  async stats(criteria: TrackerEventCriteria): Promise<EventStats> {
    const rows = await this.events.countBy(criteria, ['type', 'status', 'environment', 'priority', 'month']);
    return {
      total: rows.reduce((sum, r) => sum + r.count, 0),
      byType: toValueBuckets(sumBy(rows, 'type')),
      byStatus: toValueBuckets(sumBy(rows, 'status')),
      byEnvironment: toValueBuckets(sumBy(rows, 'environment')),
      byPriority: toValueBuckets(sumBy(rows, 'priority')),
      byMonth: toMonthBuckets(sumBy(rows, 'month')),
    };
  }

  async monthly(criteria: TrackerEventCriteria): Promise<{ total: number; byMonth: MonthBucket[] }> {
    const byMonth = toMonthBuckets(sumBy(await this.events.countBy(criteria, ['month']), 'month'));
    return { total: byMonth.reduce((sum, m) => sum + m.count, 0), byMonth };
  }

  private async page(criteria: TrackerEventCriteria, order: 'created' | 'eventTime', paging: Paging) {
    const { items, total } = await this.events.page(criteria, order, (paging.page - 1) * paging.perPage, paging.perPage);
    return { items, total, ...paging };
  }

  /** relatedId may name anything; only a stored event's id yields a link. */
  private async findRelated(relatedId: string | undefined): Promise<RelatedEvent | null> {
    if (!relatedId || !/^[0-9a-fA-F]{24}$/.test(relatedId)) return null;
    const related = await this.events.findById(new Types.ObjectId(relatedId));
    if (!related) return null;
    return { _id: related._id, title: related.title, startedAt: related.attributes?.startDate ?? related.metadata.createdAt };
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`Event ${id} not found.`);
}
