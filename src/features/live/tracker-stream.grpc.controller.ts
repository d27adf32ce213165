import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import { CallerParts, type CallParts } from '../../platform/http/call-parts';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { WatchTrackerEventsRequestDto } from './dto/stream-query.dto';
import { toGrpcStream } from './grpc-stream';
import { GrpcCall, StreamingCall } from './live.decorators';
import { LiveService } from './live.service';
import { trackerFilterOf } from './stream-format';

// Fully qualified: astra.core.v1 also has an EventService.
const SERVICE = 'tracker.event.v1alpha1.EventService';

/** tracker.event.v1alpha1.EventService/WatchEvents: the REST stream's filters and cursor, as a server stream. */
@TrackerApi()
@Controller()
export class TrackerStreamGrpcController {
  constructor(private readonly live: LiveService) {}

  @GrpcMethod(SERVICE, 'WatchEvents')
  @RequireTrackerRole('reader')
  async watchEvents(
    @Payload() request: WatchTrackerEventsRequestDto,
    @CallerParts() caller: CallParts,
    @GrpcCall() call: StreamingCall,
  ): Promise<Observable<unknown>> {
    const resume = request.resumeFrom === undefined ? undefined : { name: 'resume_from', value: request.resumeFrom };
    const { sub, expiresAt } = await this.live.openTracker(caller, trackerFilterOf(request), resume);
    return toGrpcStream(sub, call, { event: (msg) => msg.data, expiresAt });
  }
}
