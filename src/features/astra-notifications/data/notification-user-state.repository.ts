import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { AccountScope } from '../../../auth/account-scope';
import {
  BANNER_DISMISSAL_MODEL,
  BannerDismissalRecord,
  NOTIFICATION_READ_MARK_MODEL,
  NotificationReadMarkRecord,
  UserMarkRecord,
} from './notification-user-state.schema';
import { insertUnlessExists } from '../../../platform/database/unique-insert';

/**
 * Per-user marks on event-derived resources (read notifications, dismissed banners). A mark is always the
 * scope's own user's: a caller can neither write nor read another user's marks. The cascade deletes by event,
 * for every user, and runs with the sweeper's system scope.
 */
abstract class UserMarkRepository<R extends UserMarkRecord> {
  protected constructor(private readonly model: Model<R>) {}

  protected key(scope: AccountScope, resourceId: string): string {
    return `${scope.accountId}|${scope.userId}|${resourceId}`;
  }

  /** Inserts the mark; false when it already existed (a repeated or concurrent call: nothing changes). */
  protected insertMark(record: R): Promise<boolean> {
    return insertUnlessExists(this.model.collection, record);
  }

  async exists(scope: AccountScope, resourceId: string): Promise<boolean> {
    return (await this.model.collection.countDocuments({ _id: this.key(scope, resourceId) as never }, { limit: 1 })) > 0;
  }

  /** The event ids the scope's user has marked. */
  async markedEventIds(scope: AccountScope): Promise<string[]> {
    const rows = await this.model.collection
      .find({ accountID: scope.accountId, userID: scope.userId }, { projection: { _id: 0, eventID: 1 } })
      .toArray();
    return rows.map((r) => r.eventID as string);
  }

  /** Every user's marks of these events (the ttl cascade); idempotent. */
  async deleteForEvents(scope: AccountScope, eventIds: string[]): Promise<number> {
    if (eventIds.length === 0) return 0;
    const res = await this.model.collection.deleteMany({ accountID: scope.accountId, eventID: { $in: eventIds } });
    return res.deletedCount;
  }
}

@Injectable()
export class NotificationReadMarkRepository extends UserMarkRepository<NotificationReadMarkRecord> {
  constructor(@InjectModel(NOTIFICATION_READ_MARK_MODEL) model: Model<NotificationReadMarkRecord>) {
    super(model);
  }

  markRead(scope: AccountScope, notificationId: string, eventId: string, now: Date): Promise<boolean> {
    return this.insertMark({
      _id: this.key(scope, notificationId),
      accountID: scope.accountId,
      userID: scope.userId,
      notificationID: notificationId,
      eventID: eventId,
      readAt: now,
    });
  }
}

@Injectable()
export class BannerDismissalRepository extends UserMarkRepository<BannerDismissalRecord> {
  constructor(@InjectModel(BANNER_DISMISSAL_MODEL) model: Model<BannerDismissalRecord>) {
    super(model);
  }

  dismiss(scope: AccountScope, bannerId: string, eventId: string, now: Date): Promise<boolean> {
    return this.insertMark({
      _id: this.key(scope, bannerId),
      accountID: scope.accountId,
      userID: scope.userId,
      bannerID: bannerId,
      eventID: eventId,
      dismissedAt: now,
    });
  }
}
