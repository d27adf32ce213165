import { ModelDefinition, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const NOTIFICATION_READ_MARK_MODEL = 'NotificationReadMark';
export const BANNER_DISMISSAL_MODEL = 'BannerDismissal';

/**
 * What every per-user mark of an event-derived resource holds. `_id` = `<accountID>|<userID>|<resourceID>`:
 * the primary key makes the mark unique under any concurrency, with a plain insert. `eventID` (the resource's
 * event) serves the ttl cascade.
 */
export abstract class UserMarkRecord {
  @Prop({ type: String }) _id: string;
  @Prop({ type: String }) accountID: string;
  @Prop({ type: String }) userID: string;
  @Prop({ type: String }) eventID: string;
}

/**
 * "User U of account A has read notification N." A notification visible to a user is unread unless this mark
 * exists, so no row is written per user when an event is created (there is no user registry to fan out to).
 */
@Schema({ collection: 'notification_read_marks', versionKey: false })
export class NotificationReadMarkRecord extends UserMarkRecord {
  @Prop({ type: String }) notificationID: string;
  @Prop({ type: Date }) readAt: Date;
}

/** "User U of account A dismissed banner B", the same way. */
@Schema({ collection: 'banner_dismissals', versionKey: false })
export class BannerDismissalRecord extends UserMarkRecord {
  @Prop({ type: String }) bannerID: string;
  @Prop({ type: Date }) dismissedAt: Date;
}

/** The schema of one kind of mark, with the indexes of the queries UserMarkRepository runs on every kind. */
function userMarkSchema(record: new () => UserMarkRecord) {
  const schema = SchemaFactory.createForClass(record);
  // The user's lists: every mark of one user in one account (their eventIDs become the unread or banner list's $nin).
  schema.index({ accountID: 1, userID: 1 });
  // The ttl cascade: the marks of swept events, whoever made them.
  schema.index({ accountID: 1, eventID: 1 });
  return schema;
}

const readMarkSchema = userMarkSchema(NotificationReadMarkRecord);
const dismissalSchema = userMarkSchema(BannerDismissalRecord);

export const NotificationReadMarkModelDefinition: ModelDefinition = { name: NOTIFICATION_READ_MARK_MODEL, schema: readMarkSchema };
export const BannerDismissalModelDefinition: ModelDefinition = { name: BANNER_DISMISSAL_MODEL, schema: dismissalSchema };
