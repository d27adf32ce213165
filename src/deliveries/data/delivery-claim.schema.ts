import { ModelDefinition, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes } from 'mongoose';

export const DELIVERY_CLAIM_MODEL = 'DeliveryClaim';
export const NOTIFICATION_DUE_MODEL = 'NotificationDue';
export const DELIVERY_PROGRESS_MODEL = 'DeliveryProgress';

/**
 * One attempt of one notification delivery, claimed by one app instance. `_id` is `<dedupKey>#<attemptNo>`:
 * the primary key is the unique index, so of several instances inserting it exactly one wins, on MongoDB and
 * FerretDB alike. A held claim past `expiresAt` belongs to a crashed holder and may be taken over. A done claim
 * keeps the attempt's result, so a result whose event write was lost is replayed instead of sending again.
 */
@Schema({ collection: 'delivery_claims', versionKey: false })
export class DeliveryClaimRecord {
  @Prop({ type: String }) _id: string;
  @Prop({ type: String }) eventId: string;
  @Prop({ type: String }) holder: string;
  @Prop({ type: String }) state: 'held' | 'done';
  @Prop({ type: Date }) expiresAt: Date;
  @Prop({ type: Date }) finishedAt?: Date;
  @Prop({ type: SchemaTypes.Mixed }) result?: unknown;
}

const claimSchema = SchemaFactory.createForClass(DeliveryClaimRecord);
// The cleanup: deleteMany({ state: 'done', finishedAt: { $lt: cutoff } }).
claimSchema.index({ state: 1, finishedAt: 1 });

/**
 * A hint per planning write (create or status change): `_id` is `<eventId>#<unique>`, `dueAt` when its next
 * attempt is due. Writers only ever insert a new hint, never touch an existing one, so a dispatcher settling an
 * older hint can never drop a newer trigger's (the embedded store's conditional delete is not atomic). The
 * dispatcher polls this small collection instead of scanning every event (the embedded store scans whatever
 * the filter). It is written BEFORE the event write that plans deliveries (`setAt`), so a stored delivery always
 * has a hint; a hint whose event write never landed is dropped once older than a grace period.
 */
@Schema({ collection: 'notification_due', versionKey: false })
export class NotificationDueRecord {
  @Prop({ type: String }) _id: string;
  @Prop({ type: Date }) dueAt: Date;
  @Prop({ type: Date }) setAt: Date;
}

const dueSchema = SchemaFactory.createForClass(NotificationDueRecord);
// The dispatcher's poll: find({ dueAt: { $lte: now } }).sort({ dueAt: 1 }).
dueSchema.index({ dueAt: 1 });

/**
 * The attempts of one delivery (`_id` = its dedup key), apart from the event document so the dispatcher never
 * rewrites an event. `n` = attempts recorded: attempt k is stored only over n = k-1 (an insert for k = 1), and
 * only the holder of attempt k's claim writes it, so there is one writer per delivery at a time.
 */
@Schema({ collection: 'delivery_progress', versionKey: false })
export class DeliveryProgressRecord {
  @Prop({ type: String }) _id: string;
  @Prop({ type: String }) eventId: string;
  @Prop({ type: Number }) n: number;
  @Prop({ type: String }) state: string;
  @Prop({ type: [SchemaTypes.Mixed] }) attempts: unknown[];
  @Prop({ type: Date }) nextAttemptAt?: Date;
}

const progressSchema = SchemaFactory.createForClass(DeliveryProgressRecord);
// Dropping a deleted event's progress: deleteMany({ eventId }).
progressSchema.index({ eventId: 1 });

export const DeliveryProgressModelDefinition: ModelDefinition = { name: DELIVERY_PROGRESS_MODEL, schema: progressSchema };
export const DeliveryClaimModelDefinition: ModelDefinition = { name: DELIVERY_CLAIM_MODEL, schema: claimSchema };
export const NotificationDueModelDefinition: ModelDefinition = { name: NOTIFICATION_DUE_MODEL, schema: dueSchema };
