import { status } from '@grpc/grpc-js';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../src/platform/repo-root';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectAstraValid } from '../support/astra-schema';
import { createEvent } from '../support/astra-events';
import { mintToken } from '../support/auth';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';
import type { Role } from '../../src/auth/roles';
import { astraMessageAsRest } from '../support/astra-grpc';

const PROTO = join(PROTO_ROOT, 'astra/core/v1/notification.proto');
const asRest = astraMessageAsRest;

describe('Astra notifications gRPC: astra.core.v1.NotificationService', () => {
  let app: TestApp;
  let client: UnaryClient;
  const account = randomUUID();
  const [alice, bob] = [randomUUID(), randomUUID()];
  const md = (role: Role, user: string) => ({ authorization: `Bearer ${mintToken({ [account]: role }, { user })}` });
  const rest = (path: string, role: Role, user: string, method = 'GET') =>
    http(method, `${app.http}/accounts/${account}/core/v1${path}`, { headers: md(role, user) });

  beforeAll(async () => {
    app = await startTestApp();
    client = grpcClient(app.grpc, PROTO, 'astra.core.v1.NotificationService');
    await createEvent(app.http, account, {
      destinations: ['notification', 'banner'],
      severity: 'critical',
      data: { isAcknowledgeable: 'true' },
      descriptionURL: 'https://docs.example/a',
    });
    await createEvent(app.http, account, { destinations: ['notification'], visibility: ['admin'] });
    await createEvent(app.http, account, { destinations: ['banner'], data: { isAcknowledgeable: 'false' } });
  });
  afterAll(async () => {
    client?.close();
    await app?.close();
  });

  it('lists and gets notifications exactly as REST does, with the same visibility', async () => {
    for (const role of ['viewer', 'admin'] as Role[]) {
      const viaRest = (await rest('/notifications?count=true', role, alice)).body;
      const viaGrpc = await client.call<Record<string, any>>('ListNotifications', { accountId: account, count: true }, md(role, alice));
      expect(viaGrpc).toMatchObject({
        type: 'application/astra-notifications',
        version: '1.3',
        metadata: { count: viaRest.metadata.count },
      });
      const items = viaGrpc.items.map((i: Record<string, unknown>) => asRest(i));
      for (const item of items) expectAstraValid('notification_1.3_get_response_body', item);
      expect(items).toEqual(viaRest.items);
      const one = await client.call<Record<string, any>>(
        'GetNotification',
        { accountId: account, notificationId: items[0].id },
        md(role, alice),
      );
      expect(asRest(one)).toEqual(viaRest.items[0]);
    }
    const rows = await client.call<Record<string, any>>(
      'ListNotifications',
      { accountId: account, include: 'id,severity' },
      md('viewer', alice),
    );
    expect(rows.rows.map((r: string) => JSON.parse(r))).toEqual(
      (await rest('/notifications?include=id,severity', 'viewer', alice)).body.items,
    );
  });

  it('unread: list with count, get, mark read (then NOT_FOUND), per user', async () => {
    const list = await client.call<Record<string, any>>(
      'ListUnreadNotifications',
      { accountId: account, userId: alice, count: true },
      md('owner', alice),
    );
    expect(list).toMatchObject({ type: 'application/astra-unreadNotifications', version: '1.0', metadata: { count: 2 } });
    const items = list.items.map((i: Record<string, unknown>) => asRest(i, false));
    for (const item of items) expectAstraValid('unreadNotification_1.0_get_response_body', item);
    expect(items).toEqual((await rest(`/users/${alice}/unreadNotifications`, 'owner', alice)).body.items);

    const target = items[0];
    const one = await client.call<Record<string, any>>(
      'GetUnreadNotification',
      { accountId: account, userId: alice, unreadNotificationId: target.id },
      md('owner', alice),
    );
    expect(asRest(one, false)).toEqual(target);
    await client.call('MarkNotificationRead', { accountId: account, userId: alice, unreadNotificationId: target.id }, md('owner', alice));
    await expectGrpcError(
      client.call('GetUnreadNotification', { accountId: account, userId: alice, unreadNotificationId: target.id }, md('owner', alice)),
      status.NOT_FOUND,
    );
    await expectGrpcError(
      client.call('MarkNotificationRead', { accountId: account, userId: alice, unreadNotificationId: target.id }, md('owner', alice)),
      status.NOT_FOUND,
    );
    expect((await rest(`/users/${alice}/unreadNotifications?count=true`, 'owner', alice)).body.metadata.count).toBe(1);
    const bobs = await client.call<Record<string, any>>(
      'ListUnreadNotifications',
      { accountId: account, userId: bob, count: true, groupId: randomUUID() },
      md('owner', bob),
    );
    expect(bobs.metadata.count).toBe(2);

    await expectGrpcError(
      client.call('ListUnreadNotifications', { accountId: account, userId: bob }, md('owner', alice)),
      status.PERMISSION_DENIED,
    );
    await expectGrpcError(
      client.call('MarkNotificationRead', { accountId: account, userId: bob, unreadNotificationId: target.id }, md('owner', alice)),
      status.PERMISSION_DENIED,
    );
    await expectGrpcError(
      client.call('GetNotification', { accountId: account, notificationId: randomUUID() }, md('owner', alice)),
      status.NOT_FOUND,
    );
    await expectGrpcError(
      client.call('GetNotification', { accountId: account, notificationId: 'nope' }, md('owner', alice)),
      status.INVALID_ARGUMENT,
    );
    await expectGrpcError(client.call('ListNotifications', { accountId: account }), status.UNAUTHENTICATED);
    await expectGrpcError(client.call('ListNotifications', { accountId: randomUUID() }, md('owner', alice)), status.PERMISSION_DENIED);
  });

  it('banners: list (account-wide and per user) and dismiss, as REST', async () => {
    const all = await client.call<Record<string, any>>('ListBanners', { accountId: account, count: true }, md('viewer', bob));
    expect(all).toMatchObject({ type: 'application/astra-banners', version: '1.0', metadata: { count: 2 } });
    const items = all.items.map((i: Record<string, unknown>) => asRest(i));
    expect(items).toEqual((await rest('/banners', 'viewer', bob)).body.items);
    const dismissable = items.find((b: any) => b.data?.isAcknowledgeable === 'true');
    const sticky = items.find((b: any) => b.data?.isAcknowledgeable === 'false');
    await expectGrpcError(
      client.call('DismissBanner', { accountId: account, userId: bob, bannerId: sticky.id }, md('viewer', bob)),
      status.PERMISSION_DENIED,
    );
    await client.call('DismissBanner', { accountId: account, userId: bob, bannerId: dismissable.id }, md('viewer', bob));
    const mine = await client.call<Record<string, any>>('ListBanners', { accountId: account, userId: bob, count: true }, md('viewer', bob));
    expect(mine.metadata.count).toBe(1);
    expect((await rest(`/users/${bob}/banners?count=true`, 'viewer', bob)).body.metadata.count).toBe(1);
    expect((await rest(`/users/${alice}/banners?count=true`, 'viewer', alice)).body.metadata.count).toBe(2);
  });

  it('is reachable through server reflection (grpcurl)', async () => {
    const run = promisify(execFile);
    const grpcurl = join(REPO_ROOT, '.bin', 'grpcurl');
    const listed = await run(grpcurl, ['-plaintext', app.grpc, 'list']);
    expect(listed.stdout).toContain('astra.core.v1.NotificationService');
    expect(listed.stdout).toContain('astra.core.v1.EventService');
    const res = await run(grpcurl, [
      '-plaintext',
      '-H',
      `authorization: ${md('viewer', alice).authorization}`,
      '-d',
      JSON.stringify({ account_id: account, count: true }),
      app.grpc,
      'astra.core.v1.NotificationService/ListNotifications',
    ]);
    expect(JSON.parse(res.stdout)).toMatchObject({ type: 'application/astra-notifications', metadata: { count: '1' } });
  });
});
