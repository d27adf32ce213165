import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { ApiProblems } from '../../platform/openapi/api-docs';
import { OverlapsQueryDto } from './dto/overlaps-query.dto';
import { OverlapsView } from './dto/event-response.dto';
import { toOverlapsResponse } from './event-overlaps.mapper';
import { EventOverlapsService } from './event-overlaps.service';
import { ScanQuery } from '../../platform/scan-limit/scan-query.decorator';

@ApiTags('tracker events')
@TrackerApi()
@Controller('api/v1alpha1')
export class EventOverlapsHttpController {
  constructor(private readonly service: EventOverlapsService) {}

  @Get('events/overlaps')
  @ScanQuery()
  @RequireTrackerRole('reader')
  @ApiOperation({
    operationId: 'listEventOverlaps',
    summary: 'Events of one service (or environment) whose startDate..endDate ranges intersect, in a window of at most 92 days',
    description:
      'Ranges are half-open: touching ranges do not overlap; an event without an end runs until the end of the window; events without a start are ignored. ' +
      'Groups are ordered by key; pairs by the later-starting event b (start, then id), then a (start, then id). At most 1000 pairs are listed ' +
      '(`truncated`), all are counted (`totalOverlaps`, per group and in all).',
  })
  @ApiOkResponse({ type: OverlapsView })
  @ApiProblems({ 400: 'from/to missing, invalid, inverted or more than 92 days apart; or another parameter is invalid' })
  async overlaps(@Query() query: OverlapsQueryDto) {
    return toOverlapsResponse(await this.service.overlaps(query));
  }
}
