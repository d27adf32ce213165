import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CallerParts, type CallParts } from '../../platform/http/call-parts';
import type { Principal } from '../../auth/roles';
import { TrackerCaller } from '../../auth/tracker-auth.guard';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import { ApiProblems, LOCATION_HEADER } from '../../platform/openapi/api-docs';
import {
  AcquireLockDto,
  LeaveLockQueueQueryDto,
  ListLocksQueryDto,
  LockIdDto,
  LockQueueQueryDto,
  pagingFromQuery,
  ReleaseLockQueryDto,
  RenewLockBodyDto,
  TicketIdDto,
} from './dto/lock.dto';
import {
  LeftLockQueueView,
  LockedProblemDto,
  LockListView,
  LockQueueView,
  LockView,
  QueuedLockView,
  ReleasedLockView,
} from './dto/lock-response.dto';
import { toLockListResponse, toLockResponse, toQueuedResponse, toQueueResponse } from './locks.mapper';
import { LocksService } from './locks.service';

const PATH = 'api/v1alpha1/locks';
const GONE = { 404: 'Released, expired or unknown (urn:tracker:problems:not-found)' };
const BAD_ID = { 400: 'The id is not a UUID, or a field is invalid' };
const NOT_OWNER = {
  403:
    'urn:tracker:problems:not-lock-owner (another owner holds it), or with TRACKER_AUTH=required urn:tracker:problems:forbidden ' +
    '(the tracker role is below writer, or below admin for naming another owner or force)',
};

@ApiTags('locks')
@TrackerApi()
@Controller(PATH)
export class LocksHttpController {
  constructor(private readonly service: LocksService) {}

  @Post()
  @RequireTrackerRole('writer')
  @Idempotent('locks.acquire')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'acquireLock',
    summary: 'Acquire the lock of (service, environment, resource): 201 new, 200 renewed for the same owner, 202 in the line (wait: true)',
  })
  @ApiCreatedResponse({ type: LockView, description: 'Acquired', headers: LOCATION_HEADER('/api/v1alpha1/locks/{id}') })
  @ApiOkResponse({ type: LockView, description: 'Already held by the same owner: lease renewed' })
  @ApiAcceptedResponse({
    type: QueuedLockView,
    description: 'wait: true and another owner holds it: in the line (or, already in it, the ticket renewed)',
  })
  @ApiExtraModels(LockedProblemDto)
  @ApiProblems(
    {
      409: 'urn:tracker:problems:locked (another owner holds it, or with wait its line is full; `holder` says who), or an Idempotency-Key reused',
    },
    { $ref: getSchemaPath(LockedProblemDto) },
  )
  @ApiProblems({
    403: "Only with TRACKER_AUTH=required: urn:tracker:problems:forbidden (the tracker role is below writer, or below admin for naming an owner other than the token's sub)",
    429: 'The caller holds LOCKS_MAX_ACTIVE_PER_CALLER active locks (members `quota`, `limit`), or the rate limit',
  })
  async acquire(
    @Body() dto: AcquireLockDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CallerParts() call: CallParts,
    @TrackerCaller() caller?: Principal,
  ) {
    const result = await this.service.acquireOrWait(dto, call, caller);
    if (result.queued) {
      void reply.status(202);
      return toQueuedResponse(result.queued);
    }
    const body = toLockResponse(result.held.lock);
    if (result.held.created) void reply.header('location', `/${PATH}/${body.id}`);
    else void reply.status(200);
    return body;
  }

  @Get('queue')
  @RequireTrackerRole('reader')
  @ApiOperation({
    operationId: 'getLockQueue',
    summary: 'The line of one key: its holder (absent when free) and its waiters, next first (tickets whose lease ran out left)',
  })
  @ApiOkResponse({ type: LockQueueView })
  @ApiProblems({ 400: 'A query parameter is missing or invalid' })
  async queue(@Query() query: LockQueueQueryDto) {
    const { key, line } = await this.service.queue(query);
    return toQueueResponse(key, line);
  }

  @Delete('queue/:ticketId')
  @RequireTrackerRole('writer')
  @ApiOperation({
    operationId: 'leaveLockQueue',
    summary: "Leave the line: ?owner= the waiter, or ?force=true for anyone's ticket",
  })
  @ApiOkResponse({ type: LeftLockQueueView, description: 'Left the line' })
  @ApiProblems({
    400: 'The ticket id is not a UUID, or a field is invalid',
    403:
      'urn:tracker:problems:not-lock-owner (another owner waits with it), or with TRACKER_AUTH=required urn:tracker:problems:forbidden ' +
      '(the tracker role is below writer, or below admin for naming another owner or force)',
    404: 'Not in a line: it left, its lease ran out, or its turn came (urn:tracker:problems:not-found)',
  })
  leaveQueue(@Param() { ticketId }: TicketIdDto, @Query() query: LeaveLockQueueQueryDto, @TrackerCaller() caller?: Principal) {
    return this.service.leaveQueue(ticketId, query, caller);
  }

  @Get()
  @RequireTrackerRole('reader')
  @ApiOperation({
    operationId: 'listLocks',
    summary: 'Active locks (unexpired, unreleased), by service, environment, resource: one page (per_page, default and at most 100)',
  })
  @ApiOkResponse({ type: LockListView })
  @ApiProblems({ 400: 'A query parameter is invalid' })
  async list(@Query() query: ListLocksQueryDto) {
    const paging = pagingFromQuery(query);
    return toLockListResponse(await this.service.list(query, paging), paging);
  }

  @Get(':id')
  @RequireTrackerRole('reader')
  @ApiOperation({ operationId: 'getLock', summary: 'One active lock; released or expired is 404' })
  @ApiOkResponse({ type: LockView })
  @ApiProblems({ ...BAD_ID, ...GONE })
  async get(@Param() { id }: LockIdDto) {
    return toLockResponse(await this.service.get(id));
  }

  @Post(':id/renew')
  @RequireTrackerRole('writer')
  @HttpCode(200)
  @ApiOperation({ operationId: 'renewLock', summary: "Renew the lease (ttlSeconds from now, default the lock's own)" })
  @ApiOkResponse({ type: LockView, description: 'Renewed' })
  @ApiProblems({ ...BAD_ID, ...NOT_OWNER, ...GONE })
  async renew(@Param() { id }: LockIdDto, @Body() dto: RenewLockBodyDto, @TrackerCaller() caller?: Principal) {
    return toLockResponse(await this.service.renew(id, dto, caller));
  }

  @Delete(':id')
  @RequireTrackerRole('writer')
  @ApiOperation({
    operationId: 'releaseLock',
    summary: "Release: ?owner= the holder, or ?force=true for anyone's lock (logged with the caller's identity)",
  })
  @ApiOkResponse({ type: ReleasedLockView, description: 'Released' })
  @ApiProblems({ ...BAD_ID, ...NOT_OWNER, ...GONE })
  release(
    @Param() { id }: LockIdDto,
    @Query() query: ReleaseLockQueryDto,
    @CallerParts() parts: CallParts,
    @TrackerCaller() caller?: Principal,
  ) {
    return this.service.release(id, query, parts, caller);
  }
}
