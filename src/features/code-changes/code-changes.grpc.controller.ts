import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import { toCodeChangePageResponse, toCodeChangeResponse } from './code-changes.mapper';
import { CodeChangesService, listFilterFromRequest } from './code-changes.service';
import { CreateCodeChangeDto, ListCodeChangesRequestDto } from './dto/code-change.dto';

const SERVICE = 'tracker.change.v1alpha1.ChangeService';

/** tracker.change.v1alpha1.ChangeService over the same DTOs and service as REST. */
@TrackerApi()
@Controller()
export class CodeChangesGrpcController {
  constructor(private readonly service: CodeChangesService) {}

  @GrpcMethod(SERVICE, 'CreateChange')
  @RequireTrackerRole('writer')
  @Idempotent('changes.create')
  async createChange(@Payload() dto: CreateCodeChangeDto) {
    const { change, created } = await this.service.create(dto, 'grpc');
    return { change: toCodeChangeResponse(change), created };
  }

  @GrpcMethod(SERVICE, 'ListChanges')
  @RequireTrackerRole('reader')
  async listChanges(@Payload() request: ListCodeChangesRequestDto) {
    const { items, total, page, perPage } = await this.service.list(listFilterFromRequest(request));
    return toCodeChangePageResponse(items, total, page, perPage);
  }
}
