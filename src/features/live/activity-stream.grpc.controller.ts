import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import { AccountGuard, AuthScope } from '../../auth/account.guard';
import type { AccountScope } from '../../auth/account-scope';
import { CallerParts, type CallParts } from '../../platform/http/call-parts';
import { toProtoNames } from '../../astra/proto-names';
import { WatchActivityEventsRequestDto } from './dto/stream-query.dto';
import { toGrpcStream } from './grpc-stream';
import { GrpcCall, StreamingCall } from './live.decorators';
import { LiveService } from './live.service';

// Fully qualified: tracker.event.v1alpha1 also has an EventService.
const SERVICE = 'astra.core.v1.EventService';

/** astra.core.v1.EventService/WatchEvents: the activity stream over gRPC, bearer token in `authorization` metadata. */
@Controller()
@UseGuards(AccountGuard)
export class ActivityStreamGrpcController {
  constructor(private readonly live: LiveService) {}

  @GrpcMethod(SERVICE, 'WatchEvents')
  async watchEvents(
    @Payload() request: WatchActivityEventsRequestDto,
    @AuthScope() scope: AccountScope,
    @CallerParts() caller: CallParts,
    @GrpcCall() call: StreamingCall,
  ): Promise<Observable<unknown>> {
    const resume = request.resumeFrom === undefined ? undefined : { name: 'resume_from', value: request.resumeFrom };
    const { sub, expiresAt } = await this.live.openActivity(caller, scope, resume);
    return toGrpcStream(sub, call, { event: (msg) => toProtoNames(msg.data), expiresAt });
  }
}
