import { CHANNEL_NAMES, ChannelName } from '../channels/channel';
import { EVENT_STATUS_LABELS } from '../../tracker-events/domain/event-enums';

export type DeliveryState = 'pending' | 'delivered' | 'skipped' | 'dead';

export interface DeliveryAttemptRecord {
  at: Date;
  ok: boolean;
  error?: string;
  detail?: string;
}

/**
 * One delivery of one trigger (the create, or one status change) to one channel, kept in the event's own
 * document (`deliveries`) so it is stored by the same write as the change that caused it.
 */
export interface DeliveryRecord {
  /** `<eventId>:<channel>:<kind>#<n>`: n numbers the event's triggers, so the key never changes. */
  dedupKey: string;
  channel: string;
  /** "created" or "status: Start -> Success". */
  trigger: string;
  /** The trigger's number on this event (the n of the dedup key). */
  seq: number;
  /** The event's status when the trigger happened (what the message reports, even if it changed since). */
  status?: number;
  state: DeliveryState;
  attempts: DeliveryAttemptRecord[];
  /** Set while pending: the attempt is due from then on. */
  nextAttemptAt?: Date;
  createdAt: Date;
  /** Why a delivery was skipped. */
  reason?: string;
}

/** What a finished attempt decided, as recorded both in the claim and in the event's delivery. */
export interface AttemptResult {
  attempt: DeliveryAttemptRecord;
  state: DeliveryState;
  nextAttemptAt?: Date;
}

/** The event fields planning reads (a stored event has all of them). */
export interface DeliverableEvent {
  _id: { toHexString(): string };
  attributes: { status?: number; notification?: boolean; notifications?: string[] };
  deliveries?: DeliveryRecord[];
}

export function deliveriesOf(event: object): DeliveryRecord[] {
  const value = (event as { deliveries?: unknown }).deliveries;
  return Array.isArray(value) ? (value as DeliveryRecord[]) : [];
}

export function statusLabel(status: number | undefined): string {
  return status === undefined || status === null ? 'none' : (EVENT_STATUS_LABELS[status] ?? String(status));
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
  change?: { previousStatus?: number },
): DeliveryRecord[] {
  const channels = requestedChannels(event);
  if (channels.length === 0) return [];
  const existing = deliveriesOf(event);
  const seq = existing.reduce((max, d) => Math.max(max, d.seq ?? 0), 0) + 1;
  const kind = change ? 'status' : 'created';
  const trigger = change ? `status: ${statusLabel(change.previousStatus)} -> ${statusLabel(event.attributes.status)}` : 'created';
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

/**
 * The deliveries with attempt number `attemptNo` of `dedupKey` recorded, or null when that attempt is already
 * recorded or the delivery is no longer pending (so replaying a result, e.g. from a claim, is harmless).
 */
export function recordAttempt(deliveries: DeliveryRecord[], dedupKey: string, attemptNo: number, result: AttemptResult): DeliveryRecord[] | null {
  const index = deliveries.findIndex((d) => d.dedupKey === dedupKey);
  if (index < 0) return null;
  const d = deliveries[index];
  if (d.state !== 'pending' || d.attempts.length !== attemptNo - 1) return null;
  const updated: DeliveryRecord = { ...d, state: result.state, attempts: [...d.attempts, result.attempt] };
  if (result.state === 'pending' && result.nextAttemptAt) updated.nextAttemptAt = result.nextAttemptAt;
  else delete updated.nextAttemptAt;
  return deliveries.map((x, i) => (i === index ? updated : x));
}
