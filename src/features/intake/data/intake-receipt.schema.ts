import { ModelDefinition, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const INTAKE_RECEIPT_MODEL = 'IntakeReceipt';

/** What a recorded delivery answered, kept so that a redelivery answers the same (with `duplicate: true`). */
@Schema({ _id: false })
export class IntakeOutcomeRecord {
  /** created | updated | unchanged (of the tracker event, or of the change) */
  @Prop({ type: String }) result: string;
  /** The tracker event it created or updated (24 hex), when it concerns one. */
  @Prop({ type: String }) eventId?: string;
  /** The change (its id), when the delivery was a change. */
  @Prop({ type: String }) changeId?: string;
}

/**
 * One per upstream delivery the intake has taken in: `_id` is `["github", host, delivery id]` or
 * `["cloudevents", source, id]` (JSON; with TRACKER_AUTH=required `["cloudevents-of-caller", sub, source, id]`, so
 * one caller's ids never collide with another's). Inserted before the delivery is applied: of all instances receiving the
 * same delivery, the unique `_id` lets exactly one apply it (docs/intake.md). `applying` until the writes are
 * stored, then `done` with the outcome; an `applying` receipt whose holder vanished (its lease passed) is taken
 * over by the next retry, and re-applying is harmless (the writes are correlated by id, see correlation.ts).
 * Receipts older than INTAKE_RECEIPT_RETENTION_DAYS are deleted by `IntakeReceiptSweeper`.
 */
@Schema({ collection: 'intake_receipts', versionKey: false })
export class IntakeReceiptRecord {
  @Prop({ type: String }) _id: string;
  @Prop({ type: String }) state: 'applying' | 'done';
  /** When the current holder claimed it (a compare-and-set token for taking over a stale claim). */
  @Prop({ type: Date }) claimedAt: Date;
  @Prop({ type: Date }) doneAt?: Date;
  @Prop({ type: IntakeOutcomeRecord }) outcome?: IntakeOutcomeRecord;
  /**
   * SHA-256 (hex) of what the delivery asked Tracker to record (a CloudEvent's type and data, see
   * domain/delivery-digest.ts): a later copy under the same key with another digest is a conflict, not a
   * duplicate. Absent on GitHub receipts (signed with the shared secret: only GitHub names its deliveries) and on
   * receipts written before digests were kept (those match any copy).
   */
  @Prop({ type: String }) digest?: string;
}

export const IntakeReceiptSchema = SchemaFactory.createForClass(IntakeReceiptRecord);
// Every read and write is by `_id` (the delivery key), but the retention sweep: deleteMany({ claimedAt: { $lt: cutoff } }).
IntakeReceiptSchema.index({ claimedAt: 1 });

export const IntakeReceiptModelDefinition: ModelDefinition = { name: INTAKE_RECEIPT_MODEL, schema: IntakeReceiptSchema };
