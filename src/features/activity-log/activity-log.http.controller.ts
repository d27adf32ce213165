import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiAstraAccountRoutes,
  ApiAstraIdParam,
  ApiAstraListQuery,
  ApiAstraProblems,
  ApiAstraResponse,
  LOCATION_HEADER,
} from '../../platform/openapi/api-docs';
import type { FastifyReply } from 'fastify';
import { AccountGuard, AuthScope, RequireRole } from '../../auth/account.guard';
import type { AccountScope } from '../../auth/account-scope';
import { AstraMediaType } from '../../astra/content-negotiation';
import { OnlyDeclaredMethods } from '../../platform/http/allowed-methods';
import { ActivityLogService } from './activity-log.service';
import { CreateActivityEventDto } from './dto/create-event.dto';

const EVENT_MEDIA_TYPE = 'application/astra-event+json';
/** The list's own media type (its envelope `type` + json); application/json is what Astra documents. */
const EVENTS_MEDIA_TYPE = 'application/astra-events+json';

/**
 * The Astra event resource: GET one, GET the list, POST (how services emit events; Astra keeps this internal,
 * Tracker exposes it to admins and owners). Other methods answer 405 problems/69 whoever asks.
 */
@ApiTags('Activity log (Astra events)')
@ApiAstraAccountRoutes()
@OnlyDeclaredMethods()
@Controller('accounts/:account_id/core/v1/events')
export class ActivityLogHttpController {
  constructor(private readonly activity: ActivityLogService) {}

  @Get()
  @UseGuards(AccountGuard)
  @AstraMediaType(EVENTS_MEDIA_TYPE)
  @ApiOperation({ operationId: 'listActivityEvents', summary: 'List events (include, limit, skip, continue, filter, orderBy, count)' })
  @ApiAstraListQuery()
  @ApiAstraResponse(200, 'event_1.4_list_response_body', EVENTS_MEDIA_TYPE, {
    description: 'The matching events (with include, each item is an array of the fields asked for)',
  })
  @ApiAstraProblems({ 404: [2] })
  list(@AuthScope() scope: AccountScope, @Query() query: Record<string, unknown>) {
    return this.activity.list(scope, query);
  }

  @Get(':event_id')
  @UseGuards(AccountGuard)
  @AstraMediaType(EVENT_MEDIA_TYPE)
  @ApiOperation({ operationId: 'getActivityEvent', summary: 'Retrieve an event' })
  @ApiAstraIdParam('event_id')
  @ApiAstraResponse(200, 'event_1.4_get_response_body', EVENT_MEDIA_TYPE, { description: 'The event' })
  @ApiAstraProblems(
    { 404: [2] },
    { 404: 'problems/2 (as NetApp publishes for this operation): no such event in the account, or not visible to the role' },
  )
  get(@AuthScope() scope: AccountScope, @Param('event_id') eventId: string) {
    return this.activity.get(scope, eventId);
  }

  @Post()
  @Idempotent('astra.event.create')
  @HttpCode(201)
  @RequireRole('admin')
  @UseGuards(AccountGuard)
  @AstraMediaType(EVENT_MEDIA_TYPE)
  @ApiOperation({ operationId: 'createActivityEvent', summary: 'Create an event (admin or owner); 201 with Location' })
  @ApiAstraResponse(201, 'event_1.4_get_response_body', EVENT_MEDIA_TYPE, {
    description: 'Created',
    headers: LOCATION_HEADER('/accounts/{account_id}/core/v1/events/{event_id}'),
  })
  async create(@AuthScope() scope: AccountScope, @Body() body: CreateActivityEventDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const event = await this.activity.create(scope, body);
    void reply.header('location', `/accounts/${scope.accountId}/core/v1/events/${event.id}`);
    return event;
  }
}
