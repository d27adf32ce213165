import { ModelDefinition } from '@nestjs/mongoose';
import { Schema, Types } from 'mongoose';

export const TRACKER_EVENT_MODEL = 'TrackerEvent';
export const TRACKER_EVENTS_COLLECTION = 'tracker_events';

export interface TrackerEventAttributesRecord {
  message?: string;
  source?: string;
  type: number;
  priority?: number;
  relatedId?: string;
  service: string;
  status?: number;
  environment?: number;
  impact?: number;
  startDate?: Date;
  endDate?: Date;
  owner?: string;
  stakeHolders?: string[];
  notification?: boolean;
  notifications?: string[];
}

export interface TrackerEventLinksRecord {
  pullRequestLink?: string;
  ticket?: string;
}

/**
 * A Slack or email delivery of this event, planned by the deliveries module into the event's own write (the
 * store has no transactions, so the trigger and its deliveries must be one single-document write). The
 * planned copy never changes afterwards: the deliveries module keeps each delivery's attempts apart, in its
 * own collection. Owned here, as the side that stores it; the deliveries module fills it through
 * DeliveryPlanners.
 */
export interface PlannedDeliveryRecord {
  /** `<eventId>:<channel>:<kind>#<n>`: n numbers the event's triggers, so the key never changes. */
  dedupKey: string;
  channel: string;
  /** "created" or "status: Start -> Success". */
  trigger: string;
  /** The trigger's number on this event (the n of the dedup key). */
  seq: number;
  /** The event's status when the trigger happened. */
  status?: number;
  /** `skipped` when the channel is not configured; otherwise pending until the deliveries module says more. */
  state: 'pending' | 'skipped';
  /** Always empty in the planned copy (kept so the planned copy reads like a delivery with no attempts). */
  attempts: never[];
  /** Pending: due from then on. */
  nextAttemptAt?: Date;
  createdAt: Date;
  /** Why it was skipped. */
  reason?: string;
}

/** One recorded change; `old`/`new` keep the stored value (number, string, Date or null). */
export interface ChangelogRecord {
  at: Date;
  field: string;
  old: unknown;
  new: unknown;
  source: string;
}

/**
 * A tracker event as stored. The changelog lives in the same document so an event and its history are
 * written by one single-document operation: with no transactions, nothing can store one without the other.
 * `eventAt` (startDate, else createdAt) and its calendar parts are derived at write time because the store
 * has no date operators; search, today and stats read only those.
 */
export interface TrackerEventRecord {
  _id: Types.ObjectId;
  title: string;
  attributes: TrackerEventAttributesRecord;
  links: TrackerEventLinksRecord;
  metadata: { createdAt: Date; updatedAt: Date };
  eventAt: Date;
  yearMonth: string;
  day: string;
  /** Optimistic-concurrency revision: an update applies only to the revision it was computed from. */
  rev: number;
  changelog: ChangelogRecord[];
  /** Deliveries planned by the create and each status change, oldest first (absent when none were asked for). */
  deliveries?: PlannedDeliveryRecord[];
}

const attributes = new Schema(
  {
    message: String,
    source: String,
    type: { type: Number, required: true },
    priority: Number,
    relatedId: String,
    service: { type: String, required: true },
    status: Number,
    environment: Number,
    impact: Number,
    startDate: Date,
    endDate: Date,
    owner: String,
    stakeHolders: [String],
    notification: Boolean,
    notifications: [String],
  },
  { _id: false },
);

const changelogEntry = new Schema(
  { at: Date, field: String, old: Schema.Types.Mixed, new: Schema.Types.Mixed, source: String },
  { _id: false },
);

const plannedDelivery = new Schema(
  {
    dedupKey: String,
    channel: String,
    trigger: String,
    seq: Number,
    status: Number,
    state: String,
    attempts: [Schema.Types.Mixed],
    nextAttemptAt: Date,
    createdAt: Date,
    reason: String,
  },
  { _id: false },
);

export const TrackerEventSchema = new Schema(
  {
    title: { type: String, required: true },
    attributes: { type: attributes, required: true },
    links: { type: new Schema({ pullRequestLink: String, ticket: String }, { _id: false }), default: {} },
    metadata: { createdAt: Date, updatedAt: Date },
    eventAt: Date,
    yearMonth: String,
    day: String,
    rev: Number,
    changelog: [changelogEntry],
    deliveries: { type: [plannedDelivery], default: undefined },
  },
  { collection: TRACKER_EVENTS_COLLECTION, versionKey: false, minimize: false },
);

// GET /events/list: newest first, paged (sort by creation time, _id breaks ties).
TrackerEventSchema.index({ 'metadata.createdAt': -1, _id: -1 });
// GET /events/search with only a date window, GET /events/today, GET /events/stats*: range on the event time,
// sorted newest first.
TrackerEventSchema.index({ eventAt: -1, _id: -1 });
// GET /events/search?service=...(&start_date/end_date): exact service, then the event-time window and sort.
TrackerEventSchema.index({ 'attributes.service': 1, eventAt: -1 });
// GET /events/search?type=1&environment=7 (production deployments) and ?type=4 alone.
TrackerEventSchema.index({ 'attributes.type': 1, 'attributes.environment': 1, eventAt: -1 });
// GET /events/search?priority=1(&type=4): P1 incidents.
TrackerEventSchema.index({ 'attributes.priority': 1, 'attributes.type': 1, eventAt: -1 });
// GET /events/search?status=...: events in a given state (open incidents, failures).
TrackerEventSchema.index({ 'attributes.status': 1, eventAt: -1 });
// GET /events/overlaps: endDate after the window start or none (null), then startDate before its end.
TrackerEventSchema.index({ 'attributes.endDate': 1, 'attributes.startDate': 1 });

export const TrackerEventModelDefinition: ModelDefinition = { name: TRACKER_EVENT_MODEL, schema: TrackerEventSchema };
