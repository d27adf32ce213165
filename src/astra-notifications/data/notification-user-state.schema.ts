import { ModelDefinition } from '@nestjs/mongoose';
import { Schema } from 'mongoose';

export const NOTIFICATION_READ_MARK_MODEL = 'NotificationReadMark';
export const BANNER_DISMISSAL_MODEL = 'BannerDismissal';

/**
 * "User U of account A has read notification N." A notification visible to a user is unread unless this mark
 * exists, so no row is written per user when an event is created (there is no user registry to fan out to).
 * `_id` = `<accountID>|<userID>|<notificationID>`: the primary key makes the mark unique under any
 * concurrency, with a plain insert. `eventID` (the notification's event) serves the ttl cascade.
 */
export interface NotificationReadMarkRecord {
  _id: string;
  accountID: string;
  userID: string;
  notificationID: string;
  eventID: string;
  readAt: Date;
}

/** "User U of account A dismissed banner B", the same way. */
export interface BannerDismissalRecord {
  _id: string;
  accountID: string;
  userID: string;
  bannerID: string;
  eventID: string;
  dismissedAt: Date;
}

const readMarkSchema = new Schema<NotificationReadMarkRecord>(
  { _id: { type: String, required: true } },
  { collection: 'notification_read_marks', versionKey: false, strict: false },
);
// The unread list: every mark of one user in one account (its eventIDs become the list's $nin).
readMarkSchema.index({ accountID: 1, userID: 1 });
// The ttl cascade: the marks of swept events, whoever made them.
readMarkSchema.index({ accountID: 1, eventID: 1 });

const dismissalSchema = new Schema<BannerDismissalRecord>(
  { _id: { type: String, required: true } },
  { collection: 'banner_dismissals', versionKey: false, strict: false },
);
// A user's banner list: every dismissal of one user in one account.
dismissalSchema.index({ accountID: 1, userID: 1 });
// The ttl cascade: the dismissals of swept events.
dismissalSchema.index({ accountID: 1, eventID: 1 });

export const NotificationReadMarkModelDefinition: ModelDefinition = { name: NOTIFICATION_READ_MARK_MODEL, schema: readMarkSchema };
export const BannerDismissalModelDefinition: ModelDefinition = { name: BANNER_DISMISSAL_MODEL, schema: dismissalSchema };
