import { ModelDefinition } from '@nestjs/mongoose';
import { Schema } from 'mongoose';

export const DELIVERY_CLAIM_MODEL = 'DeliveryClaim';
export const NOTIFICATION_DUE_MODEL = 'NotificationDue';
export const DELIVERY_PROGRESS_MODEL = 'DeliveryProgress';

/**
 * One attempt of one notification delivery, claimed by one app instance. `_id` is `<dedupKey>#<attemptNo>`:
 * the primary key is the unique index, so of several instances inserting it exactly one wins, on MongoDB and
 * FerretDB alike. A held claim past `expiresAt` belongs to a crashed holder and may be taken over. A done claim
 * keeps the attempt's result, so a result whose event write was lost is replayed instead of sending again.
 */
export interface DeliveryClaimRecord {
  _id: string;
  eventId: string;
  holder: string;
  state: 'held' | 'done';
  expiresAt: Date;
  finishedAt?: Date;
  result?: unknown;
}

const claimSchema = new Schema<DeliveryClaimRecord>(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    holder: { type: String, required: true },
    state: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    finishedAt: Date,
    result: Schema.Types.Mixed,
  },
  { collection: 'delivery_claims', versionKey: false, strict: false },
);
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
export interface NotificationDueRecord {
  _id: string;
  dueAt: Date;
  setAt: Date;
}

const dueSchema = new Schema<NotificationDueRecord>(
  { _id: { type: String, required: true }, dueAt: { type: Date, required: true }, setAt: { type: Date, required: true } },
  { collection: 'notification_due', versionKey: false },
);
// The dispatcher's poll: find({ dueAt: { $lte: now } }).sort({ dueAt: 1 }).
dueSchema.index({ dueAt: 1 });

/**
 * The attempts of one delivery (`_id` = its dedup key), apart from the event document so the dispatcher never
 * rewrites an event. `n` = attempts recorded: attempt k is stored only over n = k-1 (an insert for k = 1), and
 * only the holder of attempt k's claim writes it, so there is one writer per delivery at a time.
 */
export interface DeliveryProgressRecord {
  _id: string;
  eventId: string;
  n: number;
  state: string;
  attempts: unknown[];
  nextAttemptAt?: Date;
}

const progressSchema = new Schema<DeliveryProgressRecord>(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    n: { type: Number, required: true },
    state: { type: String, required: true },
    attempts: { type: [Schema.Types.Mixed], default: [] },
    nextAttemptAt: Date,
  },
  { collection: 'delivery_progress', versionKey: false, strict: false },
);
// Dropping a deleted event's progress: deleteMany({ eventId }).
progressSchema.index({ eventId: 1 });

export const DeliveryProgressModelDefinition: ModelDefinition = { name: DELIVERY_PROGRESS_MODEL, schema: progressSchema };
export const DeliveryClaimModelDefinition: ModelDefinition = { name: DELIVERY_CLAIM_MODEL, schema: claimSchema };
export const NotificationDueModelDefinition: ModelDefinition = { name: NOTIFICATION_DUE_MODEL, schema: dueSchema };
