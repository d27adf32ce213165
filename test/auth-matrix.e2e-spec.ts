import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Role } from '../src/common/auth/roles';
import { PROTO_ROOT } from '../src/grpc/grpc.options';
import { startTestApp, TestApp } from './support/app-harness';
import { expectAstraProblem } from './support/astra-schema';
import { sampleEvent } from './support/astra-events';
import { GARBAGE_TOKEN, mintToken } from './support/auth';
import { expectGrpcError, grpcClient, UnaryClient } from './support/grpc-client';
import { http } from './support/http';

/*
 * Every Astra route and gRPC method against every way a caller can be wrong: no token (problems/3), not a JWT,
 * malformed claims, another secret, expired (problems/4), an account the token does not name, too low a role,
 * another user's unread notifications and banners (problems/11). Auth runs before any lookup, so the ids in
 * the paths need not exist. Then TRACKER_AUTH: off keeps the tracker API open; required protects REST and gRPC.
 */

const account = randomUUID();
const otherAccount = randomUUID();
const user = randomUUID();
const someone = randomUUID();
const id = randomUUID();

interface Route {
  method: string;
  path: string;
  /** lowest role that passes auth */
  minRole: Role;
  /** the path names a user: only that user (the token's sub) may use it */
  ownUser?: boolean;
  body?: unknown;
}

const A = `/accounts/${account}/core/v1`;
const ROUTES: Route[] = [
  { method: 'GET', path: `${A}/events`, minRole: 'viewer' },
  { method: 'GET', path: `${A}/events/${id}`, minRole: 'viewer' },
  { method: 'POST', path: `${A}/events`, minRole: 'admin', body: sampleEvent() },
  { method: 'GET', path: `${A}/notifications`, minRole: 'viewer' },
  { method: 'GET', path: `${A}/notifications/${id}`, minRole: 'viewer' },
  { method: 'GET', path: `${A}/users/${user}/unreadNotifications`, minRole: 'viewer', ownUser: true },
  { method: 'GET', path: `${A}/users/${user}/unreadNotifications/${id}`, minRole: 'viewer', ownUser: true },
  { method: 'DELETE', path: `${A}/users/${user}/unreadNotifications/${id}`, minRole: 'viewer', ownUser: true },
  { method: 'GET', path: `${A}/groups/${randomUUID()}/users/${user}/unreadNotifications`, minRole: 'viewer', ownUser: true },
  { method: 'DELETE', path: `${A}/groups/${randomUUID()}/users/${user}/unreadNotifications/${id}`, minRole: 'viewer', ownUser: true },
  { method: 'GET', path: `${A}/banners`, minRole: 'viewer' },
  { method: 'GET', path: `${A}/users/${user}/banners`, minRole: 'viewer', ownUser: true },
  { method: 'DELETE', path: `${A}/users/${user}/banners/${id}`, minRole: 'viewer', ownUser: true },
];

const ROLES: Role[] = ['viewer', 'member', 'admin', 'owner'];
const below = (role: Role) => ROLES.slice(0, ROLES.indexOf(role));

/** [case name, Authorization header or none, expected problem number] for the token failures. */
function tokenCases(): [string, string | undefined, number][] {
  return [
    ['no token', undefined, 3],
    ['another scheme', 'Basic dXNlcjpwYXNz', 3],
    ['not a JWT', GARBAGE_TOKEN, 4],
    ['malformed claims', `Bearer ${mintToken({ [account]: 'owner' }, { malformedClaims: true })}`, 4],
    ['bad signature', `Bearer ${mintToken({ [account]: 'owner' }, { user, badSignature: true })}`, 4],
    ['expired', `Bearer ${mintToken({ [account]: 'owner' }, { user, expired: true })}`, 4],
    ['other account', `Bearer ${mintToken({ [otherAccount]: 'owner' }, { user })}`, 11],
  ];
}

