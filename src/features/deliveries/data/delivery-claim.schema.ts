import { ModelDefinition, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes } from 'mongoose';

export const DELIVERY_CLAIM_MODEL = 'DeliveryClaim';
export const DELIVERY_CLAIM_HEAD_MODEL = 'DeliveryClaimHead';
export const NOTIFICATION_DUE_MODEL = 'NotificationDue';
export const DELIVERY_PROGRESS_MODEL = 'DeliveryProgress';

/**
 * One link of the claim chain of one attempt of one notification delivery (src/platform/database/append-only-chain.ts).
 * `claim` is `<dedupKey>#<attemptNo>`, `_id` is `<claim>#<gen>`: every change of a claim (claimed, taken over
 * from a crashed holder, finished, released) inserts the next link, and the primary key lets exactly one of
 * several instances appending one link in, on MongoDB and FerretDB alike. Links are never updated; superseded
 * ones are pruned (`DeliveryClaimRepository.sweep`). `expiresAt` is the lease end of a held link and the write
 * time of the others. A done link keeps the attempt's result, so a result whose progress write was lost is
 * replayed instead of sending again.
 */
@Schema({ collection: 'delivery_claims', versionKey: false })
export class DeliveryClaimRecord {
  @Prop({ type: String }) _id: string;
  @Prop({ type: String }) claim: string;
  @Prop({ type: Number }) gen: number;
  @Prop({ type: String }) state: 'held' | 'done' | 'released';
  @Prop({ type: String }) holder: string;
  @Prop({ type: String }) eventId: string;
  @Prop({ type: Date }) expiresAt: Date;
  @Prop({ type: SchemaTypes.Mixed }) result?: unknown;
  @Prop({ type: Date }) writtenAt: Date;
}

const claimSchema = SchemaFactory.createForClass(DeliveryClaimRecord);
// The sweep: find({ state: 'done', writtenAt: { $lt: cutoff } }) (chains finished long ago).
claimSchema.index({ state: 1, writtenAt: 1 });
// The sweep: deleteMany({ claim: { $in: finished } }).
claimSchema.index({ claim: 1 });

/**
 * Where reads of one claim's chain start (`_id` = the claim): a copy of a link its writer appended, set after
 * appends of link 2 on (a chain of one link needs no hint). It may lag behind (a lost update), never run ahead,
 * so readers read on from it by `_id`; links below it are the ones the sweep may prune.
 */
@Schema({ collection: 'delivery_claim_heads', versionKey: false })
export class DeliveryClaimHeadRecord {
  @Prop({ type: String }) _id: string;
  @Prop({ type: SchemaTypes.Mixed }) head: DeliveryClaimRecord;
  @Prop({ type: Date }) movedAt: Date;
}

const claimHeadSchema = SchemaFactory.createForClass(DeliveryClaimHeadRecord);
// The sweep: find({ movedAt: { $lt: cutoff } }) (whose links below the head may go).
claimHeadSchema.index({ movedAt: 1 });

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
export const DeliveryClaimHeadModelDefinition: ModelDefinition = { name: DELIVERY_CLAIM_HEAD_MODEL, schema: claimHeadSchema };
export const NotificationDueModelDefinition: ModelDefinition = { name: NOTIFICATION_DUE_MODEL, schema: dueSchema };
