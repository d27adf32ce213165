import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import { toChangePageResponse, toChangeResponse } from './changes.mapper';
import { ChangesService, listFilterFromRequest } from './changes.service';
import { CreateChangeDto, ListChangesRequestDto } from './dto/change.dto';

const SERVICE = 'tracker.change.v1alpha1.ChangeService';

/** tracker.change.v1alpha1.ChangeService over the same DTOs and service as REST. */
@TrackerApi()
@Controller()
export class ChangesGrpcController {
  constructor(private readonly service: ChangesService) {}

  @GrpcMethod(SERVICE, 'CreateChange')
  @RequireTrackerRole('writer')
  @Idempotent('changes.create')
  async createChange(@Payload() dto: CreateChangeDto) {
    const { change, created } = await this.service.create(dto, 'grpc');
    return { change: toChangeResponse(change), created };
  }

  @GrpcMethod(SERVICE, 'ListChanges')
  @RequireTrackerRole('reader')
  async listChanges(@Payload() request: ListChangesRequestDto) {
    const { items, total, page, perPage } = await this.service.list(listFilterFromRequest(request));
    return toChangePageResponse(items, total, page, perPage);
  }
}
