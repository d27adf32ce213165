import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CallerParts, type CallParts } from '../../platform/http/call-parts';
import type { Principal } from '../../auth/roles';
import { TrackerCaller } from '../../auth/tracker-auth.guard';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import {
  AcquireLockDto,
  LeaveLockQueueRequestDto,
  ListLocksRequestDto,
  LockQueueQueryDto,
  LockIdDto,
  pagingFromRequest,
  ReleaseLockRequestDto,
  RenewLockRequestDto,
} from './dto/lock.dto';
import { toLockListResponse, toLockResponse, toQueuedResponse, toQueueResponse } from './locks.mapper';
import { LocksService } from './locks.service';

const SERVICE = 'tracker.lock.v1alpha1.LockService';

/** tracker.lock.v1alpha1.LockService over the same DTOs and service as REST. */
@TrackerApi()
@Controller()
export class LocksGrpcController {
  constructor(private readonly service: LocksService) {}

  @GrpcMethod(SERVICE, 'AcquireLock')
  @RequireTrackerRole('writer')
  @Idempotent('locks.acquire')
  async acquireLock(@Payload() dto: AcquireLockDto, @CallerParts() call: CallParts, @TrackerCaller() caller?: Principal) {
    const result = await this.service.acquireOrWait(dto, call, caller);
    if (result.queued) return { queued: true, ticket: toQueuedResponse(result.queued) };
    return { lock: toLockResponse(result.held.lock), created: result.held.created };
  }

  @GrpcMethod(SERVICE, 'GetLockQueue')
  @RequireTrackerRole('reader')
  async getLockQueue(@Payload() request: LockQueueQueryDto) {
    const { key, line } = await this.service.queue(request);
    return toQueueResponse(key, line);
  }

  @GrpcMethod(SERVICE, 'LeaveLockQueue')
  @RequireTrackerRole('writer')
  leaveLockQueue(@Payload() dto: LeaveLockQueueRequestDto, @TrackerCaller() caller?: Principal) {
    return this.service.leaveQueue(dto.ticketId, dto, caller);
  }

  @GrpcMethod(SERVICE, 'RenewLock')
  @RequireTrackerRole('writer')
  async renewLock(@Payload() dto: RenewLockRequestDto, @TrackerCaller() caller?: Principal) {
    return toLockResponse(await this.service.renew(dto.id, dto, caller));
  }

  @GrpcMethod(SERVICE, 'ReleaseLock')
  @RequireTrackerRole('writer')
  releaseLock(@Payload() dto: ReleaseLockRequestDto, @CallerParts() parts: CallParts, @TrackerCaller() caller?: Principal) {
    return this.service.release(dto.id, dto, parts, caller);
  }

  @GrpcMethod(SERVICE, 'GetLock')
  @RequireTrackerRole('reader')
  async getLock(@Payload() { id }: LockIdDto) {
    return toLockResponse(await this.service.get(id));
  }

  @GrpcMethod(SERVICE, 'ListLocks')
  @RequireTrackerRole('reader')
  async listLocks(@Payload() request: ListLocksRequestDto) {
    const paging = pagingFromRequest(request);
    return toLockListResponse(await this.service.list(request, paging), paging);
  }
}
