import type { TrackerEventRecordView } from '../../tracker-events';
import type { NotificationMessage } from '../channels/channel';
import { DeliveryRecord, statusLabel } from './delivery-record';
import { EVENT_ENVIRONMENT_LABELS, EVENT_PRIORITY_LABELS, labelOf } from '../../../contract/enums';

const LINK_NAMES: Record<string, string> = { pullRequestLink: 'Pull request', ticket: 'Ticket' };

function label(labels: Readonly<Record<number, string>>, value: number | undefined): string | undefined {
  return value === undefined || value === null ? undefined : (labelOf(labels, value) ?? String(value));
}

/**
 * What a channel sends for one delivery: the event as it is now, labelled for people, except the status,
 * which is the one the trigger reported. Stakeholders that are email addresses become extra recipients.
 */
export function toNotificationMessage(event: TrackerEventRecordView, delivery: DeliveryRecord): NotificationMessage {
  const a = event.attributes;
  const links: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.links ?? {}))
    if (typeof value === 'string' && value) links[LINK_NAMES[key] ?? key] = value;
  const status = delivery.status ?? a.status;
  const message: NotificationMessage = {
    dedupKey: delivery.dedupKey,
    eventId: event._id.toHexString(),
    trigger: delivery.trigger,
    title: event.title,
    service: a.service,
    links,
  };
  const environment = label(EVENT_ENVIRONMENT_LABELS, a.environment);
  const priority = label(EVENT_PRIORITY_LABELS, a.priority);
  if (environment) message.environment = environment;
  if (status !== undefined && status !== null) message.status = statusLabel(status);
  if (priority) message.priority = priority;
  if (a.message) message.message = a.message;
  if (a.owner) message.owner = a.owner;
  const recipients = (a.stakeHolders ?? []).filter((s) => /^[^\s@]+@[^\s@]+$/.test(s));
  if (recipients.length) message.recipients = recipients;
  return message;
}
