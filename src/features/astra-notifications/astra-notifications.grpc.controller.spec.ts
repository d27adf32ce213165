import { randomUUID } from 'node:crypto';
import { expectAstraGrpcAuth } from '../../../test/support/astra-routes';
import { ControllerApp, startControllerApp, stubOf } from '../../../test/support/controller-app';
import { AstraNotificationsGrpcController } from './astra-notifications.grpc.controller';
import { AstraNotificationsService } from './astra-notifications.service';
import { BannersService } from './banners.service';

const account = randomUUID();
const user = randomUUID();
const id = randomUUID();
const emptyList = (type: string, version: string) => ({ type, version, items: [], metadata: {} });

describe('AstraNotificationsGrpcController (astra.core.v1.NotificationService)', () => {
  let app: ControllerApp;
  const notifications = stubOf<AstraNotificationsService, 'list' | 'get' | 'listUnread' | 'getUnread' | 'markRead'>(
    'list',
    'get',
    'listUnread',
    'getUnread',
    'markRead',
  );
  const banners = stubOf<BannersService, 'list' | 'dismiss'>('list', 'dismiss');

  beforeAll(async () => {
    app = await startControllerApp({
      controllers: [AstraNotificationsGrpcController],
      providers: [
        { provide: AstraNotificationsService, useValue: notifications },
        { provide: BannersService, useValue: banners },
      ],
      grpc: { proto: 'astra/core/v1/notification.proto', service: 'astra.core.v1.NotificationService' },
    });
  });
  afterAll(async () => app?.close());
  beforeEach(() => {
    jest.resetAllMocks();
    notifications.list.mockResolvedValue(emptyList('application/astra-notifications', '1.3'));
    notifications.get.mockResolvedValue({ type: 'application/astra-notification', version: '1.3', id } as never);
    notifications.listUnread.mockResolvedValue(emptyList('application/astra-unreadNotifications', '1.0'));
    notifications.getUnread.mockResolvedValue({ type: 'application/astra-unreadNotification', version: '1.0', id } as never);
    notifications.markRead.mockResolvedValue(undefined);
    banners.list.mockResolvedValue(emptyList('application/astra-banners', '1.0'));
    banners.dismiss.mockResolvedValue(undefined);
  });

  it.each([
    ['ListNotifications', 'account', { accountId: account }],
    ['GetNotification', 'account', { accountId: account, notificationId: id }],
    ['ListUnreadNotifications', 'user', { accountId: account, userId: user }],
    ['GetUnreadNotification', 'user', { accountId: account, userId: user, unreadNotificationId: id }],
    ['MarkNotificationRead', 'user', { accountId: account, userId: user, unreadNotificationId: id }],
    ['ListBanners', 'account', { accountId: account }],
    ['ListBanners', 'user', { accountId: account, userId: user }],
    ['DismissBanner', 'user', { accountId: account, userId: user, bannerId: id }],
  ])('%s (%s): the auth table, then OK for every role', async (method, _scope, request) => {
    await expectAstraGrpcAuth((metadata) => app.rpc.call(method, request, metadata), { account, user, minRole: 'viewer' });
  });
});
