import { Body, Controller, Delete, Get, Headers, HttpCode, Options, Param, Patch, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AccountGuard, AuthScope, RequireRole } from '../common/auth/account.guard';
import type { AccountScope } from '../common/auth/account-scope';
import { negotiate } from './content-negotiation';
import { ActivityLogService } from './activity-log.service';
import { CreateActivityEventDto } from './dto/create-event.dto';
import { methodNotAllowed } from '../common/http/method-not-allowed';

const EVENT_MEDIA_TYPE = 'application/astra-event+json';
/** The list's own media type (its envelope `type` + json); application/json is what Astra documents. */
const EVENTS_MEDIA_TYPE = 'application/astra-events+json';
const COLLECTION_METHODS = 'GET, HEAD, POST';
const ITEM_METHODS = 'GET, HEAD';

/**
 * The Astra event resource: GET one, GET the list, POST (how services emit events; Astra keeps this internal,
 * Tracker exposes it to admins and owners). Other methods answer 405 problems/69 whoever asks.
 */
@ApiTags('Activity log (Astra events)')
@ApiBearerAuth()
@ApiParam({ name: 'account_id', description: 'Account UUID (must be in the bearer token)' })
@Controller('accounts/:account_id/core/v1/events')
export class ActivityLogHttpController {
  constructor(private readonly activity: ActivityLogService) {}

  @Get()
  @UseGuards(AccountGuard)
  @ApiOperation({ summary: 'List events (include, limit, skip, continue, filter, orderBy, count)' })
  async list(@AuthScope() scope: AccountScope, @Query() query: Record<string, unknown>, @Headers('accept') accept: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const media = negotiate(accept, EVENTS_MEDIA_TYPE);
    const body = await this.activity.list(scope, query);
    void reply.header('content-type', media);
    return body;
  }

  @Get(':event_id')
  @UseGuards(AccountGuard)
  @ApiOperation({ summary: 'Retrieve an event' })
  async get(@AuthScope() scope: AccountScope, @Param('event_id') eventId: string, @Headers('accept') accept: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const media = negotiate(accept, EVENT_MEDIA_TYPE);
    const body = await this.activity.get(scope, eventId);
    void reply.header('content-type', media);
    return body;
  }

  @Post()
  @Idempotent('astra.event.create')
  @HttpCode(201)
  @RequireRole('admin')
  @UseGuards(AccountGuard)
  @ApiOperation({ summary: 'Create an event (admin or owner); 201 with Location' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async create(@AuthScope() scope: AccountScope, @Body() body: CreateActivityEventDto, @Headers('accept') accept: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const media = negotiate(accept, EVENT_MEDIA_TYPE);
    const event = await this.activity.create(scope, body);
    void reply.header('location', `/accounts/${scope.accountId}/core/v1/events/${event.id}`).header('content-type', media);
    return event;
  }

  // Fastify refuses a catch-all route beside GET/POST on one path, so each unsupported method gets a handler.
  @ApiExcludeEndpoint()
  @Put()
  putCollection(@Res({ passthrough: true }) reply: FastifyReply): never {
    return methodNotAllowed(reply, COLLECTION_METHODS);
  }
  @ApiExcludeEndpoint()
  @Patch()
  patchCollection(@Res({ passthrough: true }) reply: FastifyReply): never {
    return methodNotAllowed(reply, COLLECTION_METHODS);
  }
  @ApiExcludeEndpoint()
  @Delete()
  deleteCollection(@Res({ passthrough: true }) reply: FastifyReply): never {
    return methodNotAllowed(reply, COLLECTION_METHODS);
  }
  @ApiExcludeEndpoint()
  @Options()
  optionsCollection(@Res({ passthrough: true }) reply: FastifyReply): never {
    return methodNotAllowed(reply, COLLECTION_METHODS);
  }
  @ApiExcludeEndpoint()
  @Post(':event_id')
  postItem(@Res({ passthrough: true }) reply: FastifyReply): never {
    return methodNotAllowed(reply, ITEM_METHODS);
  }
  @ApiExcludeEndpoint()
  @Put(':event_id')
  putItem(@Res({ passthrough: true }) reply: FastifyReply): never {
    return methodNotAllowed(reply, ITEM_METHODS);
  }
  @ApiExcludeEndpoint()
  @Patch(':event_id')
  patchItem(@Res({ passthrough: true }) reply: FastifyReply): never {
    return methodNotAllowed(reply, ITEM_METHODS);
  }
  @ApiExcludeEndpoint()
  @Delete(':event_id')
  deleteItem(@Res({ passthrough: true }) reply: FastifyReply): never {
    return methodNotAllowed(reply, ITEM_METHODS);
  }
  @ApiExcludeEndpoint()
  @Options(':event_id')
  optionsItem(@Res({ passthrough: true }) reply: FastifyReply): never {
    return methodNotAllowed(reply, ITEM_METHODS);
  }
}
