import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { AccountScope } from '../../../auth/account-scope';
import { BANNER_DISMISSAL_MODEL, BannerDismissalRecord, UserMarkRecord } from './notification-user-state.schema';
import { UserMarkRepository } from './user-mark.repository';

/** The only code touching banner dismissals (one per user and banner). */
@Injectable()
export class BannerDismissalRepository extends UserMarkRepository<BannerDismissalRecord> {
  constructor(@InjectModel(BANNER_DISMISSAL_MODEL) model: Model<UserMarkRecord>) {
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
