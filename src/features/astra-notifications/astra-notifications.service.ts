import { Injectable } from '@nestjs/common';
import { parseListQuery } from '../../astra/list-query';
import type { ListResponse } from '../../astra/list-response';
import type { AccountScope } from '../../auth/account-scope';
import { isAstraIdentifier } from '../../auth/identifiers';
import { DomainError, NotFoundError } from '../../platform/errors/domain-errors';
import { ActivityLogService } from '../activity-log';
import { NotificationReadMarkRepository } from './data/notification-read-mark.repository';
import type { ActivityEventRecord } from '../activity-log';
import {
  AstraNotification,
  AstraUnreadNotification,
  NOTIFICATION_VERSION,
  NOTIFICATIONS_LIST_SPEC,
  NOTIFICATIONS_LIST_TYPE,
  toAstraNotification,
  toAstraUnread,
  UNREAD_LIST_SPEC,
  UNREAD_LIST_TYPE,
  UNREAD_VERSION,
} from './astra-notifications.mapper';
import { listEnvelope, toEventListQuery } from './derived-list';
import { requireOwnUser } from './user-path';
import { eventIdOfNotification, notificationIdOf, notificationIdOfUnread } from './notification-ids';

/**
 * Astra notifications (N1, N2) and per-user unread notifications (U1-U3): projections of the activity log,
 * read with the caller's visibility and at this instant (an expired event's notification is gone at once).
 */
@Injectable()
export class AstraNotificationsService {
  constructor(
    /** A notification is an event with the notification destination; nothing is copied, so it lives and dies with it. */
    private readonly activity: ActivityLogService,
    private readonly readMarks: NotificationReadMarkRepository,
  ) {}

  async list(scope: AccountScope, rawQuery: Record<string, unknown>): Promise<ListResponse> {
    const q = parseListQuery(rawQuery, NOTIFICATIONS_LIST_SPEC);
    const events = toEventListQuery(q, { id: eventIdOfNotification });
    const { rows, total } = await this.activity.listWithDestination(scope, 'notification', events, NOTIFICATIONS_LIST_SPEC);
    return listEnvelope(rows, toAstraNotification, q, NOTIFICATIONS_LIST_SPEC, {
      type: NOTIFICATIONS_LIST_TYPE,
      version: NOTIFICATION_VERSION,
      total,
    });
  }

  async get(scope: AccountScope, notificationId: string): Promise<AstraNotification> {
    return toAstraNotification(await this.notificationEvent(scope, notificationId));
  }

  /** U1: the notifications the caller may read now, minus those they marked read. */
  async listUnread(scope: AccountScope, userId: string, rawQuery: Record<string, unknown>): Promise<ListResponse> {
    requireOwnUser(scope, userId);
    const q = parseListQuery(rawQuery, UNREAD_LIST_SPEC);
    const unreadOf = (unreadId: string) => eventIdOfNotification(notificationIdOfUnread(unreadId, userId));
    const read = await this.readMarks.markedEventIds(scope);
    const events = toEventListQuery(q, { id: unreadOf, notificationID: eventIdOfNotification });
    const { rows, total } = await this.activity.listWithDestination(scope, 'notification', events, UNREAD_LIST_SPEC, {
      excludeEventIds: read,
    });
    return listEnvelope(rows, (r) => toAstraUnread(r, userId), q, UNREAD_LIST_SPEC, {
      type: UNREAD_LIST_TYPE,
      version: UNREAD_VERSION,
      total,
    });
  }

  async getUnread(scope: AccountScope, userId: string, unreadId: string): Promise<AstraUnreadNotification> {
    requireOwnUser(scope, userId);
    const { record, notificationId } = await this.unreadEvent(scope, userId, unreadId);
    if (await this.readMarks.exists(scope, notificationId)) throw this.unreadNotFound(unreadId);
    return toAstraUnread(record, userId);
  }

  /** U3: marks it read. Already read (a repeated or concurrent DELETE) = no unread resource = 404 problems/1. */
  async markRead(scope: AccountScope, userId: string, unreadId: string): Promise<void> {
    requireOwnUser(scope, userId);
    const { record, notificationId } = await this.unreadEvent(scope, userId, unreadId);
    if (!(await this.readMarks.markRead(scope, notificationId, record._id, new Date()))) throw this.unreadNotFound(unreadId);
  }

  private async unreadEvent(scope: AccountScope, userId: string, unreadId: string) {
    if (!isAstraIdentifier(unreadId)) {
      throw new DomainError('invalid-resource-id', `Unread notification id '${String(unreadId)}' is not a lowercase UUID.`);
    }
    const notificationId = notificationIdOfUnread(unreadId, userId);
    const eventId = eventIdOfNotification(notificationId);
    const record = eventId ? await this.activity.findReadableRecord(scope, eventId) : null;
    if (!record || !record.destinations?.includes('notification')) throw this.unreadNotFound(unreadId);
    return { record, notificationId: notificationIdOf(record._id) };
  }

  private unreadNotFound(unreadId: string): NotFoundError {
    return new NotFoundError(`Unread notification ${unreadId} was not found.`);
  }

  /** A notification's event, if the caller may read it now; otherwise 404 problems/1 (hidden = absent). */
  private async notificationEvent(scope: AccountScope, notificationId: string): Promise<ActivityEventRecord> {
    if (!isAstraIdentifier(notificationId)) {
      throw new DomainError('invalid-resource-id', `Notification id '${String(notificationId)}' is not a lowercase UUID.`);
    }
    const eventId = eventIdOfNotification(notificationId);
    const record = eventId ? await this.activity.findReadableRecord(scope, eventId) : null;
    if (!record || !record.destinations?.includes('notification')) {
      throw new NotFoundError(`Notification ${notificationId} was not found in account ${scope.accountId}.`);
    }
    return record;
  }
}
