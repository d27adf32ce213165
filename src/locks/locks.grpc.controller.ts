import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import type { CallParts } from '../common/auth/caller';
import { TrackerApi } from '../common/auth/tracker-api.decorator';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { Caller } from './caller.decorator';
import {
  AcquireLockDto,
  ListLocksRequestDto,
  LockIdDto,
  pagingFromRequest,
  ReleaseLockRequestDto,
  RenewLockRequestDto,
} from './dto/lock.dto';
import { toLockListResponse, toLockResponse } from './locks.mapper';
import { LocksService } from './locks.service';

const SERVICE = 'tracker.lock.v1alpha1.LockService';

/** tracker.lock.v1alpha1.LockService over the same DTOs and service as REST. */
@TrackerApi()
@Controller()
export class LocksGrpcController {
  constructor(private readonly service: LocksService) {}

  @GrpcMethod(SERVICE, 'AcquireLock')
  @Idempotent('locks.acquire')
  async acquireLock(@Payload() dto: AcquireLockDto, @Caller() caller: CallParts) {
    const { lock, created } = await this.service.acquire(dto, caller);
    return { lock: toLockResponse(lock), created };
  }

  @GrpcMethod(SERVICE, 'RenewLock')
  async renewLock(@Payload() dto: RenewLockRequestDto) {
    return toLockResponse(await this.service.renew(dto.id, dto.owner, dto.ttlSeconds));
  }

  @GrpcMethod(SERVICE, 'ReleaseLock')
  releaseLock(@Payload() dto: ReleaseLockRequestDto, @Caller() caller: CallParts) {
    return this.service.release(dto.id, dto, caller);
  }

  @GrpcMethod(SERVICE, 'GetLock')
  async getLock(@Payload() { id }: LockIdDto) {
    return toLockResponse(await this.service.get(id));
  }

  @GrpcMethod(SERVICE, 'ListLocks')
  async listLocks(@Payload() request: ListLocksRequestDto) {
    const paging = pagingFromRequest(request);
    return toLockListResponse(await this.service.list(request, paging), paging);
  }
}
