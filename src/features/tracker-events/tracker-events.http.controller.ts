import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { EventWriteContext } from './event-write-hooks';
import { EventWriteContextOf, warningValue } from './freeze-override';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import type { Principal } from '../../auth/roles';
import { TrackerCaller } from '../../auth/tracker-auth.guard';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../platform/openapi/api-docs';
import { CreateEventDto, EventIdDto, UpdateEventDto } from './dto/event-body.dto';
import { EventStatsQueryDto, ListEventsQueryDto, SearchEventsQueryDto, TodayEventsQueryDto } from './dto/event-query.dto';
import {
  ChangelogView,
  CreatedEventView,
  EventIdView,
  EventPageView,
  EventStatsView,
  MonthlyStatsView,
  TrackerEventView,
} from './dto/event-response.dto';
import { CREATE_EVENT_EXAMPLES, UPDATE_EVENT_EXAMPLE } from './dto/event-examples';
import { toChangelogResponse, toCreateResponse, toEventResponse, toPageResponse } from './tracker-events.mapper';
import { pagingFromQuery, searchFromQuery, statsFromQuery } from './tracker-events.query';
import { TrackerEventsService } from './tracker-events.service';
import { ScanQuery } from '../../platform/scan-limit/scan-query.decorator';

const NOT_FOUND = { 404: 'No event with this id (urn:tracker:problems:not-found)' };
const BAD_QUERY = { 400: 'A query parameter is invalid (urn:tracker:problems:invalid-input; invalidFields names each)' };

const FREEZE_OVERRIDE_HEADER = {
  name: 'X-Freeze-Override',
  required: false,
  description:
    'Deploy through a change freeze: the reason (its first 500 characters), recorded in the changelog (admin role with ' +
    'TRACKER_AUTH=required). ' +
    'With FREEZE_ENFORCE=off a freeze answers a `Warning` header instead of 409',
  schema: { type: 'string' },
} as const;

@ApiTags('tracker events')
@TrackerApi()
@Controller('api/v1alpha1')
export class TrackerEventsHttpController {
  constructor(private readonly service: TrackerEventsService) {}

  @Post('event')
  @RequireTrackerRole('writer')
  @Idempotent('tracker.event.create')
  @HttpCode(200)
  @ApiOperation({ operationId: 'createEvent', summary: 'Create an event (answers 200 with id, title, createdAt and the stored event)' })
  @ApiBody({ type: CreateEventDto, examples: CREATE_EVENT_EXAMPLES })
  @ApiOkResponse({ type: CreatedEventView, description: 'The created event' })
  @ApiProblems({
    409:
      'urn:tracker:problems:frozen: a change freeze covers this deployment (member `freezes`; send X-Freeze-Override: <reason>), ' +
      'urn:tracker:problems:locked (AUTO_LOCK=on), or an Idempotency-Key reused',
  })
  @ApiHeader(FREEZE_OVERRIDE_HEADER)
  async create(
    @Body() dto: CreateEventDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @EventWriteContextOf() context: EventWriteContext,
    @TrackerCaller() caller?: Principal,
  ) {
    const event = await this.service.create(dto, 'rest', { caller, context });
    warn(reply, context);
    return toCreateResponse(event);
  }

  @Put('event')
  @RequireTrackerRole('writer')
  @ApiOperation({ operationId: 'updateEvent', summary: 'Update an event: the id is in the body; given fields are merged field by field' })
  @ApiBody({
    type: UpdateEventDto,
    examples: { guide: { summary: 'Close a deployment (the guide\'s "Update Event")', value: UPDATE_EVENT_EXAMPLE } },
  })
  @ApiOkResponse({ type: TrackerEventView, description: 'The event as stored after the update' })
  @ApiProblems({
    ...NOT_FOUND,
    403:
      "Only with TRACKER_AUTH=required: the token's tracker role is below writer (urn:tracker:problems:forbidden), or (AUTO_LOCK=on) " +
      'the update finishes an event whose automatic lock another caller holds and the caller is no admin (not-lock-owner)',
    409: 'urn:tracker:problems:frozen: the update starts a deployment a change freeze covers (send X-Freeze-Override: <reason>)',
  })
  @ApiHeader(FREEZE_OVERRIDE_HEADER)
  async update(
    @Body() dto: UpdateEventDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @EventWriteContextOf() context: EventWriteContext,
    @TrackerCaller() caller?: Principal,
  ) {
    const event = await this.service.update(dto, 'rest', caller, context);
    warn(reply, context);
    return toEventResponse(event);
  }

