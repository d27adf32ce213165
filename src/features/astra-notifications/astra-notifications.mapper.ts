import { EVENTS_LIST_SPEC, INCLUDABLE, toAstraEvent, type ActivityEventRecord, type AstraEvent } from '../activity-log';
import type { ListSpec } from '../../astra/list-query';
import { NIL_UUID } from '../../auth/identifiers';
import { bannerIdOf, notificationIdOf, unreadIdOf } from './notification-ids';

export const NOTIFICATION_TYPE = 'application/astra-notification';
export const NOTIFICATION_VERSION = '1.3';
export const NOTIFICATIONS_LIST_TYPE = 'application/astra-notifications';
export const UNREAD_TYPE = 'application/astra-unreadNotification';
export const UNREAD_VERSION = '1.0';
export const UNREAD_LIST_TYPE = 'application/astra-unreadNotifications';
export const BANNER_TYPE = 'application/astra-banner';
export const BANNER_VERSION = '1.0';
export const BANNERS_LIST_TYPE = 'application/astra-banners';

/** notification_1.3 and our banner 1.0: the event's 28 fields under their own type, version and id. */
export type AstraNotification = Omit<AstraEvent, 'type' | 'version'> & { type: string; version: string };

export interface AstraUnreadNotification {
  type: typeof UNREAD_TYPE;
  version: typeof UNREAD_VERSION;
  id: string;
  notificationID: string;
  sequenceCount: number;
  severity: ActivityEventRecord['severity'];
  metadata: { labels: { name: string; value: string }[]; creationTimestamp: string; modificationTimestamp: string; createdBy: string };
}

export function toAstraNotification(record: ActivityEventRecord): AstraNotification {
  return { ...toAstraEvent(record), type: NOTIFICATION_TYPE, version: NOTIFICATION_VERSION, id: notificationIdOf(record._id) };
}

export function toAstraBanner(record: ActivityEventRecord): AstraNotification {
  return { ...toAstraEvent(record), type: BANNER_TYPE, version: BANNER_VERSION, id: bannerIdOf(record._id) };
}

/**
 * A user's unread marker of a notification. It exists since the notification does, so its timestamps are the
 * event's creation time, and the system made it (createdBy = the nil UUID, the Astra Control API reference, section 3).
 */
export function toAstraUnread(record: ActivityEventRecord, userId: string): AstraUnreadNotification {
  const notificationID = notificationIdOf(record._id);
  const created = record.metadata.creationTimestamp.toISOString();
  return {
    type: UNREAD_TYPE,
    version: UNREAD_VERSION,
    id: unreadIdOf(notificationID, userId),
    notificationID,
    sequenceCount: record.sequenceCount,
    severity: record.severity,
    metadata: { labels: [], creationTimestamp: created, modificationTimestamp: created, createdBy: NIL_UUID },
  };
}

/**
 * Notifications and banners: the event list's fields and default order (eventTime desc). `id` is derived
 * (not stored), so it filters with eq only and cannot be ordered by (see derived-list.ts).
 */
export const NOTIFICATIONS_LIST_SPEC: ListSpec = { ...EVENTS_LIST_SPEC, includable: INCLUDABLE };
export const BANNERS_LIST_SPEC: ListSpec = NOTIFICATIONS_LIST_SPEC;

/**
 * Unread notifications: the resource's own fields. Newest first by sequenceCount (what the UI's unread list
 * and a poller's high-water mark both follow; the published example `orderBy=count desc` names no field).
 */
export const UNREAD_LIST_SPEC: ListSpec = {
  fields: {
    id: { type: 'string', path: '_id' },
    notificationID: { type: 'string', path: '_id' },
    sequenceCount: { type: 'number' },
    severity: { type: 'string' },
    'metadata.creationTimestamp': { type: 'time' },
    'metadata.modificationTimestamp': { type: 'time', path: 'metadata.creationTimestamp' },
  },
  includable: ['type', 'version', 'id', 'notificationID', 'sequenceCount', 'severity', 'metadata'],
  defaultOrder: { field: 'sequenceCount', desc: true },
  idPath: '_id',
  maxLimit: 1000,
};
