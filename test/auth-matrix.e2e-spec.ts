import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PROTO_ROOT } from '../src/grpc/grpc.options';
import { startTestApp, TestApp } from './support/app-harness';
import { expectAstraProblem } from './support/astra-schema';
import { createEvent } from './support/astra-events';
import { HS256_MINTER, TokenMinter } from './support/auth';
import { oidcMinter } from './support/oidc-issuer';
import { expectGrpcError, grpcClient, UnaryClient } from './support/grpc-client';
import { http } from './support/http';

/*
 * The auth tables of every Astra route and gRPC method (401 problems/3 and /4, 403 problems/11 by account and
 * role, then exactly the success status) and of TRACKER_AUTH need no store: they are the controller specs
 * beside each controller. What stays here is the rule the services enforce on real records: a user path names
 * the caller's own user only. Another user's token, even the account owner's, is 403 problems/11 or
 * PERMISSION_DENIED before any lookup; the user's own token gets exactly the operation's success status.
 * The same table runs over every kind of token the service accepts: HS256 (AUTH_JWT_SECRET) and OIDC (a local
 * issuer's RS256 and ES256 tokens, roles from its groups claim), each against an app that trusts it.
 */

const account = randomUUID();
const user = randomUUID();
const group = randomUUID();
const A = `/accounts/${account}/core/v1`;
const MINTERS: TokenMinter[] = [HS256_MINTER, oidcMinter('RS256'), oidcMinter('ES256')];

/** The user's own unread notification and banner ids, one per operation that consumes one. */
type Ids = Record<'readOne' | 'markRest' | 'markGroup' | 'markGrpc' | 'dismissRest' | 'dismissGrpc', string>;

describe.each(MINTERS.map((minter) => [minter.name, minter] as const))(
  'auth matrix (%s tokens): user paths answer their own user only',
  (_name, minter) => {
    let app: TestApp;
    let grpc: UnaryClient;
    let mine: { authorization: string };
    let someoneElses: { authorization: string };
    const ids = {} as Ids;

    beforeAll(async () => {
      app = await startTestApp({ env: await minter.start() });
      mine = await minter.bearer(account, 'viewer', { user });
      someoneElses = await minter.bearer(account, 'owner', { user: randomUUID() });
      grpc = grpcClient(app.grpc, join(PROTO_ROOT, 'astra/core/v1/notification.proto'), 'astra.core.v1.NotificationService');
      const unread = ['readOne', 'markRest', 'markGroup', 'markGrpc'] as const;
      const dismissable = ['dismissRest', 'dismissGrpc'] as const;
      for (let i = 0; i < unread.length; i++) await createEvent(app.http, account, { destinations: ['notification'] });
      for (let i = 0; i < dismissable.length; i++)
        await createEvent(app.http, account, { destinations: ['banner'], data: { isAcknowledgeable: 'true' } });
      // In creation order: each list is ordered by the events' sequence numbers.
      const listed = async (path: string) =>
        (await http('GET', `${app.http}${A}/users/${user}/${path}?orderBy=sequenceCount`, { headers: mine })).body.items.map(
          (i: { id: string }) => i.id,
        ) as string[];
      (await listed('unreadNotifications')).forEach((id, i) => (ids[unread[i]] = id));
      (await listed('banners')).forEach((id, i) => (ids[dismissable[i]] = id));
      expect(Object.keys(ids).sort()).toEqual([...unread, ...dismissable].sort());
    });
    afterAll(async () => {
      grpc?.close();
      await app?.close();
      await minter.stop();
    });

    it.each([
      ['GET', 'users/{user}/unreadNotifications', 200],
      ['GET', 'users/{user}/unreadNotifications/{readOne}', 200],
      ['DELETE', 'users/{user}/unreadNotifications/{markRest}', 204],
      ['GET', 'groups/{group}/users/{user}/unreadNotifications', 200],
      ['DELETE', 'groups/{group}/users/{user}/unreadNotifications/{markGroup}', 204],
      ['GET', 'users/{user}/banners', 200],
      ['DELETE', 'users/{user}/banners/{dismissRest}', 204],
    ])('REST %s %s: 403 problems/11 for another user, %d for the user', async (method, template, success) => {
      const url = `${app.http}${A}/${template.replace(/\{(\w+)\}/g, (_, key: string) => (key === 'user' ? user : key === 'group' ? group : ids[key as keyof Ids]))}`;
      expectAstraProblem(await http(method, url, { headers: someoneElses }), 11);
      expect((await http(method, url, { headers: mine })).status).toBe(success);
    });

    it.each([
      ['ListUnreadNotifications', undefined],
      ['GetUnreadNotification', 'readOne'],
      ['MarkNotificationRead', 'markGrpc'],
      ['ListBanners', undefined],
      ['DismissBanner', 'dismissGrpc'],
    ] as const)('gRPC %s: PERMISSION_DENIED for another user, OK for the user', async (method, key) => {
      const target = key === undefined ? {} : method === 'DismissBanner' ? { bannerId: ids[key] } : { unreadNotificationId: ids[key] };
      const request = { accountId: account, userId: user, ...target };
      await expectGrpcError(grpc.call(method, request, someoneElses), status.PERMISSION_DENIED);
      await expect(grpc.call(method, request, mine)).resolves.toBeDefined();
    });
  },
);
