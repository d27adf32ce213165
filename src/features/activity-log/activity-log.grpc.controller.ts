import { Controller, UseGuards } from '@nestjs/common';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { AccountGuard, AuthScope, RequireRole } from '../../auth/account.guard';
import type { AccountScope } from '../../auth/account-scope';
import { AstraListRequestDto, listQueryOf } from '../../astra/grpc-request.dto';
import { toProtoList, toProtoNames } from '../../astra/proto-names';
import { ActivityLogService } from './activity-log.service';
import { CreateEventRequestDto, GetEventRequestDto } from './dto/grpc-requests.dto';

/**
 * Fully qualified: tracker.event.v1alpha1 also has an `EventService` with the same method names, and Nest
 * binds a short service name to every package's service of that name.
 */
const SERVICE = 'astra.core.v1.EventService';

/**
 * astra.core.v1.EventService: the same service calls as REST, with the same auth, rules and errors. Requests
 * are DTOs validated by the global pipes like REST bodies (AstraGrpcRequestPipe maps the proto names).
 */
@Controller()
@UseGuards(AccountGuard)
export class ActivityLogGrpcController {
  constructor(private readonly activity: ActivityLogService) {}

  @GrpcMethod(SERVICE, 'CreateEvent')
  @Idempotent('astra.event.create')
  @RequireRole('admin')
  async createEvent(@Payload() request: CreateEventRequestDto, @AuthScope() scope: AccountScope) {
    return toProtoNames(await this.activity.create(scope, request.event));
  }

  @GrpcMethod(SERVICE, 'GetEvent')
  async getEvent(@Payload() request: GetEventRequestDto, @AuthScope() scope: AccountScope) {
    return toProtoNames(await this.activity.get(scope, request.eventId));
  }

  @GrpcMethod(SERVICE, 'ListEvents')
  async listEvents(@Payload() request: AstraListRequestDto, @AuthScope() scope: AccountScope) {
    return toProtoList(await this.activity.list(scope, listQueryOf(request)));
  }
}
