import { ModelDefinition, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes } from 'mongoose';

export const LIVE_LOG_ENTRY_MODEL = 'LiveLogEntry';
export const LIVE_STORE_ID_MODEL = 'LiveStoreId';

/** Who may read an activity mutation (copied from the event: account, visibleTo, expiresAt). */
@Schema({ _id: false })
export class LiveLogEntryAccessRecord {
  @Prop({ type: String }) accountId: string;
  @Prop({ type: [String] }) visibleTo: string[];
  @Prop({ type: Date }) expiresAt: Date;
}

/**
 * One entry of the live log every stream reads from (docs/live.md). `_id` is the position: dense, every
 * number from the first to the last is stored, because a position is only ever inserted after the one before
 * it is stored (SequenceAllocator over the `_id` unique index). A reader that has seen position n therefore
 * knows every position below n is stored, and one that finds n missing knows nothing above it can exist yet.
 */
// The collection keeps its first name.
@Schema({ collection: 'live_changes', versionKey: false })
export class LiveLogEntryRecord {
  @Prop({ type: Number }) _id: number;
  /**
   * The mutation key (stored under its first name, `change`): which mutation this is, unique:
   * `tracker:<id>@<rev>`, `tracker:<id>@deleted`, `activity:<id>`. Logging a mutation twice (its writer and the
   * recovery sweep) fails on this key instead of storing a duplicate.
   */
  @Prop({ type: String }) change: string;
  @Prop({ type: String }) stream: 'tracker' | 'activity';
  @Prop({ type: String }) kind: 'created' | 'updated' | 'deleted' | 'lock.acquired';
  /** The event id. */
  @Prop({ type: String }) key: string;
  /** When it was logged: the retention sweep deletes entries older than STREAM_RETENTION_HOURS. */
  @Prop({ type: Date }) at: Date;
  /**
   * The event as its GET returns it, or `{ id }` for a deletion. Stored as its JSON text (LiveLogRepository;
   * entries of earlier versions as a document).
   */
  @Prop({ type: SchemaTypes.Mixed }) data: Record<string, unknown>;
  /** Activity mutations only. */
  @Prop({ type: LiveLogEntryAccessRecord }) access?: LiveLogEntryAccessRecord;
}

export const LiveLogEntrySchema = SchemaFactory.createForClass(LiveLogEntryRecord);
// Logging a mutation at most once (insert-that-fails-on-conflict on the mutation key).
LiveLogEntrySchema.index({ change: 1 }, { unique: true });
// The retention sweep (at older than the window) and the recovery sweep (mutation keys logged since a time).
LiveLogEntrySchema.index({ at: 1 });

export const LiveLogEntryModelDefinition: ModelDefinition = { name: LIVE_LOG_ENTRY_MODEL, schema: LiveLogEntrySchema };

/**
 * The store's identity for the bus: one document, created by whichever instance boots first (insert-or-conflict),
 * so every instance on one store publishes on the same NATS subject and instances on another store sharing the
 * NATS server never hear them (positions mean nothing outside their own log).
 */
@Schema({ collection: 'live_store_id', versionKey: false })
export class LiveStoreIdRecord {
  /** Always `store`. */
  @Prop({ type: String }) _id: string;
  @Prop({ type: String }) id: string;
}

export const LiveStoreIdModelDefinition: ModelDefinition = { name: LIVE_STORE_ID_MODEL, schema: SchemaFactory.createForClass(LiveStoreIdRecord) };
