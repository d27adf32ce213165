import { Controller } from '@nestjs/common';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { EventIdDto } from '../tracker-events';
import { toNotificationsResponse } from './deliveries.mapper';
import { DeliveriesService } from './deliveries.service';

/** tracker.event.v1alpha1.EventService.GetEventNotifications (the event service's other methods live in tracker-events). */
@TrackerApi()
@Controller()
export class DeliveriesGrpcController {
  constructor(private readonly service: DeliveriesService) {}

  @GrpcMethod('tracker.event.v1alpha1.EventService', 'GetEventNotifications')
  @RequireTrackerRole('reader')
  async getEventNotifications(@Payload() { id }: EventIdDto) {
    return toNotificationsResponse(id, await this.service.deliveries(id));
  }
}
