import { ModelDefinition, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const NOTIFICATION_READ_MARK_MODEL = 'NotificationReadMark';
export const BANNER_DISMISSAL_MODEL = 'BannerDismissal';

/**
 * "User U of account A has read notification N." A notification visible to a user is unread unless this mark
 * exists, so no row is written per user when an event is created (there is no user registry to fan out to).
 * `_id` = `<accountID>|<userID>|<notificationID>`: the primary key makes the mark unique under any
 * concurrency, with a plain insert. `eventID` (the notification's event) serves the ttl cascade.
 */
@Schema({ collection: 'notification_read_marks', versionKey: false })
export class NotificationReadMarkRecord {
  @Prop({ type: String }) _id: string;
  @Prop({ type: String }) accountID: string;
  @Prop({ type: String }) userID: string;
  @Prop({ type: String }) notificationID: string;
  @Prop({ type: String }) eventID: string;
  @Prop({ type: Date }) readAt: Date;
}

/** "User U of account A dismissed banner B", the same way. */
@Schema({ collection: 'banner_dismissals', versionKey: false })
export class BannerDismissalRecord {
  @Prop({ type: String }) _id: string;
  @Prop({ type: String }) accountID: string;
  @Prop({ type: String }) userID: string;
  @Prop({ type: String }) bannerID: string;
  @Prop({ type: String }) eventID: string;
  @Prop({ type: Date }) dismissedAt: Date;
}

const readMarkSchema = SchemaFactory.createForClass(NotificationReadMarkRecord);
// The unread list: every mark of one user in one account (its eventIDs become the list's $nin).
readMarkSchema.index({ accountID: 1, userID: 1 });
// The ttl cascade: the marks of swept events, whoever made them.
readMarkSchema.index({ accountID: 1, eventID: 1 });

const dismissalSchema = SchemaFactory.createForClass(BannerDismissalRecord);
// A user's banner list: every dismissal of one user in one account.
dismissalSchema.index({ accountID: 1, userID: 1 });
// The ttl cascade: the dismissals of swept events.
dismissalSchema.index({ accountID: 1, eventID: 1 });

export const NotificationReadMarkModelDefinition: ModelDefinition = { name: NOTIFICATION_READ_MARK_MODEL, schema: readMarkSchema };
export const BannerDismissalModelDefinition: ModelDefinition = { name: BANNER_DISMISSAL_MODEL, schema: dismissalSchema };
