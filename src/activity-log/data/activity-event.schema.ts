import { ModelDefinition } from '@nestjs/mongoose';
import { Schema } from 'mongoose';
import type { Role } from '../../common/auth/roles';

export const ACTIVITY_EVENT_MODEL = 'ActivityEvent';
export const ACTIVITY_SEQUENCE_FLOOR_MODEL = 'ActivitySequenceFloor';

export type ActivitySeverity = 'cleared' | 'indeterminate' | 'informational' | 'warning' | 'critical';
export type ActivityClass = 'system' | 'user' | 'security';
export type ActivityDestination = 'notification' | 'banner' | 'support';

/**
 * An Astra event as stored: the published fields under their published names (so the list library's filter
 * and orderBy paths are the API's paths), times as Dates, `_id` = the event's UUIDv4, plus two derived,
 * storage-only fields the API never shows: `visibleTo` and `expiresAt`.
 */
export interface ActivityEventRecord {
  _id: string;
  accountID: string;
  sequenceCount: number;
  name: string;
  summary: string;
  eventTime: Date;
  source: string;
  resourceID: string;
  additionalResourceIDs: string[];
  resourceType: string;
  correlationID: string;
  severity: ActivitySeverity;
  class: ActivityClass;
  description: string;
  descriptionURL?: string;
  correctiveAction?: string;
  correctiveActionURL?: string;
  visibility?: string[];
  destinations?: ActivityDestination[];
  resourceURI?: string;
  resourceCollectionURL?: string[];
  resourceMethod?: 'options' | 'post' | 'get' | 'put' | 'delete';
  resourceMethodResult?: string;
  userID?: string;
  data?: { ttl?: number; isAcknowledgeable?: 'true' | 'false' };
  metadata: {
    labels: { name: string; value: string }[];
    creationTimestamp: Date;
    modificationTimestamp: Date;
    createdBy: string;
    modifiedBy?: string;
  };
  /** The roles that may read it (from `visibility`, hierarchical), so reads filter with one equality. */
  visibleTo: Role[];
  /** eventTime + data.ttl; FAR_FUTURE when it never expires (one `$gt: now` condition serves every read). */
  expiresAt: Date;
}

/** "Never expires": the largest instant a BSON Date and a JS Date both hold comfortably. */
export const FAR_FUTURE = new Date('9999-12-31T23:59:59.999Z');

// Documents are written through the driver (insertOne) and read with lean(): the schema only declares the
// collection and its indexes, so strict off and no per-field casting.
const eventSchema = new Schema<ActivityEventRecord>(
  { _id: { type: String, required: true } },
  { collection: 'activity_events', versionKey: false, strict: false },
);
// The default list (GET .../events, orderBy eventTime desc) and time-range filters within one account.
eventSchema.index({ accountID: 1, eventTime: -1, _id: -1 });
// Uniqueness of sequenceCount per account (the allocator's insert-that-fails-on-conflict) and pollers'
// `filter=sequenceCount gt 'N'` / the allocator's "highest sequence in the account" lookup.
eventSchema.index({ accountID: 1, sequenceCount: 1 }, { unique: true });
// "Is this condition cleared": cleared events with the same correlationID (and summary) in the account.
eventSchema.index({ accountID: 1, correlationID: 1 });
// The ttl sweeper: events past expiresAt, across accounts.
eventSchema.index({ expiresAt: 1 });

/**
 * Per account, the highest sequenceCount the ttl sweeper ever deleted. The allocator seeds from
 * max(stored events, floor), so deleting the newest events can never make a sequence number come back.
 */
export interface ActivitySequenceFloorRecord {
  /** the account id */
  _id: string;
  floor: number;
}

const floorSchema = new Schema<ActivitySequenceFloorRecord>(
  { _id: { type: String, required: true }, floor: { type: Number, required: true } },
  { collection: 'activity_sequence_floors', versionKey: false },
);

export const ActivityEventModelDefinition: ModelDefinition = { name: ACTIVITY_EVENT_MODEL, schema: eventSchema };
export const ActivitySequenceFloorModelDefinition: ModelDefinition = { name: ACTIVITY_SEQUENCE_FLOOR_MODEL, schema: floorSchema };
