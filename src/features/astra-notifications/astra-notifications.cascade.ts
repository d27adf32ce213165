import { Injectable, OnModuleInit } from '@nestjs/common';
import { ActivityEventsSweptHook, ActivityLogHooks } from '../activity-log';
import { systemScope } from '../../auth/account-scope';
import { BannerDismissalRepository } from './data/banner-dismissal.repository';
import { NotificationReadMarkRepository } from './data/notification-read-mark.repository';

/**
 * The ttl cascade. Notifications, unread notifications and banners are projections of their event, so they
 * vanish with it (reads already hide an expired event at eventTime + ttl). What is stored per user, read
 * marks and banner dismissals, is deleted here, before the sweeper deletes the events: idempotent deletes by
 * event id, so a repeated batch (another instance, a crash before the event delete) is harmless.
 */
@Injectable()
export class AstraNotificationsCascade implements ActivityEventsSweptHook, OnModuleInit {
  constructor(
    private readonly hooks: ActivityLogHooks,
    private readonly readMarks: NotificationReadMarkRepository,
    private readonly dismissals: BannerDismissalRepository,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  async onEventsExpired(accountId: string, eventIds: string[]): Promise<void> {
    const scope = systemScope(accountId);
    await Promise.all([this.readMarks.deleteForEvents(scope, eventIds), this.dismissals.deleteForEvents(scope, eventIds)]);
  }
}
