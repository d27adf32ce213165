import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { AccountGuard, AuthScope } from '../common/auth/account.guard';
import type { AccountScope } from '../common/auth/account-scope';
import type { ListResponse } from '../common/astra/list-response';
import { AstraListRequest, toProtoNames } from '../common/astra/proto-names';
import { AstraNotificationsService } from './astra-notifications.service';
import { BannersService } from './banners.service';
import { checkGroupId } from './user-path';

/** Fully qualified: Nest binds a short service name to every package's service of that name. */
const SERVICE = 'astra.core.v1.NotificationService';

type ListParams = AstraListRequest;
interface UserListParams extends ListParams {
  userId?: string;
  groupId?: string;
}
interface UnreadRequest {
  accountId?: string;
  userId?: string;
  unreadNotificationId?: string;
  groupId?: string;
}

function rawQuery(r: ListParams): Record<string, unknown> {
  return { include: r.include, limit: r.limit, skip: r.skip, filter: r.filter, orderBy: r.orderBy, count: r.count, continue: r.continue };
}

/** With include, REST items are arrays; gRPC carries them as JSON text in `rows`. */
function toProtoList(page: ListResponse) {
  const included = page.items.length > 0 && Array.isArray(page.items[0]);
  return {
    type: page.type,
    version: page.version,
    items: included ? [] : page.items.map((item) => toProtoNames(item as object)),
    rows: included ? page.items.map((row) => JSON.stringify(row)) : [],
    metadata: page.metadata,
  };
}

/** astra.core.v1.NotificationService: the REST calls with the same auth, rules and errors. */
@Controller()
@UseGuards(AccountGuard)
export class AstraNotificationsGrpcController {
  constructor(
    private readonly notifications: AstraNotificationsService,
    private readonly banners: BannersService,
  ) {}

  @GrpcMethod(SERVICE, 'ListNotifications')
  async listNotifications(@Payload() request: ListParams, @AuthScope() scope: AccountScope) {
    return toProtoList(await this.notifications.list(scope, rawQuery(request)));
  }

  @GrpcMethod(SERVICE, 'GetNotification')
  async getNotification(@Payload() request: { notificationId?: string }, @AuthScope() scope: AccountScope) {
    return toProtoNames(await this.notifications.get(scope, request.notificationId ?? ''));
  }

  @GrpcMethod(SERVICE, 'ListUnreadNotifications')
  async listUnread(@Payload() request: UserListParams, @AuthScope() scope: AccountScope) {
    checkGroupId(request.groupId);
    return toProtoList(await this.notifications.listUnread(scope, request.userId ?? '', rawQuery(request)));
  }

  @GrpcMethod(SERVICE, 'GetUnreadNotification')
  async getUnread(@Payload() request: UnreadRequest, @AuthScope() scope: AccountScope) {
    checkGroupId(request.groupId);
    return toProtoNames(await this.notifications.getUnread(scope, request.userId ?? '', request.unreadNotificationId ?? ''));
  }

  @GrpcMethod(SERVICE, 'MarkNotificationRead')
  async markRead(@Payload() request: UnreadRequest, @AuthScope() scope: AccountScope) {
    checkGroupId(request.groupId);
    await this.notifications.markRead(scope, request.userId ?? '', request.unreadNotificationId ?? '');
    return {};
  }

  @GrpcMethod(SERVICE, 'ListBanners')
  async listBanners(@Payload() request: UserListParams, @AuthScope() scope: AccountScope) {
    return toProtoList(await this.banners.list(scope, rawQuery(request), request.userId));
  }

  @GrpcMethod(SERVICE, 'DismissBanner')
  async dismissBanner(@Payload() request: { userId?: string; bannerId?: string }, @AuthScope() scope: AccountScope) {
    await this.banners.dismiss(scope, request.userId ?? '', request.bannerId ?? '');
    return {};
  }
}
