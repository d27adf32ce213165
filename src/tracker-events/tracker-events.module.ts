import { Module } from '@nestjs/common';
import { TrackerEventsGrpcController } from './tracker-events.grpc.controller';
import { TrackerEventsHttpController } from './tracker-events.http.controller';
import { TrackerEventsService } from './tracker-events.service';
import { TrackerEventWriteHooks } from './tracker-event-write.hooks';

/** Tracker events over REST (/api/v1alpha1) and gRPC (tracker.event.v1alpha1.EventService). */
@Module({
  controllers: [TrackerEventsHttpController, TrackerEventsGrpcController],
  providers: [TrackerEventsService, TrackerEventWriteHooks],
  exports: [TrackerEventsService, TrackerEventWriteHooks],
})
export class TrackerEventsModule {}
