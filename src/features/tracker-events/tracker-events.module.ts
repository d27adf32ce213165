import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StoreProfileModule } from '../../platform/database/store-profile';
import { TrackerEventModelDefinition } from './data/tracker-event.schema';
import { TrackerEventRepository } from './data/tracker-event.repository';
import { TrackerEventDeletionModelDefinition } from './data/tracker-event-deletion.schema';
import { TrackerEventDeletionRepository } from './data/tracker-event-deletion.repository';
import { TrackerEventsGrpcController } from './tracker-events.grpc.controller';
import { TrackerEventsHttpController } from './tracker-events.http.controller';
import { TrackerEventsService } from './tracker-events.service';
import { DeliveryPlanners } from './delivery-planners';
import { EventWriteHooks } from './event-write-hooks';
import { EventMutationListeners } from './event-mutation-listeners';
import { EventOverlapsGrpcController } from './event-overlaps.grpc.controller';
import { EventOverlapsHttpController } from './event-overlaps.http.controller';
import { EventOverlapsService } from './event-overlaps.service';

/** Tracker events over REST (/api/v1alpha1) and gRPC (tracker.event.v1alpha1.EventService). */
@Module({
  imports: [MongooseModule.forFeature([TrackerEventModelDefinition, TrackerEventDeletionModelDefinition]), StoreProfileModule],
  controllers: [TrackerEventsHttpController, TrackerEventsGrpcController, EventOverlapsHttpController, EventOverlapsGrpcController],
  providers: [
    TrackerEventRepository,
    TrackerEventDeletionRepository,
    TrackerEventsService,
    DeliveryPlanners,
    EventWriteHooks,
    EventMutationListeners,
    EventOverlapsService,
  ],
  exports: [TrackerEventsService, DeliveryPlanners, EventWriteHooks, EventMutationListeners],
})
export class TrackerEventsModule {}
