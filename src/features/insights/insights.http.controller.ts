import { ApiProblems } from '../../platform/openapi/api-docs';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { DoraQueryDto, DoraServicesQueryDto } from './dto/dora-query.dto';
import { DoraByServiceResponse, DoraResponse } from './dto/dora.response';
import { toDoraByServiceResponse, toDoraResponse } from './insights.mapper';
import { InsightsService } from './insights.service';
import { ScanQuery } from '../../platform/scan-limit/scan-query.decorator';

@ApiTags('insights')
@TrackerApi()
@Controller('api/v1alpha1/insights')
export class InsightsHttpController {
  constructor(private readonly service: InsightsService) {}

  @Get('dora')
  @ScanQuery()
  @RequireTrackerRole('reader')
  @ApiOperation({
    operationId: 'getDora',
    summary: "DORA's four keys (deployment frequency, lead time for changes, change failure rate, recovery time) over [from, to)",
    description:
      'Definitions and the source of each tier threshold: docs/insights.md. The window is widened to whole minutes (`window` says what was ' +
      'covered), and requests for the same window within 30 s share one answer.',
  })
  @ApiOkResponse({ type: DoraResponse })
  @ApiProblems({ 400: 'Unknown environment, from after to, a window over 366 days or a bad bucket (problem+json naming it)' })
  async dora(@Query() query: DoraQueryDto): Promise<DoraResponse> {
    return toDoraResponse(await this.service.getDora(query));
  }

  @Get('dora/services')
  @ScanQuery()
  @RequireTrackerRole('reader')
  @ApiOperation({
    operationId: 'listDoraByService',
    summary: 'The four keys and tiers per service of one environment, sorted by service name',
  })
  @ApiOkResponse({ type: DoraByServiceResponse })
  @ApiProblems({ 400: 'Unknown environment, from after to or a window over 366 days (problem+json naming it)' })
  async services(@Query() query: DoraServicesQueryDto): Promise<DoraByServiceResponse> {
    return toDoraByServiceResponse(await this.service.listDoraByService(query));
  }
}
