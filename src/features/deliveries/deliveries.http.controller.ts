import { Controller, Get, Param } from '@nestjs/common';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../platform/openapi/api-docs';
import { EventIdDto } from '../tracker-events';
import { EventDeliveriesView } from './dto/delivery-response.dto';
import { toNotificationsResponse } from './deliveries.mapper';
import { DeliveriesService } from './deliveries.service';

@ApiTags('tracker events')
@TrackerApi()
@Controller('api/v1alpha1')
export class DeliveriesHttpController {
  constructor(private readonly service: DeliveriesService) {}

  @Get('event/:id/notifications')
  @RequireTrackerRole('reader')
  @ApiOperation({
    operationId: 'getEventDeliveries',
    summary: "An event's Slack/email deliveries: state, attempts (time, error), next attempt, dedup key",
  })
  @ApiOkResponse({ type: EventDeliveriesView })
  @ApiProblems({ 400: 'The id is not 24 hexadecimal characters', 404: 'No event with this id' })
  async deliveries(@Param() { id }: EventIdDto) {
    return toNotificationsResponse(id, await this.service.deliveries(id));
  }
}
