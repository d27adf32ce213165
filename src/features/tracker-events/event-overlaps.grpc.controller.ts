import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { OverlapsQueryDto } from './dto/overlaps-query.dto';
import { toOverlapsResponse } from './event-overlaps.mapper';
import { EventOverlapsService } from './event-overlaps.service';
import { ScanQuery } from '../../platform/scan-limit/scan-query.decorator';

/** tracker.event.v1alpha1.EventService/ListOverlaps (the event service's other methods: TrackerEventsGrpcController). */
@TrackerApi()
@Controller()
export class EventOverlapsGrpcController {
  constructor(private readonly service: EventOverlapsService) {}

  @GrpcMethod('tracker.event.v1alpha1.EventService', 'ListOverlaps')
  @ScanQuery()
  @RequireTrackerRole('reader')
  async listOverlaps(@Payload() request: OverlapsQueryDto) {
    return toOverlapsResponse(await this.service.overlaps(request));
  }
}
