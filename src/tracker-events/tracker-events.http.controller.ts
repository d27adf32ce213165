import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { TrackerApi } from '../common/auth/tracker-api.decorator';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateEventDto, EventIdDto, UpdateEventDto } from './dto/event-body.dto';
import { EventStatsQueryDto, ListEventsQueryDto, SearchEventsQueryDto, TodayEventsQueryDto } from './dto/event-query.dto';
import { toChangelogResponse, toCreateResponse, toEventResponse, toPageResponse } from './tracker-events.mapper';
import { pagingFromQuery, searchFromQuery, statsFromQuery } from './tracker-events.query';
import { TrackerEventsService } from './tracker-events.service';

@ApiTags('tracker events')
@TrackerApi()
@Controller('api/v1alpha1')
export class TrackerEventsHttpController {
  constructor(private readonly service: TrackerEventsService) {}

  @Post('event')
  @Idempotent('tracker.event.create')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create an event (answers 200 with id, title, createdAt and the stored event)' })
  @ApiOkResponse({ description: 'The created event' })
  async create(@Body() dto: CreateEventDto) {
    return toCreateResponse(await this.service.create(dto, 'rest'));
  }

  @Put('event')
  @ApiOperation({ summary: 'Update an event: the id is in the body; given fields are merged field by field' })
  async update(@Body() dto: UpdateEventDto) {
    return toEventResponse(await this.service.update(dto, 'rest'));
  }

  @Get('event/:id')
  @ApiOperation({ summary: 'Get one event, with its related event and durations when known' })
  async get(@Param() { id }: EventIdDto) {
    const { event, related } = await this.service.get(id);
    return toEventResponse(event, related);
  }

  @Delete('event/:id')
  @ApiOperation({ summary: 'Delete an event; answers 200 with its id' })
  delete(@Param() { id }: EventIdDto) {
    return this.service.delete(id);
  }

  @Get('event/:id/changelog')
  @ApiOperation({ summary: 'The recorded changes of one event, oldest first' })
  async changelog(@Param() { id }: EventIdDto) {
    return toChangelogResponse(id, await this.service.changelog(id));
  }

  @Get('events/list')
  @ApiOperation({ summary: 'All events, newest first, paginated' })
  async list(@Query() query: ListEventsQueryDto) {
    const { items, total, page, perPage } = await this.service.list(pagingFromQuery(query));
    return toPageResponse(items, total, page, perPage);
  }

  @Get('events/search')
  @ApiOperation({ summary: 'Events matching every given filter (AND), newest event time first, paginated' })
  async search(@Query() query: SearchEventsQueryDto) {
    const { criteria, paging } = searchFromQuery(query);
    const { items, total, page, perPage } = await this.service.search(criteria, paging);
    return toPageResponse(items, total, page, perPage);
  }

  @Get('events/today')
  @ApiOperation({ summary: "Events whose time falls in today's calendar day (UTC, or the tz zone)" })
  async today(@Query() query: TodayEventsQueryDto) {
    const { items, total, page, perPage } = await this.service.today(pagingFromQuery(query), query.tz);
    return toPageResponse(items, total, page, perPage);
  }

  @Get('events/stats')
  @ApiOperation({ summary: 'Counts by type, status, environment, priority and month over a date range' })
  stats(@Query() query: EventStatsQueryDto) {
    return this.service.stats(statsFromQuery(query));
  }

  @Get('events/stats/monthly')
  @ApiOperation({ summary: 'Counts per month (YYYY-MM of the event time) over a date range' })
  monthly(@Query() query: EventStatsQueryDto) {
    return this.service.monthly(statsFromQuery(query));
  }
}
