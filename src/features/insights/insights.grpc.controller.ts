import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { DoraQueryDto, DoraServicesQueryDto } from './dto/dora-query.dto';
import { toDoraByServiceResponse, toDoraResponse } from './insights.mapper';
import { InsightsService } from './insights.service';
import { ScanQuery } from '../../platform/scan-limit/scan-query.decorator';

const SERVICE = 'tracker.insights.v1alpha1.InsightsService';

/** tracker.insights.v1alpha1.InsightsService over the same DTOs and service as REST. */
@TrackerApi()
@Controller()
export class InsightsGrpcController {
  constructor(private readonly service: InsightsService) {}

  @GrpcMethod(SERVICE, 'GetDora')
  @ScanQuery()
  @RequireTrackerRole('reader')
  async getDora(@Payload() request: DoraQueryDto) {
    return toDoraResponse(await this.service.getDora(request));
  }

  @GrpcMethod(SERVICE, 'ListDoraByService')
  @ScanQuery()
  @RequireTrackerRole('reader')
  async listDoraByService(@Payload() request: DoraServicesQueryDto) {
    return toDoraByServiceResponse(await this.service.listDoraByService(request));
  }
}
