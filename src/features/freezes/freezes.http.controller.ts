import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/roles';
import { TrackerCaller } from '../../auth/tracker-auth.guard';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { CallerParts, type CallParts } from '../../platform/http/call-parts';
import { CalendarBodyRoute, isCalendarBody } from '../../platform/http/raw-body';
import { ApiProblems, LOCATION_HEADER } from '../../platform/openapi/api-docs';
import { DomainError, InvalidInputError } from '../../platform/errors/domain-errors';
import {
  CreateFreezeDto,
  DeployabilityQueryDto,
  FreezeIdDto,
  FreezeOccurrencesQueryDto,
  ImportFreezesQueryDto,
  ListFreezesQueryDto,
} from './dto/freeze.dto';
import {
  DeletedFreezeView,
  DeployabilityView,
  FreezeListView,
  FreezeOccurrenceListView,
  FreezeView,
  ImportedFreezesView,
} from './dto/freeze-response.dto';
import { toDeployabilityResponse, toFreezeListResponse, toFreezeResponse, toOccurrenceListResponse } from './freezes.mapper';
import { FreezesService } from './freezes.service';
import { MAX_PER_PAGE } from '../tracker-events';

const PATH = 'api/v1alpha1/freezes';

@ApiTags('freezes')
@TrackerApi()
@Controller('api/v1alpha1')
export class FreezesHttpController {
  constructor(private readonly service: FreezesService) {}

  @Post('freezes')
  @RequireTrackerRole('writer')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'createFreeze',
    summary: 'Create a change freeze: one window (start, end) or a recurrence (timezone, start, rrule, duration)',
  })
  @ApiCreatedResponse({ type: FreezeView, description: 'Created', headers: LOCATION_HEADER('/api/v1alpha1/freezes/{id}') })
  @ApiProblems({ 400: 'A field is invalid: bad RRULE, unknown zone, end before start (invalidFields names it)' })
  async create(@Body() dto: CreateFreezeDto, @Res({ passthrough: true }) reply: FastifyReply, @TrackerCaller() caller?: Principal) {
    const body = toFreezeResponse(await this.service.create(dto, caller));
    void reply.header('location', `/${PATH}/${body.id}`);
    return body;
  }

  @Post('freezes/import')
  @RequireTrackerRole('writer')
  @CalendarBodyRoute()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'importFreezes',
    summary: 'Import a text/calendar: each VEVENT becomes (or updates, by UID) a freeze; importing the same calendar again changes nothing',
  })
  @ApiConsumes('text/calendar')
  @ApiBody({ schema: { type: 'string', description: 'An RFC 5545 VCALENDAR with VEVENTs (at most 10 MB and 10,000 events)' } })
  @ApiOkResponse({ type: ImportedFreezesView })
  @ApiProblems({
    400: 'The calendar or a query parameter is invalid (invalidFields names the VEVENT and property)',
    413: 'Over 10 MB or 10,000 VEVENTs',
  })
  importCalendar(@Req() req: FastifyRequest, @Query() query: ImportFreezesQueryDto, @TrackerCaller() caller?: Principal) {
    // Only the text/calendar parser's text (up to 10 MB, not through the JSON input bounds of the pipe): a JSON
    // string body is no calendar.
    if (!isCalendarBody(req)) throw new DomainError('unsupported-media-type', 'The body must be text/calendar.');
    const body: unknown = req.body;
    if (typeof body !== 'string') throw InvalidInputError.field('body', 'must be a text/calendar document');
    return this.service.import(body, query, caller);
  }

  @Get('freezes')
  @RequireTrackerRole('reader')
  @ApiOperation({
    operationId: 'listFreezes',
    summary: 'With at, service or environment: the freezes active at `at` (default now); without: every freeze, newest first, paged',
  })
  @ApiOkResponse({ type: FreezeListView })
  @ApiProblems({ 400: 'A query parameter is invalid' })
  async list(@Query() query: ListFreezesQueryDto) {
    const paging = { page: query.page ?? 1, perPage: query.per_page ?? MAX_PER_PAGE };
    const { items, total } = await this.service.list(query, paging);
    return toFreezeListResponse(items, total, paging.page, paging.perPage);
  }

  @Get('freezes/occurrences')
  @RequireTrackerRole('reader')
  @ApiOperation({
    operationId: 'listFreezeOccurrences',
    summary: 'The windows (occurrences) of the freezes in scope overlapping [from, to), at most 62 days, in start order',
  })
  @ApiOkResponse({ type: FreezeOccurrenceListView })
  @ApiProblems({ 400: 'A query parameter is invalid (to before from, or more than 62 days after it)' })
  async occurrences(@Query() query: FreezeOccurrencesQueryDto) {
    const { items, truncated } = await this.service.occurrences(query);
    return toOccurrenceListResponse(items, truncated);
  }

  @Get('freezes/:id')
  @RequireTrackerRole('reader')
  @ApiOperation({ operationId: 'getFreeze', summary: 'One freeze; a deleted one is 404' })
  @ApiOkResponse({ type: FreezeView })
  @ApiProblems({ 400: 'The id is not a UUID', 404: 'No freeze with this id' })
  async get(@Param() { id }: FreezeIdDto) {
    return toFreezeResponse(await this.service.get(id));
  }

  @Delete('freezes/:id')
  @RequireTrackerRole('writer')
  @ApiOperation({ operationId: 'deleteFreeze', summary: 'Delete a freeze (recorded with the caller)' })
  @ApiOkResponse({ type: DeletedFreezeView })
  @ApiProblems({ 400: 'The id is not a UUID', 404: 'No freeze with this id' })
  delete(@Param() { id }: FreezeIdDto, @CallerParts() parts: CallParts, @TrackerCaller() caller?: Principal) {
    return this.service.delete(id, deletedBy(parts, caller));
  }

  @Get('deployability')
  @RequireTrackerRole('reader')
  @ApiOperation({
    operationId: 'checkDeployability',
    summary:
      'May this service deploy to this environment now (or at `at`)? Locks, freezes and (DEPLOY_BLOCK_ON_OPEN_INCIDENT=on) open incidents',
  })
  @ApiOkResponse({ type: DeployabilityView })
  @ApiProblems({ 400: 'A query parameter is invalid' })
  async deployability(@Query() query: DeployabilityQueryDto) {
    return toDeployabilityResponse(await this.service.deployability(query));
  }
}

export function deletedBy(parts: CallParts, caller?: Principal): string {
  return caller ? `user:${caller.userId}` : `address:${parts.address}`;
}
