import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { AccountGuard, AuthScope } from '../../auth/account.guard';
import type { AccountScope } from '../../auth/account-scope';
import { AstraListRequestDto, listQueryOf } from '../../astra/grpc-request.dto';
import { toProtoList, toProtoNames } from '../../astra/proto-names';
import { AstraNotificationsService } from './astra-notifications.service';
import { BannersService } from './banners.service';
import {
  DismissBannerRequestDto,
  GetNotificationRequestDto,
  ListBannersRequestDto,
  ListUnreadNotificationsRequestDto,
  UnreadNotificationRequestDto,
} from './dto/grpc-requests.dto';
import { checkGroupId } from './user-path';

/** Fully qualified: Nest binds a short service name to every package's service of that name. */
const SERVICE = 'astra.core.v1.NotificationService';

/** astra.core.v1.NotificationService: the REST calls with the same auth, rules and errors. */
@Controller()
@UseGuards(AccountGuard)
export class AstraNotificationsGrpcController {
  constructor(
    private readonly notifications: AstraNotificationsService,
    private readonly banners: BannersService,
  ) {}

  @GrpcMethod(SERVICE, 'ListNotifications')
  async listNotifications(@Payload() request: AstraListRequestDto, @AuthScope() scope: AccountScope) {
    return toProtoList(await this.notifications.list(scope, listQueryOf(request)));
  }

  @GrpcMethod(SERVICE, 'GetNotification')
  async getNotification(@Payload() request: GetNotificationRequestDto, @AuthScope() scope: AccountScope) {
    return toProtoNames(await this.notifications.get(scope, request.notificationId));
  }

  @GrpcMethod(SERVICE, 'ListUnreadNotifications')
  async listUnread(@Payload() request: ListUnreadNotificationsRequestDto, @AuthScope() scope: AccountScope) {
    checkGroupId(request.groupId);
    return toProtoList(await this.notifications.listUnread(scope, request.userId, listQueryOf(request)));
  }

  @GrpcMethod(SERVICE, 'GetUnreadNotification')
  async getUnread(@Payload() request: UnreadNotificationRequestDto, @AuthScope() scope: AccountScope) {
    checkGroupId(request.groupId);
    return toProtoNames(await this.notifications.getUnread(scope, request.userId, request.unreadNotificationId));
  }

  @GrpcMethod(SERVICE, 'MarkNotificationRead')
  async markRead(@Payload() request: UnreadNotificationRequestDto, @AuthScope() scope: AccountScope) {
    checkGroupId(request.groupId);
    await this.notifications.markRead(scope, request.userId, request.unreadNotificationId);
    return {};
  }

  @GrpcMethod(SERVICE, 'ListBanners')
  async listBanners(@Payload() request: ListBannersRequestDto, @AuthScope() scope: AccountScope) {
    return toProtoList(await this.banners.list(scope, listQueryOf(request), request.userId));
  }

  @GrpcMethod(SERVICE, 'DismissBanner')
  async dismissBanner(@Payload() request: DismissBannerRequestDto, @AuthScope() scope: AccountScope) {
    await this.banners.dismiss(scope, request.userId, request.bannerId);
    return {};
  }
}
