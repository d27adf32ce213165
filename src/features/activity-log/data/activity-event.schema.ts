import { ModelDefinition, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Role } from '../../../auth/roles';

export const ACTIVITY_EVENT_MODEL = 'ActivityEvent';
export const ACTIVITY_SEQUENCE_FLOOR_MODEL = 'ActivitySequenceFloor';

export type ActivitySeverity = 'cleared' | 'indeterminate' | 'informational' | 'warning' | 'critical';
export type ActivityClass = 'system' | 'user' | 'security';
export type ActivityDestination = 'notification' | 'banner' | 'support';

@Schema({ _id: false })
export class ActivityEventLabelRecord {
  @Prop({ type: String }) name: string;
  @Prop({ type: String }) value: string;
}

@Schema({ _id: false })
export class ActivityEventDataRecord {
  @Prop({ type: Number }) ttl?: number;
  @Prop({ type: String }) isAcknowledgeable?: 'true' | 'false';
}

@Schema({ _id: false })
export class ActivityEventMetadataRecord {
  @Prop({ type: [ActivityEventLabelRecord] }) labels: ActivityEventLabelRecord[];
  @Prop({ type: Date }) creationTimestamp: Date;
  @Prop({ type: Date }) modificationTimestamp: Date;
  @Prop({ type: String }) createdBy: string;
  @Prop({ type: String }) modifiedBy?: string;
}

/**
 * An Astra event as stored: the published fields under their published names (so the list library's filter
 * and orderBy paths are the API's paths), times as Dates, `_id` = the event's UUIDv4, plus two derived,
 * storage-only fields the API never shows: `visibleTo` and `expiresAt`.
 */
@Schema({ collection: 'activity_events', versionKey: false })
export class ActivityEventRecord {
  @Prop({ type: String }) _id: string;
  @Prop({ type: String }) accountID: string;
  @Prop({ type: Number }) sequenceCount: number;
  @Prop({ type: String }) name: string;
  @Prop({ type: String }) summary: string;
  @Prop({ type: Date }) eventTime: Date;
  @Prop({ type: String }) source: string;
  @Prop({ type: String }) resourceID: string;
  @Prop({ type: [String] }) additionalResourceIDs: string[];
  @Prop({ type: String }) resourceType: string;
  @Prop({ type: String }) correlationID: string;
  @Prop({ type: String }) severity: ActivitySeverity;
  @Prop({ type: String }) class: ActivityClass;
  @Prop({ type: String }) description: string;
  @Prop({ type: String }) descriptionURL?: string;
  @Prop({ type: String }) correctiveAction?: string;
  @Prop({ type: String }) correctiveActionURL?: string;
  @Prop({ type: [String] }) visibility?: string[];
  @Prop({ type: [String] }) destinations?: ActivityDestination[];
  @Prop({ type: String }) resourceURI?: string;
  @Prop({ type: [String] }) resourceCollectionURL?: string[];
  @Prop({ type: String }) resourceMethod?: 'options' | 'post' | 'get' | 'put' | 'delete';
  @Prop({ type: String }) resourceMethodResult?: string;
  @Prop({ type: String }) userID?: string;
  @Prop({ type: ActivityEventDataRecord }) data?: ActivityEventDataRecord;
  @Prop({ type: ActivityEventMetadataRecord }) metadata: ActivityEventMetadataRecord;
  /** The roles that may read it (from `visibility`, hierarchical), so reads filter with one equality. */
  @Prop({ type: [String] }) visibleTo: Role[];
  /** eventTime + data.ttl; FAR_FUTURE when it never expires (one `$gt: now` condition serves every read). */
  @Prop({ type: Date }) expiresAt: Date;
}

/** "Never expires": the largest instant a BSON Date and a JS Date both hold comfortably. */
export const FAR_FUTURE = new Date('9999-12-31T23:59:59.999Z');

const eventSchema = SchemaFactory.createForClass(ActivityEventRecord);
// The default list (GET .../events, orderBy eventTime desc) and time-range filters within one account.
eventSchema.index({ accountID: 1, eventTime: -1, _id: -1 });
// Uniqueness of sequenceCount per account (the allocator's insert-that-fails-on-conflict) and pollers'
// `filter=sequenceCount gt 'N'` / the allocator's "highest sequence in the account" lookup.
eventSchema.index({ accountID: 1, sequenceCount: 1 }, { unique: true });
// "Is this condition cleared": cleared events with the same correlationID (and summary) in the account.
eventSchema.index({ accountID: 1, correlationID: 1 });
// Live log recovery (ActivityEventCreationIndex.createdBetween): events created in a time window, across accounts.
eventSchema.index({ 'metadata.creationTimestamp': 1 });
// The ttl sweeper: events past expiresAt, across accounts.
eventSchema.index({ expiresAt: 1 });

/**
 * Per account, the highest sequenceCount the ttl sweeper ever deleted. The allocator seeds from
 * max(stored events, floor), so deleting the newest events can never make a sequence number come back.
 */
@Schema({ collection: 'activity_sequence_floors', versionKey: false })
export class ActivitySequenceFloorRecord {
  /** the account id */
  @Prop({ type: String }) _id: string;
  @Prop({ type: Number }) floor: number;
}

const floorSchema = SchemaFactory.createForClass(ActivitySequenceFloorRecord);

export const ActivityEventModelDefinition: ModelDefinition = { name: ACTIVITY_EVENT_MODEL, schema: eventSchema };
export const ActivitySequenceFloorModelDefinition: ModelDefinition = { name: ACTIVITY_SEQUENCE_FLOOR_MODEL, schema: floorSchema };
