import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { ApiProblems } from '../../platform/openapi/api-docs';
import { ScanQuery } from '../../platform/scan-limit/scan-query.decorator';
import { IncidentIdDto, ListIncidentsQueryDto } from './dto/incident-query.dto';
import { IncidentPageResponse, IncidentResponse } from './dto/incident.response';
import { toIncidentPageResponse, toIncidentResponse } from './incidents.mapper';
import { IncidentsService, listQueryFromRest } from './incidents.service';

@ApiTags('incidents')
@TrackerApi()
@Controller('api/v1alpha1/incidents')
export class IncidentsHttpController {
  constructor(private readonly service: IncidentsService) {}

  @Get()
  @ScanQuery()
  @RequireTrackerRole('reader')
  @ApiOperation({
    operationId: 'listIncidents',
    summary: 'Incidents (tracker events of type 4) with their causes and fixes: open first, then the newest start first, paginated',
  })
  @ApiOkResponse({ type: IncidentPageResponse })
  @ApiProblems({ 400: 'A query parameter is invalid (problem+json naming it)' })
  async list(@Query() query: ListIncidentsQueryDto): Promise<IncidentPageResponse> {
    return toIncidentPageResponse(await this.service.list(listQueryFromRest(query)));
  }

  @Get(':id')
  @ScanQuery()
  @RequireTrackerRole('reader')
  @ApiOperation({ operationId: 'getIncident', summary: 'One incident with its causes and fixes' })
  @ApiOkResponse({ type: IncidentResponse })
  @ApiProblems({ 400: 'The id is not an event id', 404: 'No incident has this id (no event, or an event of another type)' })
  async get(@Param() params: IncidentIdDto): Promise<IncidentResponse> {
    return toIncidentResponse(await this.service.get(params.id));
  }
}
