import { ModelDefinition, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes, Types } from 'mongoose';

export const TRACKER_EVENT_MODEL = 'TrackerEvent';
export const TRACKER_EVENTS_COLLECTION = 'tracker_events';

@Schema({ _id: false })
export class TrackerEventAttributesRecord {
  @Prop({ type: String }) message?: string;
  @Prop({ type: String }) source?: string;
  @Prop({ type: Number }) type: number;
  @Prop({ type: Number }) priority?: number;
  @Prop({ type: String }) relatedId?: string;
  @Prop({ type: String }) service: string;
  @Prop({ type: Number }) status?: number;
  @Prop({ type: Number }) environment?: number;
  @Prop({ type: Number }) impact?: number;
  @Prop({ type: Date }) startDate?: Date;
  @Prop({ type: Date }) endDate?: Date;
  @Prop({ type: String }) owner?: string;
  @Prop({ type: [String] }) stakeHolders?: string[];
  @Prop({ type: Boolean }) notification?: boolean;
  @Prop({ type: [String] }) notifications?: string[];
}

@Schema({ _id: false })
export class TrackerEventLinksRecord {
  @Prop({ type: String }) pullRequestLink?: string;
  @Prop({ type: String }) ticket?: string;
}

@Schema({ _id: false })
export class TrackerEventMetadataRecord {
  @Prop({ type: Date }) createdAt: Date;
  @Prop({ type: Date }) updatedAt: Date;
}

/**
 * A Slack or email delivery of this event, planned by the deliveries module into the event's own write (the
 * store has no transactions, so the trigger and its deliveries must be one single-document write). The
 * planned copy never changes afterwards: the deliveries module keeps each delivery's attempts apart, in its
 * own collection. Owned here, as the side that stores it; the deliveries module fills it through
 * DeliveryPlanners.
 */
@Schema({ _id: false })
export class PlannedDeliveryRecord {
  /** `<eventId>:<channel>:<kind>#<n>`: n numbers the event's triggers, so the key never changes. */
  @Prop({ type: String }) dedupKey: string;
  @Prop({ type: String }) channel: string;
  /** "created" or "status: Start -> Success". */
  @Prop({ type: String }) trigger: string;
  /** The trigger's number on this event (the n of the dedup key). */
  @Prop({ type: Number }) seq: number;
  /** The event's status when the trigger happened. */
  @Prop({ type: Number }) status?: number;
  /** `skipped` when the channel is not configured; otherwise pending until the deliveries module says more. */
  @Prop({ type: String }) state: 'pending' | 'skipped';
  /** Always empty in the planned copy (kept so the planned copy reads like a delivery with no attempts). */
  @Prop({ type: [SchemaTypes.Mixed] }) attempts: never[];
  /** Pending: due from then on. */
  @Prop({ type: Date }) nextAttemptAt?: Date;
  @Prop({ type: Date }) createdAt: Date;
  /** Why it was skipped. */
  @Prop({ type: String }) reason?: string;
}

/**
 * Where an event came from when a CI/CD intake (GitHub webhooks, CDEvents) created it: the upstream id later
 * deliveries are correlated by, and what the intake knows that the public attributes cannot say (the commit a
 * deployment ships, a rollback). Owned here, written by the intake module through TrackerEventsService in the
 * event's own write; read by insights. Absent on events posted through the Tracker API.
 */
@Schema({ _id: false })
export class TrackerEventIntakeRecord {
  /** `github` or `cdevents`. */
  @Prop({ type: String }) provider: string;
  /** The upstream id: a GitHub deployment id, a CDEvents subject or pipeline-run id. */
  @Prop({ type: String }) externalId: string;
  /** The commit the deployment ships, when the upstream says. */
  @Prop({ type: String }) commitSha?: string;
  /** A rollback (CDEvents service.rolledback): counts as a failed deployment in insights. */
  @Prop({ type: Boolean }) rollback?: boolean;
}

/**
 * The last mutation of the event, recorded by the create or update itself (an outbox of one): which kind, the
 * revision it produced, and when (stored as `lastChange`). The live module logs every mutation for its
 * subscribers right after the write; if it could not (the instance was killed in between), it finds the mutation
 * here (`mutatedBetween`). Owned here, written by TrackerEventsService in the same single-document write as the
 * mutation.
 */
@Schema({ _id: false })
export class TrackerEventMutationRecord {
  @Prop({ type: String }) kind: 'created' | 'updated';
  @Prop({ type: Number }) rev: number;
  @Prop({ type: Date }) at: Date;
}

/** One changelog entry; `old`/`new` keep the stored value (number, string, Date or null). */
@Schema({ _id: false })
export class ChangelogRecord {
  @Prop({ type: Date }) at: Date;
  @Prop({ type: String }) field: string;
  @Prop({ type: SchemaTypes.Mixed }) old: unknown;
  @Prop({ type: SchemaTypes.Mixed }) new: unknown;
  @Prop({ type: String }) source: string;
}

/**
 * A tracker event as stored. The changelog lives in the same document so an event and its history are
 * written by one single-document operation: with no transactions, nothing can store one without the other.
 * `eventAt` (startDate, else createdAt) and its calendar parts are derived at write time because the store
 * has no date operators; search, today and stats read only those.
 */
@Schema({ collection: TRACKER_EVENTS_COLLECTION, versionKey: false })
export class TrackerEventRecord {
  _id: Types.ObjectId;
  @Prop({ type: String }) title: string;
  @Prop({ type: TrackerEventAttributesRecord }) attributes: TrackerEventAttributesRecord;
  @Prop({ type: TrackerEventLinksRecord }) links: TrackerEventLinksRecord;
  @Prop({ type: TrackerEventMetadataRecord }) metadata: TrackerEventMetadataRecord;
  @Prop({ type: Date }) eventAt: Date;
  /** "2026-01" (UTC) of eventAt: the month stats group by. */
  @Prop({ type: String }) yearMonth: string;
  /** "2026-01-31" (UTC) of eventAt. */
  @Prop({ type: String }) day: string;
  /** Optimistic-concurrency revision: an update applies only to the revision it was computed from. */
  @Prop({ type: Number }) rev: number;
  @Prop({ type: [ChangelogRecord] }) changelog: ChangelogRecord[];
  /** Deliveries planned by the create and each status change, oldest first (absent when none were asked for). */
  @Prop({ type: [PlannedDeliveryRecord] }) deliveries?: PlannedDeliveryRecord[];
  /** The last create or update, recorded with it (absent on events stored before live streams). */
  @Prop({ type: TrackerEventMutationRecord }) lastChange?: TrackerEventMutationRecord;
  /** Set when a CI/CD intake created the event (absent otherwise). */
  @Prop({ type: TrackerEventIntakeRecord }) intake?: TrackerEventIntakeRecord;
  /** Set when a deployment was recorded while a change freeze covered it (an intake, an override, FREEZE_ENFORCE=off). */
  @Prop({ type: Boolean }) frozen?: boolean;
}

export const TrackerEventSchema = SchemaFactory.createForClass(TrackerEventRecord);

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
// Live log recovery (TrackerEventsService.mutatedBetween): the mutations recorded in a time window.
TrackerEventSchema.index({ 'lastChange.at': 1 });
// GET /events/overlaps: endDate after the window start or none (null), then startDate before its end.
TrackerEventSchema.index({ 'attributes.endDate': 1, 'attributes.startDate': 1 });

export const TrackerEventModelDefinition: ModelDefinition = { name: TRACKER_EVENT_MODEL, schema: TrackerEventSchema };
