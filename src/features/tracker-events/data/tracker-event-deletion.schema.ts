import { ModelDefinition, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes, Types } from 'mongoose';

export const TRACKER_EVENT_DELETION_MODEL = 'TrackerEventDeletion';

/**
 * A delete's intent, written before the event is removed (docs/live.md, "Deletions"): the store has no
 * transactions and a removed event has no document left to record its change in, so the intent is the durable
 * record of the deletion until its change is logged. One per delete attempt (its own `_id`), so a delete that
 * found nothing withdraws only its own. Withdrawn once every mutation listener took the deletion; one left behind
 * (the instance was killed, or a listener failed) is what the live module's recovery turns into the change.
 */
@Schema({ collection: 'tracker_event_deletions', versionKey: false })
export class TrackerEventDeletionRecord {
  @Prop({ type: SchemaTypes.ObjectId }) _id: Types.ObjectId;
  /** The event being deleted. */
  @Prop({ type: SchemaTypes.ObjectId }) event: Types.ObjectId;
  /** When the delete began. */
  @Prop({ type: Date }) at: Date;
}

export const TrackerEventDeletionSchema = SchemaFactory.createForClass(TrackerEventDeletionRecord);
// The live recovery's read: intents recorded before a time, oldest first.
TrackerEventDeletionSchema.index({ at: 1 });

export const TrackerEventDeletionModelDefinition: ModelDefinition = { name: TRACKER_EVENT_DELETION_MODEL, schema: TrackerEventDeletionSchema };
