import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import {
  DeliveryClaimHeadModelDefinition,
  DeliveryClaimModelDefinition,
  DeliveryProgressModelDefinition,
  NotificationDueModelDefinition,
} from './data/delivery-claim.schema';
import { DeliveryClaimRepository } from './data/delivery-claim.repository';
import { DeliveryProgressRepository } from './data/delivery-progress.repository';
import { NotificationDueRepository } from './data/notification-due.repository';
import { TrackerEventsModule } from '../tracker-events';
import { ChannelRegistry } from './channels/channel-registry';
import { EmailChannel } from './channels/email.channel';
import { SlackChannel } from './channels/slack.channel';
import { AttemptClaims } from './delivery/attempt-claims';
import { DeliveryDispatcher } from './delivery/delivery-dispatcher';
import { DeliveriesGrpcController } from './deliveries.grpc.controller';
import { DeliveriesHttpController } from './deliveries.http.controller';
import { DeliveriesService } from './deliveries.service';

/**
 * Tracker event notifications: deliveries planned into the event's own writes, a dispatcher in every instance
 * (Slack webhook, SMTP email), and the read-back (REST and tracker.event.v1alpha1.EventService).
 */
@Module({
  imports: [
    TrackerEventsModule,
    MongooseModule.forFeature([
      DeliveryClaimModelDefinition,
      DeliveryClaimHeadModelDefinition,
      NotificationDueModelDefinition,
      DeliveryProgressModelDefinition,
    ]),
  ],
  controllers: [DeliveriesHttpController, DeliveriesGrpcController],
  providers: [
    DeliveryClaimRepository,
    NotificationDueRepository,
    DeliveryProgressRepository,
    SlackChannel,
    EmailChannel,
    ChannelRegistry,
    AttemptClaims,
    DeliveriesService,
    DeliveryDispatcher,
  ],
})
export class DeliveriesModule {}
