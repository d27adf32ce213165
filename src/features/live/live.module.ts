import { Injectable, Module, BeforeApplicationShutdown } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ActivityLogModule } from '../activity-log';
import { AccountGuard } from '../../auth/account.guard';
import { StoreLocatorModule } from '../../platform/database/database.module';
import { LocksModule } from '../locks';
import { TrackerEventsModule } from '../tracker-events';
import { ActivityStreamGrpcController } from './activity-stream.grpc.controller';
import { ActivityStreamHttpController } from './activity-stream.http.controller';
import { LiveLogRepository } from './data/live-log.repository';
import { LiveLogEntryModelDefinition, LiveStoreIdModelDefinition } from './data/live-log.schema';
import { LiveBus } from './live-bus';
import { LiveHub } from './live-hub';
import { LiveRecorder } from './live-recorder';
import { LiveService } from './live.service';
import { StreamSlots } from './stream-slots';
import { TrackerStreamGrpcController } from './tracker-stream.grpc.controller';
import { TrackerStreamHttpController } from './tracker-stream.http.controller';

/** Before HTTP and gRPC drain: end every open stream, so the servers have no endless call to wait for. */
@Injectable()
export class LiveShutdown implements BeforeApplicationShutdown {
  constructor(private readonly live: LiveService) {}

  beforeApplicationShutdown(): void {
    this.live.endAll();
  }
}

/**
 * Live streams (docs/live.md): every stored mutation of a tracker event or an activity event, logged with a
 * position and pushed to subscribers over SSE and gRPC server streaming, across instances through NATS.
 */
@Module({
  imports: [
    MongooseModule.forFeature([LiveLogEntryModelDefinition, LiveStoreIdModelDefinition]),
    StoreLocatorModule,
    TrackerEventsModule,
    ActivityLogModule,
    LocksModule,
  ],
  controllers: [TrackerStreamHttpController, TrackerStreamGrpcController, ActivityStreamHttpController, ActivityStreamGrpcController],
  providers: [LiveLogRepository, LiveHub, LiveBus, LiveRecorder, LiveService, LiveShutdown, StreamSlots, AccountGuard],
})
export class LiveModule {}
