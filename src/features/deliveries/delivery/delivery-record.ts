import { CHANNEL_NAMES, ChannelName } from '../channels/channel';
import type { PlannedDeliveryRecord } from '../../tracker-events';
import { EVENT_STATUS_LABELS, labelOf } from '../../../contract/enums';

export type DeliveryState = 'pending' | 'delivered' | 'skipped' | 'dead';

export interface DeliveryAttemptRecord {
  at: Date;
  ok: boolean;
  error?: string;
  detail?: string;
}

/**
 * One delivery of one trigger (the create, or one status change) to one channel as it stands: the planned copy
 * stored in the event's own document (PlannedDeliveryRecord, written by the same write as the change that
 * caused it, never changed afterwards) with its attempts and state from its DeliveryProgress (see withProgress).
 */
export type DeliveryRecord = Omit<PlannedDeliveryRecord, 'state' | 'attempts'> & {
  state: DeliveryState;
  attempts: DeliveryAttemptRecord[];
};

/**
 * A delivery's state after its attempts, stored apart from the event (collection delivery_progress) and written
 * only by the instance holding the attempt's claim: the dispatcher never rewrites the event document, so it can
 * never clobber a user's update of it (the embedded store's updates are not atomic across instances).
 */
export interface DeliveryProgress {
  state: DeliveryState;
  attempts: DeliveryAttemptRecord[];
  nextAttemptAt?: Date;
}

/** What a finished attempt decided, as recorded both in the claim and in the delivery's progress. */
export interface AttemptResult {
  attempt: DeliveryAttemptRecord;
  state: DeliveryState;
  nextAttemptAt?: Date;
}

/** The event fields planning reads (a stored event has all of them). */
export interface DeliverableEvent {
  _id: { toHexString(): string };
  attributes: { status?: number; notification?: boolean; notifications?: string[] };
  deliveries?: PlannedDeliveryRecord[];
}

export function statusLabel(status: number | undefined): string {
  return status === undefined || status === null ? 'none' : (labelOf(EVENT_STATUS_LABELS, status) ?? String(status));
}

/** The channels this event asks for, known ones only, each once, in the order given. */
function requestedChannels(event: DeliverableEvent): ChannelName[] {
  if (event.attributes.notification !== true) return [];
  const known = new Set<string>(CHANNEL_NAMES);
  return [...new Set(event.attributes.notifications ?? [])].filter((c): c is ChannelName => known.has(c));
}

/**
 * New deliveries for one trigger: one per requested channel, pending and due now, or skipped when the channel
 * is not configured. `previousStatus` is given for a status change, absent for the create.
 */
export function planDeliveries(
  event: DeliverableEvent,
  now: Date,
  isConfigured: (channel: ChannelName) => boolean,
  statusUpdate?: { previousStatus?: number },
): PlannedDeliveryRecord[] {
  const channels = requestedChannels(event);
  if (channels.length === 0) return [];
  const existing = event.deliveries ?? [];
  const seq = existing.reduce((max, d) => Math.max(max, d.seq ?? 0), 0) + 1;
  const kind = statusUpdate ? 'status' : 'created';
  const trigger = statusUpdate
    ? `status: ${statusLabel(statusUpdate.previousStatus)} -> ${statusLabel(event.attributes.status)}`
    : 'created';
  const id = event._id.toHexString();
  return channels.map((channel) => {
    const base = { dedupKey: `${id}:${channel}:${kind}#${seq}`, channel, trigger, seq, attempts: [], createdAt: now };
    const status = event.attributes.status === undefined ? {} : { status: event.attributes.status };
    return isConfigured(channel)
      ? { ...base, ...status, state: 'pending' as const, nextAttemptAt: now }
      : { ...base, ...status, state: 'skipped' as const, reason: `${channel} is not configured` };
  });
}

/** The deliveries that may be attempted now. */
export function dueDeliveries(deliveries: DeliveryRecord[], now: Date): DeliveryRecord[] {
  return deliveries.filter((d) => d.state === 'pending' && (!d.nextAttemptAt || new Date(d.nextAttemptAt).getTime() <= now.getTime()));
}

/** When the next pending attempt of the event is due; undefined when nothing is pending. */
export function nextDueAt(deliveries: DeliveryRecord[]): Date | undefined {
  let due: number | undefined;
  for (const d of deliveries) {
    if (d.state !== 'pending') continue;
    const at = d.nextAttemptAt ? new Date(d.nextAttemptAt).getTime() : 0;
    due = due === undefined ? at : Math.min(due, at);
  }
  return due === undefined ? undefined : new Date(due);
}

/** The planned deliveries as they stand: each with its recorded progress, if any. */
export function withProgress(planned: DeliveryRecord[], progress: Map<string, DeliveryProgress>): DeliveryRecord[] {
  return planned.map((d) => {
    const p = progress.get(d.dedupKey);
    if (!p) return d;
    const { nextAttemptAt: _planned, ...rest } = d;
    return { ...rest, state: p.state, attempts: p.attempts, ...(p.nextAttemptAt ? { nextAttemptAt: p.nextAttemptAt } : {}) };
  });
}

/**
 * The progress after attempt number `attemptNo` of `delivery` ended with `result`, or null when that attempt
 * is already recorded or the delivery is no longer pending (so replaying a result, e.g. from a claim, is harmless).
 */
export function afterAttempt(delivery: DeliveryRecord, attemptNo: number, result: AttemptResult): DeliveryProgress | null {
  if (delivery.state !== 'pending' || delivery.attempts.length !== attemptNo - 1) return null;
  const progress: DeliveryProgress = { state: result.state, attempts: [...delivery.attempts, result.attempt] };
  if (result.state === 'pending' && result.nextAttemptAt) progress.nextAttemptAt = result.nextAttemptAt;
  return progress;
}
