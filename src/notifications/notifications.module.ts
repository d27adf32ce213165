import { Module } from '@nestjs/common';
import { TrackerEventsModule } from '../tracker-events/tracker-events.module';
import { ChannelRegistry } from './channels/channel-registry';
import { EmailChannel } from './channels/email.channel';
import { SlackChannel } from './channels/slack.channel';
import { AttemptClaims } from './delivery/attempt-claims';
import { DeliveryDispatcher } from './delivery/delivery-dispatcher';
import { NotificationsGrpcController } from './notifications.grpc.controller';
import { NotificationsHttpController } from './notifications.http.controller';
import { NotificationsService } from './notifications.service';

/**
 * Tracker event notifications: deliveries planned into the event's own writes, a dispatcher in every instance
 * (Slack webhook, SMTP email), and the read-back (REST and tracker.event.v1alpha1.EventService).
 */
@Module({
  imports: [TrackerEventsModule],
  controllers: [NotificationsHttpController, NotificationsGrpcController],
  providers: [SlackChannel, EmailChannel, ChannelRegistry, AttemptClaims, NotificationsService, DeliveryDispatcher],
})
export class NotificationsModule {}
