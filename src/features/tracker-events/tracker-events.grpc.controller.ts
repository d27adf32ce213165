import { Controller } from '@nestjs/common';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import type { Principal } from '../../auth/roles';
import { TrackerCaller } from '../../auth/tracker-auth.guard';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CreateEventDto, EventIdDto, UpdateEventDto } from './dto/event-body.dto';
import { EventStatsRequestDto, ListEventsRequestDto, SearchEventsRequestDto, TodayEventsRequestDto } from './dto/event-query.dto';
import { toCreateResponse, toEventResponse, toGrpcChangelogResponse, toPageResponse } from './tracker-events.mapper';
import { pagingFromRequest, searchFromRequest, statsFromRequest } from './tracker-events.query';
import { TrackerEventsService } from './tracker-events.service';
import type { EventWriteContext } from './event-write-hooks';
import { EventWriteContextOf, GrpcCall, type GrpcCallLike, sendWarnings } from './freeze-override';
import { ScanQuery } from '../../platform/scan-limit/scan-query.decorator';

// Fully qualified: astra.core.v1 also has an EventService, and Nest binds a short name to both packages' services.
const SERVICE = 'tracker.event.v1alpha1.EventService';

/** tracker.event.v1alpha1.EventService over the same DTOs (validated by the global pipe) and service as REST. */
@TrackerApi()
@Controller()
export class TrackerEventsGrpcController {
  constructor(private readonly service: TrackerEventsService) {}

  @GrpcMethod(SERVICE, 'CreateEvent')
  @RequireTrackerRole('writer')
  @Idempotent('tracker.event.create')
  async createEvent(
    @Payload() dto: CreateEventDto,
    @EventWriteContextOf() context: EventWriteContext,
    @GrpcCall() call: GrpcCallLike,
    @TrackerCaller() caller?: Principal,
  ) {
    const event = await this.service.create(dto, 'grpc', { caller, context });
    sendWarnings(call, context);
    return toCreateResponse(event);
  }

  @GrpcMethod(SERVICE, 'UpdateEvent')
  @RequireTrackerRole('writer')
  async updateEvent(
    @Payload() dto: UpdateEventDto,
    @EventWriteContextOf() context: EventWriteContext,
    @GrpcCall() call: GrpcCallLike,
    @TrackerCaller() caller?: Principal,
  ) {
    const event = await this.service.update(dto, 'grpc', caller, context);
    sendWarnings(call, context);
    return toEventResponse(event);
  }

  @GrpcMethod(SERVICE, 'GetEvent')
  @RequireTrackerRole('reader')
  async getEvent(@Payload() { id }: EventIdDto) {
    const { event, related } = await this.service.get(id);
    return toEventResponse(event, related);
  }

  @GrpcMethod(SERVICE, 'DeleteEvent')
  @RequireTrackerRole('admin')
  deleteEvent(@Payload() { id }: EventIdDto, @TrackerCaller() caller?: Principal) {
    return this.service.delete(id, caller);
  }

  @GrpcMethod(SERVICE, 'ListEvents')
  @RequireTrackerRole('reader')
  async listEvents(@Payload() request: ListEventsRequestDto) {
    const { items, total, page, perPage } = await this.service.list(pagingFromRequest(request));
    return toPageResponse(items, total, page, perPage);
  }

  @GrpcMethod(SERVICE, 'SearchEvents')
  @ScanQuery()
  @RequireTrackerRole('reader')
  async searchEvents(@Payload() request: SearchEventsRequestDto) {
    const { criteria, paging } = searchFromRequest(request);
    const { items, total, page, perPage } = await this.service.search(criteria, paging);
    return toPageResponse(items, total, page, perPage);
  }

  @GrpcMethod(SERVICE, 'TodayEvents')
  @ScanQuery()
  @RequireTrackerRole('reader')
  async todayEvents(@Payload() request: TodayEventsRequestDto) {
    const { items, total, page, perPage } = await this.service.today(pagingFromRequest(request), request.tz);
    return toPageResponse(items, total, page, perPage);
  }

  @GrpcMethod(SERVICE, 'GetEventChangelog')
  @RequireTrackerRole('reader')
  async getEventChangelog(@Payload() { id }: EventIdDto) {
    return toGrpcChangelogResponse(id, await this.service.changelog(id));
  }

  @GrpcMethod(SERVICE, 'GetEventStats')
  @ScanQuery()
  @RequireTrackerRole('reader')
  getEventStats(@Payload() request: EventStatsRequestDto) {
    return this.service.stats(statsFromRequest(request));
  }
}
