import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { AccountScope } from '../../../auth/account-scope';
import { NOTIFICATION_READ_MARK_MODEL, NotificationReadMarkRecord, UserMarkRecord } from './notification-user-state.schema';
import { UserMarkRepository } from './user-mark.repository';

/** The only code touching the read marks of notifications (one per user and notification). */
@Injectable()
export class NotificationReadMarkRepository extends UserMarkRepository<NotificationReadMarkRecord> {
  constructor(@InjectModel(NOTIFICATION_READ_MARK_MODEL) model: Model<UserMarkRecord>) {
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