describe('auth matrix: Astra REST routes', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  const send = (route: Route, authorization?: string) =>
    http(route.method, `${app.http}${route.path}`, { body: route.body, headers: authorization ? { authorization } : {} });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path.replace(account, '{account}')}`, r] as const))('%s', async (_name, route) => {
    for (const [name, authorization, problem] of tokenCases()) {
      const res = await send(route, authorization);
      try {
        expectAstraProblem(res, problem);
      } catch (err) {
        throw new Error(`${name}: ${(err as Error).message}`);
      }
    }
    for (const role of below(route.minRole)) {
      expectAstraProblem(await send(route, `Bearer ${mintToken({ [account]: role }, { user })}`), 11);
    }
    if (route.ownUser) {
      // another user's unread notifications / banners, even as owner of the account
      expectAstraProblem(await send(route, `Bearer ${mintToken({ [account]: 'owner' }, { user: someone })}`), 11);
    }
    // the right token passes auth: whatever comes next (200, 201, 404 for the made-up id) is not 401/403
    const ok = await send(route, `Bearer ${mintToken({ [account]: route.minRole }, { user })}`);
    expect([401, 403]).not.toContain(ok.status);
  });
});

interface RpcCase {
  service: 'event' | 'notification';
  method: string;
  request: Record<string, unknown>;
  minRole: Role;
  ownUser?: boolean;
}

const RPCS: RpcCase[] = [
  { service: 'event', method: 'ListEvents', request: { accountId: account }, minRole: 'viewer' },
  { service: 'event', method: 'GetEvent', request: { accountId: account, eventId: id }, minRole: 'viewer' },
  { service: 'event', method: 'CreateEvent', request: { accountId: account, event: { ...sampleEvent(), resourceID: undefined, resourceId: randomUUID() } }, minRole: 'admin' },
  { service: 'notification', method: 'ListNotifications', request: { accountId: account }, minRole: 'viewer' },
  { service: 'notification', method: 'GetNotification', request: { accountId: account, notificationId: id }, minRole: 'viewer' },
  { service: 'notification', method: 'ListUnreadNotifications', request: { accountId: account, userId: user }, minRole: 'viewer', ownUser: true },
  { service: 'notification', method: 'GetUnreadNotification', request: { accountId: account, userId: user, unreadNotificationId: id }, minRole: 'viewer', ownUser: true },
  { service: 'notification', method: 'MarkNotificationRead', request: { accountId: account, userId: user, unreadNotificationId: id }, minRole: 'viewer', ownUser: true },
  { service: 'notification', method: 'ListBanners', request: { accountId: account }, minRole: 'viewer' },
  { service: 'notification', method: 'ListBanners', request: { accountId: account, userId: user }, minRole: 'viewer', ownUser: true },
  { service: 'notification', method: 'DismissBanner', request: { accountId: account, userId: user, bannerId: id }, minRole: 'viewer', ownUser: true },
];

const GRPC_CODE: Record<number, status> = { 3: status.UNAUTHENTICATED, 4: status.UNAUTHENTICATED, 11: status.PERMISSION_DENIED };

describe('auth matrix: Astra gRPC methods', () => {
  let app: TestApp;
  let clients: Record<RpcCase['service'], UnaryClient>;
  beforeAll(async () => {
    app = await startTestApp();
    clients = {
      event: grpcClient(app.grpc, join(PROTO_ROOT, 'astra/core/v1/event.proto'), 'astra.core.v1.EventService'),
      notification: grpcClient(app.grpc, join(PROTO_ROOT, 'astra/core/v1/notification.proto'), 'astra.core.v1.NotificationService'),
    };
  });
  afterAll(async () => {
    Object.values(clients ?? {}).forEach((c) => c.close());
    await app?.close();
  });

  it.each(RPCS.map((r) => [`${r.method}${r.ownUser ? ' (user)' : ''}`, r] as const))('%s', async (_name, rpc) => {
    const call = (authorization?: string) => clients[rpc.service].call(rpc.method, rpc.request, authorization ? { authorization } : {});
    for (const [name, authorization, problem] of tokenCases()) {
      try {
        await expectGrpcError(call(authorization), GRPC_CODE[problem]);
      } catch (err) {
        throw new Error(`${name}: ${(err as Error).message}`);
      }
    }
    for (const role of below(rpc.minRole)) {
      await expectGrpcError(call(`Bearer ${mintToken({ [account]: role }, { user })}`), status.PERMISSION_DENIED);
    }
    if (rpc.ownUser) await expectGrpcError(call(`Bearer ${mintToken({ [account]: 'owner' }, { user: someone })}`), status.PERMISSION_DENIED);
    const outcome = await call(`Bearer ${mintToken({ [account]: rpc.minRole }, { user })}`).then(
      () => status.OK,
      (err: { code: status }) => err.code,
    );
    expect([status.UNAUTHENTICATED, status.PERMISSION_DENIED]).not.toContain(outcome);
  });
});

const TRACKER_EVENT = { title: 'Deploy', attributes: { type: 1, service: 'auth-matrix' } };

describe('TRACKER_AUTH', () => {
  const anyToken = () => `Bearer ${mintToken({})}`;

  it('off (the default): the tracker API needs no token, as in the seed guide', async () => {
    const app = await startTestApp();
    try {
      const created = await http('POST', `${app.http}/api/v1alpha1/event`, { body: TRACKER_EVENT });
      expect(created.status).toBe(200);
      expect((await http('GET', `${app.http}/api/v1alpha1/event/${created.body.id}`)).status).toBe(200);
      const grpc = grpcClient(app.grpc, join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto'), 'tracker.event.v1alpha1.EventService');
      await expect(grpc.call('GetEvent', { id: created.body.id })).resolves.toMatchObject({ id: created.body.id });
      grpc.close();
    } finally {
      await app.close();
    }
  });

  describe('required', () => {
    let app: TestApp;
    let grpc: UnaryClient;
    let eventId: string;
    beforeAll(async () => {
      app = await startTestApp({ env: { TRACKER_AUTH: 'required' } });
      grpc = grpcClient(app.grpc, join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto'), 'tracker.event.v1alpha1.EventService');
      const created = await http('POST', `${app.http}/api/v1alpha1/event`, { body: TRACKER_EVENT, headers: { authorization: anyToken() } });
      expect(created.status).toBe(200);
      eventId = created.body.id;
    });
    afterAll(async () => {
      grpc?.close();
      await app?.close();
    });

    const restRoutes = (): [string, string, unknown?][] => [
      ['POST', '/api/v1alpha1/event', TRACKER_EVENT],
      ['PUT', '/api/v1alpha1/event', { id: eventId, title: 'Deploy (updated)' }],
      ['GET', `/api/v1alpha1/event/${eventId}`],
      ['GET', `/api/v1alpha1/event/${eventId}/changelog`],
      ['GET', `/api/v1alpha1/event/${eventId}/notifications`],
      ['GET', '/api/v1alpha1/events/list'],
      ['GET', '/api/v1alpha1/events/search?service=auth-matrix'],
      ['GET', '/api/v1alpha1/events/today'],
      ['GET', '/api/v1alpha1/events/stats'],
      ['GET', '/api/v1alpha1/events/stats/monthly'],
      ['GET', '/api/v1alpha1/events/overlaps?from=2024-01-01&to=2024-01-02'],
      ['DELETE', `/api/v1alpha1/event/${randomUUID().replace(/-/g, '').slice(0, 24)}`],
    ];

    it('REST: 401 without a token or with a bad one (Tracker problem types), any valid token passes', async () => {
      const bad: [string | undefined, string][] = [
        [undefined, 'unauthenticated'],
        [GARBAGE_TOKEN, 'invalid-token'],
        [`Bearer ${mintToken({}, { expired: true })}`, 'invalid-token'],
        [`Bearer ${mintToken({}, { badSignature: true })}`, 'invalid-token'],
        [`Bearer ${mintToken({}, { malformedClaims: true })}`, 'invalid-token'],
      ];
      for (const [method, path, body] of restRoutes()) {
        for (const [authorization, slug] of bad) {
          const res = await http(method, `${app.http}${path}`, { body, headers: authorization ? { authorization } : {} });
          expect({ method, path, status: res.status, type: res.body.type }).toEqual({ method, path, status: 401, type: `urn:tracker:problems:${slug}` });
          expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        }
        const ok = await http(method, `${app.http}${path}`, { body, headers: { authorization: anyToken() } });
        // DELETE of an id that does not exist: 404 after auth
        expect({ method, path, status: ok.status }).toEqual({ method, path, status: method === 'DELETE' ? 404 : 200 });
      }
      // health, metrics and docs stay open
      expect((await http('GET', `${app.http}/health/live`)).status).toBe(200);
      expect((await http('GET', `${app.http}/metrics`)).status).toBe(200);
    });

    it('gRPC: UNAUTHENTICATED without a valid token on every tracker method, any valid token passes', async () => {
      const methods: [string, Record<string, unknown>][] = [
        ['CreateEvent', TRACKER_EVENT],
        ['UpdateEvent', { id: eventId, title: 'Deploy (grpc)' }],
        ['GetEvent', { id: eventId }],
        ['GetEventChangelog', { id: eventId }],
        ['GetEventNotifications', { id: eventId }],
        ['ListEvents', {}],
        ['SearchEvents', { service: 'auth-matrix' }],
        ['TodayEvents', {}],
        ['GetEventStats', {}],
        ['ListOverlaps', { from: '2024-01-01', to: '2024-01-02' }],
        ['DeleteEvent', { id: 'ffffffffffffffffffffffff' }],
      ];
      for (const [method, request] of methods) {
        for (const authorization of [undefined, GARBAGE_TOKEN, `Bearer ${mintToken({}, { expired: true })}`, `Bearer ${mintToken({}, { badSignature: true })}`]) {
          await expectGrpcError(grpc.call(method, request, authorization ? { authorization } : {}), status.UNAUTHENTICATED).catch((err: Error) => {
            throw new Error(`${method} with ${authorization ?? 'no token'}: ${err.message}`);
          });
        }
        const outcome = await grpc.call(method, request, { authorization: anyToken() }).then(
          () => status.OK,
          (err: { code: status }) => err.code,
        );
        expect({ method, outcome }).toEqual({ method, outcome: method === 'DeleteEvent' ? status.NOT_FOUND : status.OK });
      }
    });

    it('leaves the Astra routes to their own account checks', async () => {
      const res = await http('GET', `${app.http}${A}/events`, { headers: { authorization: anyToken() } });
      expectAstraProblem(res, 11);
    });
  });
});
