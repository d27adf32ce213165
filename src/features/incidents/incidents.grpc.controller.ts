import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { ScanQuery } from '../../platform/scan-limit/scan-query.decorator';
import { IncidentIdDto, ListIncidentsRequestDto } from './dto/incident-query.dto';
import { toIncidentPageResponse, toIncidentResponse } from './incidents.mapper';
import { IncidentsService, listQueryFromGrpc } from './incidents.service';

const SERVICE = 'tracker.incident.v1alpha1.IncidentService';

/** tracker.incident.v1alpha1.IncidentService over the same DTOs and service as REST. */
@TrackerApi()
@Controller()
export class IncidentsGrpcController {
  constructor(private readonly service: IncidentsService) {}

  @GrpcMethod(SERVICE, 'ListIncidents')
  @ScanQuery()
  @RequireTrackerRole('reader')
  async listIncidents(@Payload() request: ListIncidentsRequestDto) {
    return toIncidentPageResponse(await this.service.list(listQueryFromGrpc(request)));
  }

  @GrpcMethod(SERVICE, 'GetIncident')
  @ScanQuery()
  @RequireTrackerRole('reader')
  async getIncident(@Payload() request: IncidentIdDto) {
    return toIncidentResponse(await this.service.get(request.id));
  }
}
