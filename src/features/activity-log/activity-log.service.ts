import { Injectable } from '@nestjs/common';
import { ListQuery, ListSpec, parseListQuery } from '../../astra/list-query';
import { ListResponse, toListResponse } from '../../astra/list-response';
import { AccountScope, requireAstraUser } from '../../auth/account-scope';
import { isAstraIdentifier } from '../../auth/identifiers';
import { ConflictError, DomainError } from '../../platform/errors/domain-errors';
import { SEQUENCE_ATTEMPTS } from '../../platform/database/sequence-allocator';
import { ActivityEventRepository, EventPage, ProjectedDestination } from './data/activity-event.repository';
import { ActivityEventRecord } from './data/activity-event.schema';
import { AstraEvent, EVENTS_LIST_TYPE, EVENT_VERSION, toAstraEvent, toRecord } from './activity-event.mapper';
import { EVENTS_LIST_SPEC } from './activity-event.list-fields';
import { ActivityLogHooks } from './activity-log.hooks';
import type { CreateActivityEventDto } from './dto/create-event.dto';

/** What "is this condition cleared" needs to know about an event. */
export type ClearableEvent = Pick<AstraEvent, 'id' | 'correlationID' | 'summary' | 'sequenceCount' | 'severity'>;

/**
 * The Astra activity log. Every method takes the caller's AccountScope first (from the AccountGuard or
 * systemScope); reads see only what that scope may read, at this instant.
 */
@Injectable()
export class ActivityLogService {
  constructor(
    private readonly events: ActivityEventRepository,
    private readonly hooks: ActivityLogHooks,
  ) {}

  async create(scope: AccountScope, input: CreateActivityEventDto): Promise<AstraEvent> {
    // metadata.createdBy is an Astra identifier: an OIDC subject in another format cannot be recorded there.
    requireAstraUser(scope, 'create events (metadata.createdBy)');
    const now = new Date();
    const record = await this.events.insertWithNextSequence(scope, (sequence) => toRecord(input, scope, sequence, now));
    if (!record) {
      throw new ConflictError(`Could not assign a sequenceCount in account ${scope.accountId} after ${SEQUENCE_ATTEMPTS} attempts; retry.`);
    }
    await this.hooks.eventCreated(record);
    return toAstraEvent(record);
  }

  /**
   * One event. A malformed id is 400 problems/35; an unknown, expired or invisible one is 404 problems/2 (the
   * only 404 this operation publishes), so a caller cannot tell "hidden from you" from "absent".
   */
  async get(scope: AccountScope, eventId: string): Promise<AstraEvent> {
    if (!isAstraIdentifier(eventId)) {
      throw new DomainError('invalid-resource-id', `Event id '${String(eventId)}' is not a lowercase UUID.`);
    }
    const record = await this.events.findReadable(scope, eventId, new Date());
    if (!record) throw new DomainError('collection-not-found', `Event ${eventId} was not found in account ${scope.accountId}.`);
    return toAstraEvent(record);
  }

  /**
   * For the projections of the activity log (notifications, banners): a page of a list query over the stored
   * events the caller may read now that were sent to `destination`, leaving out `excludeEventIds`.
   */
  listWithDestination(
    scope: AccountScope,
    destination: ProjectedDestination,
    q: ListQuery,
    spec: ListSpec,
    options: { excludeEventIds?: readonly string[]; now?: Date } = {},
  ): Promise<EventPage> {
    return this.events.listWithDestination(scope, destination, q, spec, options.now ?? new Date(), options.excludeEventIds);
  }

  /** For the projections: up to `limit` stored events sent to `destination` that the caller may read now. */
  findWithDestination(
    scope: AccountScope,
    destination: ProjectedDestination,
    options: { limit: number; now?: Date },
  ): Promise<ActivityEventRecord[]> {
    return this.events.findWithDestination(scope, destination, options.now ?? new Date(), options.limit);
  }

  /** For the projections: the stored event if the caller may read it now (null when absent, hidden or expired). */
  findReadableRecord(scope: AccountScope, eventId: string, now = new Date()): Promise<ActivityEventRecord | null> {
    return this.events.findReadable(scope, eventId, now);
  }

  /** GET .../events: the Astra list conventions (src/astra) over what the caller may read now. */
  async list(scope: AccountScope, rawQuery: Record<string, unknown>): Promise<ListResponse> {
    const q = parseListQuery(rawQuery, EVENTS_LIST_SPEC);
    const { rows, total } = await this.events.list(scope, q, EVENTS_LIST_SPEC, new Date());
    const items = rows.map(toAstraEvent) as unknown as Record<string, unknown>[];
    const byId = new Map(rows.map((r) => [r._id, r]));
    const orderPath = EVENTS_LIST_SPEC.fields[q.orderBy.field].path ?? q.orderBy.field;
    return toListResponse(items, q, EVENTS_LIST_SPEC, {
      type: EVENTS_LIST_TYPE,
      version: EVENT_VERSION,
      total,
      // The continue position is the stored value (a Date keeps the millisecond the store compares).
      orderValue: (item) => valueAt(byId.get(item.id as string), orderPath),
      id: (item) => item.id as string,
    });
  }

  /**
   * Which of `events` are cleared: an event is cleared when it is itself a `cleared` event, or when an
   * unexpired `cleared` event with the same correlationID and summary and a higher sequenceCount exists in the
   * account (astra-event-api.md: a cleared event "will use the same summary and correlation ID"). Derived at
   * read time, so it holds whatever order concurrent creates commit in.
   */
  async clearedIds(scope: AccountScope, events: ClearableEvent[]): Promise<Set<string>> {
    const cleared = new Set(events.filter((e) => e.severity === 'cleared').map((e) => e.id));
    const open = events.filter((e) => e.severity !== 'cleared');
    const clearing = await this.events.findClearing(
      scope,
      open.map((e) => e.correlationID),
      new Date(),
    );
    for (const e of open) {
      if (clearing.some((c) => c.correlationID === e.correlationID && c.summary === e.summary && c.sequenceCount > e.sequenceCount)) {
        cleared.add(e.id);
      }
    }
    return cleared;
  }

  async isCleared(scope: AccountScope, event: ClearableEvent): Promise<boolean> {
    return (await this.clearedIds(scope, [event])).has(event.id);
  }
}

function valueAt(record: object | undefined, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), record);
}
