import { ModelDefinition, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const FREEZE_MODEL = 'Freeze';

/**
 * A change-freeze window (docs/freezes.md): one window between two instants (`kind: 'once'`), or a recurrence
 * (`kind: 'recurring'`: an RRULE from a local `localStart` in `timezone`, each occurrence lasting `duration`).
 * `coverFrom`/`coverUntil` (null: the rule never ends) bound every window, so the store hands deployability only
 * the freezes that can still matter. Imported freezes have an `_id` derived from their calendar UID, so importing
 * the same VEVENT again meets the same document. A deletion is recorded on the document (`deletedAt`, `deletedBy`).
 */
@Schema({ collection: 'freezes', versionKey: false })
export class FreezeRecord {
  @Prop({ type: String }) _id: string;
  @Prop({ type: String }) name: string;
  @Prop({ type: String }) reason?: string;
  /** Empty: every service. */
  @Prop({ type: [String] }) services: string[];
  @Prop({ type: Boolean }) allServices: boolean;
  /** Empty: every environment. */
  @Prop({ type: [Number] }) environments: number[];
  @Prop({ type: Boolean }) allEnvironments: boolean;
  @Prop({ type: String }) kind: 'once' | 'recurring';
  /** once: the window. */
  @Prop({ type: Date }) start?: Date;
  @Prop({ type: Date }) end?: Date;
  /** recurring: the IANA zone, the local DTSTART (YYYY-MM-DDTHH:mm:ss), the RRULE value, the RFC 5545 duration, EXDATEs (local). */
  @Prop({ type: String }) timezone?: string;
  @Prop({ type: String }) localStart?: string;
  @Prop({ type: String }) rrule?: string;
  @Prop({ type: String }) duration?: string;
  @Prop({ type: [String] }) exdates: string[];
  /** Imported from an all-day VEVENT (covers whole local dates). */
  @Prop({ type: Boolean }) allDay: boolean;
  /** The iCalendar UID it was imported from (absent when created through the API). */
  @Prop({ type: String }) uid?: string;
  @Prop({ type: Date }) coverFrom: Date;
  @Prop({ type: Date }) coverUntil: Date | null;
  @Prop({ type: Date }) createdAt: Date;
  @Prop({ type: String }) createdBy?: string;
  @Prop({ type: Date }) updatedAt: Date;
  @Prop({ type: Date }) deletedAt?: Date | null;
  @Prop({ type: String }) deletedBy?: string;
}

export const FreezeSchema = SchemaFactory.createForClass(FreezeRecord);

// GET /freezes (paged): newest first.
FreezeSchema.index({ createdAt: -1, _id: -1 });
// Deployability and GET /freezes?at=: freezes of a service whose coverage has not ended.
FreezeSchema.index({ services: 1, coverUntil: 1 });
FreezeSchema.index({ allServices: 1, coverUntil: 1 });

export const FreezeModelDefinition: ModelDefinition = { name: FREEZE_MODEL, schema: FreezeSchema };
