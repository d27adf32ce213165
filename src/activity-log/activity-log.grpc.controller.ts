import { Controller, UseGuards } from '@nestjs/common';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { AccountGuard, AuthScope, RequireRole } from '../common/auth/account.guard';
import type { AccountScope } from '../common/auth/account-scope';
import { AstraListRequest, fromProtoNames, toProtoNames } from '../common/astra/proto-names';
import { AstraEvent } from './activity-event.mapper';
import { ActivityLogService } from './activity-log.service';
import { validateCreateEvent } from './dto/validate-create-event';

/**
 * Fully qualified: tracker.event.v1alpha1 also has an `EventService` with the same method names, and Nest
 * binds a short service name to every package's service of that name.
 */
const SERVICE = 'astra.core.v1.EventService';

/**
 * A decoded message without the loader's synthetic oneof keys (`_ttl: 'ttl'` for each proto3 `optional`
 * field, from `oneofs: true`), so the REST validation sees only real fields.
 */
function withoutSyntheticOneofs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSyntheticOneofs);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([k]) => !k.startsWith('_'))
      .map(([k, v]) => [k, withoutSyntheticOneofs(v)]),
  );
}

interface CreateEventRequest {
  accountId?: string;
  event?: Record<string, unknown>;
}
interface GetEventRequest {
  accountId?: string;
  eventId?: string;
}
type ListEventsRequest = AstraListRequest;

/** astra.core.v1.EventService: the same service calls as REST, with the same auth, rules and errors. */
@Controller()
@UseGuards(AccountGuard)
export class ActivityLogGrpcController {
  constructor(private readonly activity: ActivityLogService) {}

  @GrpcMethod(SERVICE, 'CreateEvent')
  @Idempotent('astra.event.create')
  @RequireRole('admin')
  async createEvent(@Payload() request: CreateEventRequest, @AuthScope() scope: AccountScope) {
    const input = validateCreateEvent(fromProtoNames(withoutSyntheticOneofs(request.event ?? {}) as Record<string, unknown>));
    return toProtoEvent(await this.activity.create(scope, input));
  }

  @GrpcMethod(SERVICE, 'GetEvent')
  async getEvent(@Payload() request: GetEventRequest, @AuthScope() scope: AccountScope) {
    return toProtoEvent(await this.activity.get(scope, request.eventId ?? ''));
  }

  @GrpcMethod(SERVICE, 'ListEvents')
  async listEvents(@Payload() request: ListEventsRequest, @AuthScope() scope: AccountScope) {
    const { include, limit, skip, filter, orderBy, count } = request;
    const raw = { include, limit, skip, filter, orderBy, count, continue: request.continue };
    const page = await this.activity.list(scope, raw);
    const rows = include ? page.items.map((row) => JSON.stringify(row)) : [];
    const items = include ? [] : (page.items as AstraEvent[]).map(toProtoEvent);
    return { type: page.type, version: page.version, items, rows, metadata: page.metadata };
  }
}

function toProtoEvent(event: AstraEvent): Record<string, unknown> {
  return toProtoNames(event);
}
