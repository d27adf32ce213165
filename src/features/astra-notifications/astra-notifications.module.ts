import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BannerDismissalModelDefinition, NotificationReadMarkModelDefinition } from './data/notification-user-state.schema';
import { BannerDismissalRepository } from './data/banner-dismissal.repository';
import { NotificationReadMarkRepository } from './data/notification-read-mark.repository';
import { ActivityLogModule } from '../activity-log';
import { AccountGuard } from '../../auth/account.guard';
import { AstraNotificationsCascade } from './astra-notifications.cascade';
import { AstraNotificationsGrpcController } from './astra-notifications.grpc.controller';
import { AstraNotificationsService } from './astra-notifications.service';
import { BannersHttpController } from './banners.http.controller';
import { BannersService } from './banners.service';
import { AstraNotificationsHttpController } from './notifications.http.controller';
import { UnreadNotificationsHttpController } from './unread-notifications.http.controller';

/**
 * The Astra side of notifications: notifications, per-user unread notifications and banners, all projections
 * of the activity log (REST under /accounts/{id}/core/v1, gRPC astra.core.v1.NotificationService), and the
 * ttl cascade of per-user marks. Tracker-event deliveries (Slack, email) are DeliveriesModule's.
 */
@Module({
  imports: [ActivityLogModule, MongooseModule.forFeature([NotificationReadMarkModelDefinition, BannerDismissalModelDefinition])],
  controllers: [
    AstraNotificationsHttpController,
    UnreadNotificationsHttpController,
    BannersHttpController,
    AstraNotificationsGrpcController,
  ],
  providers: [
    NotificationReadMarkRepository,
    BannerDismissalRepository,
    AstraNotificationsService,
    BannersService,
    AstraNotificationsCascade,
    AccountGuard,
  ],
})
export class AstraNotificationsModule {}
