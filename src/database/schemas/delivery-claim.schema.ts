import { ModelDefinition } from '@nestjs/mongoose';
import { Schema } from 'mongoose';

export const DELIVERY_CLAIM_MODEL = 'DeliveryClaim';
export const NOTIFICATION_DUE_MODEL = 'NotificationDue';

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
 * A hint per event with pending deliveries: `_id` is the event id, `dueAt` when its next attempt is due. The
 * dispatcher polls this small collection instead of scanning every event (the embedded store scans whatever
 * the filter). The truth stays in the event's `deliveries`; a lost hint is rebuilt by a periodic recovery scan.
 */
export interface NotificationDueRecord {
  _id: string;
  dueAt: Date;
}

const dueSchema = new Schema<NotificationDueRecord>(
  { _id: { type: String, required: true }, dueAt: { type: Date, required: true } },
  { collection: 'notification_due', versionKey: false },
);
// The dispatcher's poll: find({ dueAt: { $lte: now } }).sort({ dueAt: 1 }).
dueSchema.index({ dueAt: 1 });

export const DeliveryClaimModelDefinition: ModelDefinition = { name: DELIVERY_CLAIM_MODEL, schema: claimSchema };
export const NotificationDueModelDefinition: ModelDefinition = { name: NOTIFICATION_DUE_MODEL, schema: dueSchema };
