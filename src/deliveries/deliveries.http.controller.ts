import { Controller, Get, Param } from '@nestjs/common';
import { TrackerApi } from '../common/auth/tracker-api.decorator';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EventIdDto } from '../tracker-events/dto/event-body.dto';
import { toNotificationsResponse } from './deliveries.mapper';
import { DeliveriesService } from './deliveries.service';

@ApiTags('tracker events')
@TrackerApi()
@Controller('api/v1alpha1')
export class DeliveriesHttpController {
  constructor(private readonly service: DeliveriesService) {}

  @Get('event/:id/notifications')
  @ApiOperation({ summary: "An event's Slack/email deliveries: state, attempts (time, error), next attempt, dedup key" })
  async deliveries(@Param() { id }: EventIdDto) {
    return toNotificationsResponse(id, await this.service.deliveries(id));
  }
}
