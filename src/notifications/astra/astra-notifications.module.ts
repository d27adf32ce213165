import { Module } from '@nestjs/common';
import { ActivityLogModule } from '../../activity-log/activity-log.module';
import { AccountGuard } from '../../common/auth/account.guard';
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
 * ttl cascade of per-user marks. Tracker-event deliveries (Slack, email) are NotificationsModule's.
 */
@Module({
  imports: [ActivityLogModule],
  controllers: [AstraNotificationsHttpController, UnreadNotificationsHttpController, BannersHttpController, AstraNotificationsGrpcController],
  providers: [AstraNotificationsService, BannersService, AstraNotificationsCascade, AccountGuard],
})
export class AstraNotificationsModule {}
