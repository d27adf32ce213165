import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CallParts } from '../common/auth/caller';
import { TrackerApi } from '../common/auth/tracker-api.decorator';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { Caller } from './caller.decorator';
import { AcquireLockDto, ListLocksQueryDto, LockIdDto, ReleaseLockQueryDto, RenewLockBodyDto } from './dto/lock.dto';
import { toLockListResponse, toLockResponse } from './locks.mapper';
import { LocksService } from './locks.service';

const PATH = 'api/v1alpha1/locks';

@ApiTags('locks')
@TrackerApi()
@Controller(PATH)
export class LocksHttpController {
  constructor(private readonly service: LocksService) {}

  @Post()
  @Idempotent('locks.acquire')
  @HttpCode(201)
  @ApiOperation({ summary: 'Acquire the lock of (service, environment, resource): 201 new, 200 renewed for the same owner' })
  @ApiCreatedResponse({ description: 'Acquired; Location names the lock' })
  @ApiOkResponse({ description: 'Already held by the same owner: lease renewed' })
  @ApiConflictResponse({ description: 'urn:tracker:problems:locked, with `holder` {id, owner, reason, acquiredAt, expiresAt}' })
  async acquire(@Body() dto: AcquireLockDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { lock, created } = await this.service.acquire(dto);
    const body = toLockResponse(lock);
    if (created) void reply.header('location', `/${PATH}/${body.id}`);
    else void reply.status(200);
    return body;
  }

  @Get()
  @ApiOperation({ summary: 'Active locks (unexpired, unreleased), by service, environment, resource' })
  async list(@Query() query: ListLocksQueryDto) {
    return toLockListResponse(await this.service.list(query));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One active lock; released or expired is 404' })
  @ApiNotFoundResponse({ description: 'Released, expired or unknown' })
  async get(@Param() { id }: LockIdDto) {
    return toLockResponse(await this.service.get(id));
  }

  @Post(':id/renew')
  @HttpCode(200)
  @ApiOperation({ summary: "Renew the lease (ttlSeconds from now, default the lock's own)" })
  @ApiForbiddenResponse({ description: 'urn:tracker:problems:not-lock-owner' })
  @ApiNotFoundResponse({ description: 'Released, expired or unknown' })
  async renew(@Param() { id }: LockIdDto, @Body() dto: RenewLockBodyDto) {
    return toLockResponse(await this.service.renew(id, dto.owner, dto.ttlSeconds));
  }

  @Delete(':id')
  @ApiOperation({ summary: "Release: ?owner= the holder, or ?force=true for anyone's lock (logged with the caller's identity)" })
  @ApiForbiddenResponse({ description: 'urn:tracker:problems:not-lock-owner' })
  @ApiNotFoundResponse({ description: 'Released, expired or unknown' })
  release(@Param() { id }: LockIdDto, @Query() query: ReleaseLockQueryDto, @Caller() caller: CallParts) {
    return this.service.release(id, query, caller);
  }
}