  @Get('event/:id')
  @RequireTrackerRole('reader')
  @ApiOperation({ operationId: 'getEvent', summary: 'Get one event, with its related event and durations when known' })
  @ApiOkResponse({ type: TrackerEventView })
  @ApiProblems({ 400: 'The id is not 24 hexadecimal characters', ...NOT_FOUND })
  async get(@Param() { id }: EventIdDto) {
    const { event, related } = await this.service.get(id);
    return toEventResponse(event, related);
  }

  @Delete('event/:id')
  @RequireTrackerRole('admin')
  @ApiOperation({ operationId: 'deleteEvent', summary: 'Delete an event; answers 200 with its id' })
  @ApiOkResponse({ type: EventIdView, description: 'Deleted' })
  @ApiProblems({ 400: 'The id is not 24 hexadecimal characters', ...NOT_FOUND })
  delete(@Param() { id }: EventIdDto, @TrackerCaller() caller?: Principal) {
    return this.service.delete(id, caller);
  }

  @Get('event/:id/changelog')
  @RequireTrackerRole('reader')
  @ApiOperation({ operationId: 'getEventChangelog', summary: 'The recorded changes of one event, oldest first' })
  @ApiOkResponse({ type: ChangelogView })
  @ApiProblems({ 400: 'The id is not 24 hexadecimal characters', ...NOT_FOUND })
  async changelog(@Param() { id }: EventIdDto) {
    return toChangelogResponse(id, await this.service.changelog(id));
  }

  @Get('events/list')
  @RequireTrackerRole('reader')
  @ApiOperation({ operationId: 'listEvents', summary: 'All events, newest first, paginated' })
  @ApiOkResponse({ type: EventPageView })
  @ApiProblems(BAD_QUERY)
  async list(@Query() query: ListEventsQueryDto) {
    const { items, total, page, perPage } = await this.service.list(pagingFromQuery(query));
    return toPageResponse(items, total, page, perPage);
  }

  @Get('events/search')
  @ScanQuery()
  @RequireTrackerRole('reader')
  @ApiOperation({ operationId: 'searchEvents', summary: 'Events matching every given filter (AND), newest event time first, paginated' })
  @ApiOkResponse({ type: EventPageView })
  @ApiProblems(BAD_QUERY)
  async search(@Query() query: SearchEventsQueryDto) {
    const { criteria, paging } = searchFromQuery(query);
    const { items, total, page, perPage } = await this.service.search(criteria, paging);
    return toPageResponse(items, total, page, perPage);
  }

  @Get('events/today')
  @ScanQuery()
  @RequireTrackerRole('reader')
  @ApiOperation({ operationId: 'listTodayEvents', summary: "Events whose time falls in today's calendar day (UTC, or the tz zone)" })
  @ApiOkResponse({ type: EventPageView })
  @ApiProblems(BAD_QUERY)
  async today(@Query() query: TodayEventsQueryDto) {
    const { items, total, page, perPage } = await this.service.today(pagingFromQuery(query), query.tz);
    return toPageResponse(items, total, page, perPage);
  }

  @Get('events/stats')
  @ScanQuery()
  @RequireTrackerRole('reader')
  @ApiOperation({ operationId: 'getEventStats', summary: 'Counts by type, status, environment, priority and month over a date range' })
  @ApiOkResponse({ type: EventStatsView })
  @ApiProblems(BAD_QUERY)
  stats(@Query() query: EventStatsQueryDto) {
    return this.service.stats(statsFromQuery(query));
  }

  @Get('events/stats/monthly')
  @ScanQuery()
  @RequireTrackerRole('reader')
  @ApiOperation({ operationId: 'getMonthlyEventStats', summary: 'Counts per month (YYYY-MM of the event time) over a date range' })
  @ApiOkResponse({ type: MonthlyStatsView })
  @ApiProblems(BAD_QUERY)
  monthly(@Query() query: EventStatsQueryDto) {
    return this.service.monthly(statsFromQuery(query));
  }
}

/** FREEZE_ENFORCE=off: what the freeze would have refused, as a Warning header. */
function warn(reply: FastifyReply, context: EventWriteContext): void {
  const value = warningValue(context);
  if (value) void reply.header('warning', value);
}
