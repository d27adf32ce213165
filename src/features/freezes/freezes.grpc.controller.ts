import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import type { Principal } from '../../auth/roles';
import { TrackerCaller } from '../../auth/tracker-auth.guard';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { CallerParts, type CallParts } from '../../platform/http/call-parts';
import { MAX_PER_PAGE } from '../tracker-events';
import { CreateFreezeDto, DeployabilityQueryDto, FreezeIdDto, ImportFreezesRequestDto, ListFreezesRequestDto } from './dto/freeze.dto';
import { deletedBy } from './freezes.http.controller';
import { toDeployabilityResponse, toFreezeListResponse, toFreezeResponse } from './freezes.mapper';
import { FreezesService } from './freezes.service';

const FREEZES = 'tracker.freeze.v1alpha1.FreezeService';
const DEPLOYABILITY = 'tracker.freeze.v1alpha1.DeployabilityService';

/** tracker.freeze.v1alpha1.FreezeService and DeployabilityService over the same DTOs and service as REST. */
@TrackerApi()
@Controller()
export class FreezesGrpcController {
  constructor(private readonly service: FreezesService) {}

  @GrpcMethod(FREEZES, 'CreateFreeze')
  @RequireTrackerRole('writer')
  async createFreeze(@Payload() dto: CreateFreezeDto, @TrackerCaller() caller?: Principal) {
    return toFreezeResponse(await this.service.create(dto, caller));
  }

  @GrpcMethod(FREEZES, 'GetFreeze')
  @RequireTrackerRole('reader')
  async getFreeze(@Payload() { id }: FreezeIdDto) {
    return toFreezeResponse(await this.service.get(id));
  }

  @GrpcMethod(FREEZES, 'ListFreezes')
  @RequireTrackerRole('reader')
  async listFreezes(@Payload() request: ListFreezesRequestDto) {
    const paging = { page: request.page || 1, perPage: request.perPage || MAX_PER_PAGE };
    const { items, total } = await this.service.list(request, paging);
    return toFreezeListResponse(items, total, paging.page, paging.perPage);
  }

  @GrpcMethod(FREEZES, 'DeleteFreeze')
  @RequireTrackerRole('writer')
  deleteFreeze(@Payload() { id }: FreezeIdDto, @CallerParts() parts: CallParts, @TrackerCaller() caller?: Principal) {
    return this.service.delete(id, deletedBy(parts, caller));
  }

  @GrpcMethod(FREEZES, 'ImportFreezes')
  @RequireTrackerRole('writer')
  importFreezes(@Payload() request: ImportFreezesRequestDto, @TrackerCaller() caller?: Principal) {
    return this.service.import(request.calendar.toString('utf8'), request, caller);
  }

  @GrpcMethod(DEPLOYABILITY, 'Check')
  @RequireTrackerRole('reader')
  async check(@Payload() request: DeployabilityQueryDto) {
    return toDeployabilityResponse(await this.service.deployability(request));
  }
}
