import { status } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { GRPC_PROTOS, PROTO_LOADER_OPTIONS, PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectAstraProblem } from '../support/astra-schema';
import { createEvent } from '../support/astra-events';
import { HS256_MINTER, TokenMinter } from '../support/auth';
import { oidcMinter } from '../support/oidc-issuer';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';
import { CD_INTAKE_ENV, cdFixtures, fluxSignature, postArgocd, postGitlab } from '../support/cd-intake';
import { CLOUDEVENTS_PATH, conformanceExamples, structured, withFreshId } from '../support/intake';
import { fingerprint, freshAlerts, freshPagerDuty, INCIDENT_ENV, pagerDutySignature, postAlertmanager } from '../support/incident-intake';
import { openSse } from '../support/sse-client';
import { grpcVerdict, restVerdict, TRACKER_CALLERS, trackerGrpcRoles, trackerHeaders, trackerVerdict } from '../support/tracker-roles';
import type { TrackerRole } from '../../src/auth/tracker-roles';
import { DEFAULT_INGEST_ENVIRONMENTS } from '../../src/platform/config/env.schema';

/*
 * The auth tables of every Astra route and gRPC method (401 problems/3 and /4, 403 problems/11 by account and
 * role, then exactly the success status) and of TRACKER_AUTH need no store: they are the controller specs
 * beside each controller. What stays here is the rule the services enforce on real records: a user path names
 * the caller's own user only. Another user's token, even the account owner's, is 403 problems/11 or
 * PERMISSION_DENIED before any lookup; the user's own token gets exactly the operation's success status.
 * The same table runs over every kind of token the service accepts: HS256 (AUTH_JWT_SECRET) and OIDC (a local
 * issuer's RS256 and ES256 tokens, roles from its groups claim), each against an app that trusts it.
 * Both tables are checked against what the app serves: a user path of the OpenAPI document, or a gRPC method
 * whose request names a user, without a row fails the run, named.
 */

const account = randomUUID();
const user = randomUUID();
const group = randomUUID();
const A = `/accounts/${account}/core/v1`;
const MINTERS: TokenMinter[] = [HS256_MINTER, oidcMinter('RS256'), oidcMinter('ES256')];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation of an OpenAPI document as `METHOD /path`, with its x-tracker-role when it has one. */
function operationsOf(doc: { paths: Record<string, Record<string, { 'x-tracker-role'?: string }>> }): [string, string | undefined][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((m) => item[m]).map((m): [string, string | undefined] => [`${m.toUpperCase()} ${path}`, item[m]['x-tracker-role']]),
  );
}

/** The gRPC methods the app serves (GRPC_PROTOS) whose request message has a `user_id` field, as `Method`. */
function grpcUserMethods(): string[] {
  const definition = protoLoader.loadSync(
    GRPC_PROTOS.map((p) => p.file),
    { ...PROTO_LOADER_OPTIONS, keepCase: true },
  );
  const served = new Set(GRPC_PROTOS.flatMap((p) => p.services));
  return Object.entries(definition)
    .filter(([name]) => served.has(name))
    .flatMap(([, service]) => Object.entries(service as protoLoader.ServiceDefinition))
    .filter(([, method]) => (method.requestType.type as { field: { name: string }[] }).field.some((f) => f.name === 'user_id'))
    .map(([name]) => name);
}

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

    const REST_ROWS: [string, string, number][] = [
      ['GET', 'users/{user}/unreadNotifications', 200],
      ['GET', 'users/{user}/unreadNotifications/{readOne}', 200],
      ['DELETE', 'users/{user}/unreadNotifications/{markRest}', 204],
      ['GET', 'groups/{group}/users/{user}/unreadNotifications', 200],
      ['GET', 'groups/{group}/users/{user}/unreadNotifications/{readOne}', 200],
      ['DELETE', 'groups/{group}/users/{user}/unreadNotifications/{markGroup}', 204],
      ['GET', 'users/{user}/banners', 200],
      ['DELETE', 'users/{user}/banners/{dismissRest}', 204],
    ];
    /** The user's own notifications or banners, by id, as REST lists them. */
    const listed = async (path: string) =>
      (await http('GET', `${app.http}${A}/users/${user}/${path}`, { headers: mine })).body.items.map(
        (i: { id: string }) => i.id,
      ) as string[];
    const GRPC_ROWS: [string, keyof Ids | undefined, () => Promise<unknown>][] = [
      [
        'ListUnreadNotifications',
        undefined,
        async () => expect.objectContaining({ items: (await listed('unreadNotifications')).map((id) => expect.objectContaining({ id })) }),
      ],
      ['GetUnreadNotification', 'readOne', async () => expect.objectContaining({ id: ids.readOne })],
      ['MarkNotificationRead', 'markGrpc', async () => ({})],
      [
        'ListBanners',
        undefined,
        async () => expect.objectContaining({ items: (await listed('banners')).map((id) => expect.objectContaining({ id })) }),
      ],
      ['DismissBanner', 'dismissGrpc', async () => ({})],
    ];

    it('has a row for every user path the app serves (REST and gRPC)', async () => {
      const served = (await http('GET', `${app.http}/docs-json`)).body;
      const userPaths = operationsOf(served)
        .map(([operation]) => operation)
        .filter((operation) => operation.includes('{user_id}'));
      const rows = REST_ROWS.map(
        ([method, template]) =>
          `${method} ${A.replace(account, '{account_id}')}/${template.replace('{user}', '{user_id}').replace('{group}', '{group_id}')}`,
      );
      // A row's id placeholder names the resource it uses; the document names the parameter.
      const shape = (operation: string) => operation.replace(/\{\w+\}/g, '{}');
      // What the app serves (received) against the rows (expected): a `+` line is a user path without a row.
      expect({ rest: userPaths.map(shape).sort(), grpc: grpcUserMethods().sort() }).toEqual({
        rest: rows.map(shape).sort(),
        grpc: GRPC_ROWS.map(([method]) => method).sort(),
      });
    });

    it.each(REST_ROWS)('REST %s %s: 403 problems/11 for another user, %d for the user', async (method, template, success) => {
      const url = `${app.http}${A}/${template.replace(/\{(\w+)\}/g, (_, key: string) => (key === 'user' ? user : key === 'group' ? group : ids[key as keyof Ids]))}`;
      expectAstraProblem(await http(method, url, { headers: someoneElses }), 11);
      expect((await http(method, url, { headers: mine })).status).toBe(success);
    });

    it.each(GRPC_ROWS)('gRPC %s: PERMISSION_DENIED for another user, OK for the user', async (method, key, answer) => {
      const target = key === undefined ? {} : method === 'DismissBanner' ? { bannerId: ids[key] } : { unreadNotificationId: ids[key] };
      const request = { accountId: account, userId: user, ...target };
      await expectGrpcError(grpc.call(method, request, someoneElses), status.PERMISSION_DENIED);
      // What the user's own REST list says now (a list), the resource asked for, or the empty answer of a mark.
      const expected = await answer();
      expect(await grpc.call(method, request, mine)).toEqual(expected);
    });
  },
);

/*
 * Tracker roles (TRACKER_AUTH=required): every tracker REST route and gRPC method, called with no token and
 * with a reader, a writer and an admin token. Below the operation's role: 401 without a token, 403
 * urn:tracker:problems:forbidden naming the role (PERMISSION_DENIED on gRPC); from it up: exactly the
 * operation's success. Each call gets fresh resources where it consumes one (a deleted event, an own lock).
 * The GitHub webhook is not here: its signature authenticates it (test/intake/intake-github.e2e-spec.ts). The
 * incident webhooks (PagerDuty, Alertmanager) and the CD tools' webhooks (GitLab, Flux, Argo CD) have rows of their
 * own below: no Tracker role, their own secret, never a tracker token.
 * The rows are checked against what the app declares: every operation of its OpenAPI document with an
 * x-tracker-role and every gRPC handler with a @RequireTrackerRole() has a row naming the same role, so a new
 * route or method without one fails the run, named.
 */
describe('auth matrix: tracker roles over every tracker route and method', () => {
  const API = '/api/v1alpha1';
  let app: TestApp;
  const clients: Record<'event' | 'lock' | 'change' | 'insights' | 'incident' | 'freeze' | 'deployability', UnaryClient> = {} as never;
  const admin = trackerHeaders('admin');
  let eventId: string;
  let incidentId: string;
  let adminLock: string;
  let adminFreeze: string;
  const url = (path: string) => `${app.http}${API}${path}`;
  const unique = () => `matrix-${randomUUID().slice(0, 8)}`;
  const newEvent = async () =>
    (await http('POST', url('/event'), { headers: admin, body: { title: 'x', attributes: { type: 5, service: 'matrix' } } })).body
      .id as string;
  /** A lock held by the caller when it may hold one, else by the admin (the call is refused before it matters). */
  const lockFor = async (headers: Record<string, string>, allowed: boolean) =>
    (await http('POST', url('/locks'), { headers: allowed ? headers : admin, body: { service: unique(), environment: 7 } })).body
      .id as string;
  /** A ticket in a fresh key's line (held for another owner), the caller's when it may queue, else one the admin queued. */
  const ticketFor = async (headers: Record<string, string>, allowed: boolean) => {
    const service = unique();
    await http('POST', url('/locks'), { headers: admin, body: { service, environment: 7, owner: 'matrix-holder' } });
    const body = allowed ? { service, environment: 7, wait: true } : { service, environment: 7, wait: true, owner: 'matrix-waiter' };
    return (await http('POST', url('/locks'), { headers: allowed ? headers : admin, body })).body.ticketId as string;
  };

  const FREEZE = { name: 'matrix', services: ['matrix'], start: '2031-01-01T00:00:00Z', end: '2031-01-02T00:00:00Z' };
  const newFreeze = async () => (await http('POST', url('/freezes'), { headers: admin, body: FREEZE })).body.id as string;
  /** A one-event calendar with a fresh UID each time, so every accepted import creates a freeze. */
  const freshCalendar = () =>
    [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'BEGIN:VEVENT',
      `UID:${randomUUID()}`,
      'DTSTART;VALUE=DATE:20310101',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');

  /** A CDEvent of its own each time (a fresh id and subject), so every accepted one records a new incident: 201. */
  const freshIncident = () => {
    const cdevent = withFreshId(conformanceExamples().find((e) => e.file === 'incident_detected.json')!.cdevent);
    cdevent.subject.id = randomUUID();
    return JSON.stringify(structured(cdevent));
  };
  type Call = (headers: Record<string, string>, allowed: boolean) => Promise<{ status: number; body: any } | undefined>;
  /** REST rows: [method and path, role, call, success status]. */
  const REST: [string, TrackerRole, Call, number][] = [
    [
      'POST /event',
      'writer',
      (h) => http('POST', url('/event'), { headers: h, body: { title: 't', attributes: { type: 1, service: 'matrix' } } }),
      200,
    ],
    ['PUT /event', 'writer', (h) => http('PUT', url('/event'), { headers: h, body: { id: eventId, title: randomUUID() } }), 200],
    ['GET /event/{id}', 'reader', (h) => http('GET', url(`/event/${eventId}`), { headers: h }), 200],
    ['DELETE /event/{id}', 'admin', async (h) => http('DELETE', url(`/event/${await newEvent()}`), { headers: h }), 200],
    ['GET /event/{id}/changelog', 'reader', (h) => http('GET', url(`/event/${eventId}/changelog`), { headers: h }), 200],
    ['GET /event/{id}/notifications', 'reader', (h) => http('GET', url(`/event/${eventId}/notifications`), { headers: h }), 200],
    ['GET /events/list', 'reader', (h) => http('GET', url('/events/list'), { headers: h }), 200],
    ['GET /events/search', 'reader', (h) => http('GET', url('/events/search?service=matrix'), { headers: h }), 200],
    ['GET /events/today', 'reader', (h) => http('GET', url('/events/today'), { headers: h }), 200],
    ['GET /events/stats', 'reader', (h) => http('GET', url('/events/stats'), { headers: h }), 200],
    ['GET /events/stats/monthly', 'reader', (h) => http('GET', url('/events/stats/monthly'), { headers: h }), 200],
    ['GET /events/overlaps', 'reader', (h) => http('GET', url('/events/overlaps?from=2024-01-01&to=2024-01-02'), { headers: h }), 200],
    [
      'GET /events/stream',
      'reader',
      async (h) => {
        const stream = await openSse(url('/events/stream'), h);
        stream.close();
        return { status: stream.status, body: stream.status === 200 ? {} : JSON.parse(stream.messages[0].data) };
      },
      200,
    ],
    ['POST /locks', 'writer', (h) => http('POST', url('/locks'), { headers: h, body: { service: unique(), environment: 7 } }), 201],
    ['GET /locks', 'reader', (h) => http('GET', url('/locks'), { headers: h }), 200],
    ['GET /locks/{id}', 'reader', (h) => http('GET', url(`/locks/${adminLock}`), { headers: h }), 200],
    [
      'POST /locks/{id}/renew',
      'writer',
      async (h, ok) => http('POST', url(`/locks/${await lockFor(h, ok)}/renew`), { headers: h, body: {} }),
      200,
    ],
    ['DELETE /locks/{id}', 'writer', async (h, ok) => http('DELETE', url(`/locks/${await lockFor(h, ok)}`), { headers: h }), 200],
    ['GET /locks/queue', 'reader', (h) => http('GET', url('/locks/queue?service=matrix&environment=7'), { headers: h }), 200],
    [
      'DELETE /locks/queue/{ticketId}',
      'writer',
      async (h, ok) => http('DELETE', url(`/locks/queue/${await ticketFor(h, ok)}`), { headers: h }),
      200,
    ],
    [
      'POST /changes',
      'writer',
      (h) =>
        http('POST', url('/changes'), {
          headers: h,
          body: { service: 'matrix', sha: randomUUID().replace(/-/g, '').slice(0, 12), mergedAt: '2024-01-01T00:00:00Z' },
        }),
      201,
    ],
    ['GET /changes', 'reader', (h) => http('GET', url('/changes'), { headers: h }), 200],
    [
      'POST /cloudevents',
      'writer',
      (h) =>
        http('POST', `${app.http}${CLOUDEVENTS_PATH}`, {
          raw: freshIncident(),
          headers: { ...h, 'content-type': 'application/cloudevents+json' },
        }),
      201,
    ],
    ['POST /freezes', 'writer', (h) => http('POST', url('/freezes'), { headers: h, body: FREEZE }), 201],
    [
      'POST /freezes/import',
      'writer',
      (h) =>
        http('POST', url('/freezes/import?services=matrix'), { headers: { ...h, 'content-type': 'text/calendar' }, raw: freshCalendar() }),
      200,
    ],
    ['GET /freezes', 'reader', (h) => http('GET', url('/freezes'), { headers: h }), 200],
    [
      'GET /freezes/occurrences',
      'reader',
      (h) => http('GET', url('/freezes/occurrences?from=2027-05-01T00:00:00Z&to=2027-06-01T00:00:00Z'), { headers: h }),
      200,
    ],
    ['GET /freezes/{id}', 'reader', (h) => http('GET', url(`/freezes/${adminFreeze}`), { headers: h }), 200],
    ['DELETE /freezes/{id}', 'writer', async (h) => http('DELETE', url(`/freezes/${await newFreeze()}`), { headers: h }), 200],
    ['GET /deployability', 'reader', (h) => http('GET', url('/deployability?service=matrix&environment=7'), { headers: h }), 200],
    ['GET /insights/dora', 'reader', (h) => http('GET', url('/insights/dora'), { headers: h }), 200],
    ['GET /insights/dora/services', 'reader', (h) => http('GET', url('/insights/dora/services'), { headers: h }), 200],
    ['GET /incidents', 'reader', (h) => http('GET', url('/incidents'), { headers: h }), 200],
    ['GET /incidents/{id}', 'reader', (h) => http('GET', url(`/incidents/${incidentId}`), { headers: h }), 200],
  ];

  type Rpc = (headers: Record<string, string>, allowed: boolean) => Promise<unknown>;
  const GRPC: [string, TrackerRole, Rpc][] = [
    [
      'EventService.CreateEvent',
      'writer',
      (h) => clients.event.call('CreateEvent', { title: 't', attributes: { type: 1, service: 'matrix' } }, h),
    ],
    ['EventService.UpdateEvent', 'writer', (h) => clients.event.call('UpdateEvent', { id: eventId, title: randomUUID() }, h)],
    ['EventService.GetEvent', 'reader', (h) => clients.event.call('GetEvent', { id: eventId }, h)],
    ['EventService.DeleteEvent', 'admin', async (h) => clients.event.call('DeleteEvent', { id: await newEvent() }, h)],
    ['EventService.ListEvents', 'reader', (h) => clients.event.call('ListEvents', {}, h)],
    ['EventService.SearchEvents', 'reader', (h) => clients.event.call('SearchEvents', { service: 'matrix' }, h)],
    ['EventService.TodayEvents', 'reader', (h) => clients.event.call('TodayEvents', {}, h)],
    ['EventService.GetEventChangelog', 'reader', (h) => clients.event.call('GetEventChangelog', { id: eventId }, h)],
    ['EventService.GetEventStats', 'reader', (h) => clients.event.call('GetEventStats', {}, h)],
    ['EventService.GetEventNotifications', 'reader', (h) => clients.event.call('GetEventNotifications', { id: eventId }, h)],
    ['EventService.ListOverlaps', 'reader', (h) => clients.event.call('ListOverlaps', { from: '2024-01-01', to: '2024-01-02' }, h)],
    ['EventService.WatchEvents', 'reader', (h) => clients.event.openStream('WatchEvents', {}, h)],
    ['LockService.AcquireLock', 'writer', (h) => clients.lock.call('AcquireLock', { service: unique(), environment: 7 }, h)],
    ['LockService.RenewLock', 'writer', async (h, ok) => clients.lock.call('RenewLock', { id: await lockFor(h, ok) }, h)],
    ['LockService.ReleaseLock', 'writer', async (h, ok) => clients.lock.call('ReleaseLock', { id: await lockFor(h, ok) }, h)],
    ['LockService.GetLock', 'reader', (h) => clients.lock.call('GetLock', { id: adminLock }, h)],
    ['LockService.ListLocks', 'reader', (h) => clients.lock.call('ListLocks', {}, h)],
    ['LockService.GetLockQueue', 'reader', (h) => clients.lock.call('GetLockQueue', { service: 'matrix', environment: 7 }, h)],
    ['LockService.LeaveLockQueue', 'writer', async (h, ok) => clients.lock.call('LeaveLockQueue', { ticketId: await ticketFor(h, ok) }, h)],
    [
      'ChangeService.CreateChange',
      'writer',
      (h) =>
        clients.change.call(
          'CreateChange',
          { service: 'matrix', sha: randomUUID().replace(/-/g, '').slice(0, 12), mergedAt: '2024-01-01T00:00:00Z' },
          h,
        ),
    ],
    ['ChangeService.ListChanges', 'reader', (h) => clients.change.call('ListChanges', {}, h)],
    ['FreezeService.CreateFreeze', 'writer', (h) => clients.freeze.call('CreateFreeze', FREEZE, h)],
    ['FreezeService.GetFreeze', 'reader', (h) => clients.freeze.call('GetFreeze', { id: adminFreeze }, h)],
    ['FreezeService.ListFreezes', 'reader', (h) => clients.freeze.call('ListFreezes', {}, h)],
    ['FreezeService.DeleteFreeze', 'writer', async (h) => clients.freeze.call('DeleteFreeze', { id: await newFreeze() }, h)],
    [
      'FreezeService.ImportFreezes',
      'writer',
      (h) => clients.freeze.call('ImportFreezes', { calendar: Buffer.from(freshCalendar()), services: ['matrix'] }, h),
    ],
    ['DeployabilityService.Check', 'reader', (h) => clients.deployability.call('Check', { service: 'matrix', environment: 7 }, h)],
    ['InsightsService.GetDora', 'reader', (h) => clients.insights.call('GetDora', {}, h)],
    ['InsightsService.ListDoraByService', 'reader', (h) => clients.insights.call('ListDoraByService', {}, h)],
    ['IncidentService.ListIncidents', 'reader', (h) => clients.incident.call('ListIncidents', {}, h)],
    ['IncidentService.GetIncident', 'reader', (h) => clients.incident.call('GetIncident', { id: incidentId }, h)],
  ];

  beforeAll(async () => {
    app = await startTestApp({
      env: {
        TRACKER_AUTH: 'required',
        RATE_LIMIT_PER_MINUTE: '1000000',
        INGEST_ENVIRONMENTS: `${DEFAULT_INGEST_ENVIRONMENTS},test123=2,prod1=7`,
        ...INCIDENT_ENV,
        ...CD_INTAKE_ENV,
      },
    });
    const proto = (name: string) => join(PROTO_ROOT, `tracker/${name}/v1alpha1/${name}.proto`);
    clients.event = grpcClient(app.grpc, proto('event'), 'tracker.event.v1alpha1.EventService');
    clients.lock = grpcClient(app.grpc, proto('lock'), 'tracker.lock.v1alpha1.LockService');
    clients.change = grpcClient(app.grpc, proto('change'), 'tracker.change.v1alpha1.ChangeService');
    clients.insights = grpcClient(app.grpc, proto('insights'), 'tracker.insights.v1alpha1.InsightsService');
    clients.incident = grpcClient(app.grpc, proto('incident'), 'tracker.incident.v1alpha1.IncidentService');
    clients.freeze = grpcClient(app.grpc, proto('freeze'), 'tracker.freeze.v1alpha1.FreezeService');
    clients.deployability = grpcClient(app.grpc, proto('freeze'), 'tracker.freeze.v1alpha1.DeployabilityService');
    eventId = await newEvent();
    incidentId = (
      await http('POST', url('/event'), { headers: admin, body: { title: 'down', attributes: { type: 4, service: 'matrix', status: 7 } } })
    ).body.id as string;
    adminLock = await lockFor(admin, true);
    adminFreeze = await newFreeze();
  });
  afterAll(async () => {
    for (const client of Object.values(clients)) client.close();
    await app?.close();
  });

  it('has a row for every tracker route and gRPC method the app serves, with the role each declares', async () => {
    const served = (await http('GET', `${app.http}/docs-json`)).body;
    const declared = operationsOf(served)
      .filter(([, role]) => role !== undefined)
      .map(([operation, role]) => `${operation.replace(API, '')} needs ${role}`);
    const methods = Object.entries(trackerGrpcRoles(app.tracker.app)).map(([method, role]) => `${method} needs ${role}`);
    // What the app serves (received) against the rows (expected): a `+` line is a route or method without a row.
    expect({ rest: declared.sort(), grpc: methods.sort() }).toEqual({
      rest: REST.map(([route, role]) => `${route} needs ${role}`).sort(),
      grpc: GRPC.map(([method, role]) => `${method} needs ${role}`).sort(),
    });
  });

  /**
   * The CD tools' webhooks declare no Tracker role: whatever Tracker token a caller holds, only the tool's own
   * secret is checked (a Tracker admin token without it: 401 invalid-signature; the secret without any Tracker
   * token: taken). For Argo CD the Tracker token sits where its bearer token goes, and is refused as a wrong one.
   */
  const deployment = JSON.stringify({ ...cdFixtures('gitlab').get('deployment-running.json'), deployment_id: 990_001 });
  const fluxBody = JSON.stringify(cdFixtures('flux').get('helmrelease-install-failed.json'));
  const argoBody = JSON.stringify({
    application: 'matrix',
    operationPhase: 'Running',
    healthStatus: 'Progressing',
    environment: 'production',
  });
  const WEBHOOKS: [string, (tracker: Record<string, string>, secret: boolean) => Promise<{ status: number; body: any }>][] = [
    [
      'POST /webhooks/gitlab',
      (h, secret) => postGitlab(app.http, 'Deployment Hook', deployment, { token: secret ? undefined : null, headers: h }),
    ],
    [
      'POST /webhooks/flux',
      (h, secret) =>
        http('POST', url('/webhooks/flux'), {
          raw: fluxBody,
          headers: { 'content-type': 'application/json', ...h, ...(secret ? { 'x-signature': fluxSignature(fluxBody) } : {}) },
        }),
    ],
    [
      'POST /webhooks/argocd',
      (h, secret) =>
        secret
          ? postArgocd(app.http, argoBody)
          : http('POST', url('/webhooks/argocd'), { raw: argoBody, headers: { 'content-type': 'application/json', ...h } }),
    ],
  ];
  it.each(WEBHOOKS)('REST %s needs no Tracker role, only its own secret', async (_route, send) => {
    const seen: string[] = [];
    for (const caller of TRACKER_CALLERS) seen.push(`${caller}: ${(await send(trackerHeaders(caller), false)).status}`);
    expect(seen).toEqual(TRACKER_CALLERS.map((c) => `${c}: 401`));
    expect([200, 201]).toContain((await send({}, true)).status);
  });

  it.each(REST)('REST %s needs %s', async (_route, role, send, success) => {
    const seen: string[] = [];
    for (const caller of TRACKER_CALLERS) {
      const expected = trackerVerdict(caller, role);
      const res = (await send(trackerHeaders(caller), expected === 'allowed'))!;
      const verdict = restVerdict(res, role);
      seen.push(`${caller}: ${verdict === 'allowed' ? res.status : verdict}`);
    }
    expect(seen).toEqual(TRACKER_CALLERS.map((c) => `${c}: ${trackerVerdict(c, role) === 'allowed' ? success : trackerVerdict(c, role)}`));
  });

  /**
   * Webhooks authenticated by their own secret (TRACKER_AUTH=required asks them for no tracker token): with it,
   * every caller gets the success status whatever tracker token it adds; without it, every caller's tracker token
   * (an admin's included) is refused 401.
   */
  const SIGNED: [
    string,
    (tracker: Record<string, string>) => Promise<{ status: number }>,
    (tracker: Record<string, string>) => Promise<{ status: number }>,
    number,
  ][] = [
    [
      'POST /webhooks/pagerduty',
      (h) => {
        const body = JSON.stringify(freshPagerDuty('pagerduty/incident.triggered.json', `M${randomUUID().slice(0, 8)}`));
        return http('POST', url('/webhooks/pagerduty'), {
          raw: body,
          headers: { ...h, 'content-type': 'application/json', 'x-pagerduty-signature': pagerDutySignature(body) },
        });
      },
      (h) =>
        http('POST', url('/webhooks/pagerduty'), {
          raw: JSON.stringify(freshPagerDuty('pagerduty/incident.triggered.json', `M${randomUUID().slice(0, 8)}`)),
          headers: { ...h, 'content-type': 'application/json' },
        }),
      201,
    ],
    [
      'POST /webhooks/alertmanager',
      // The Authorization header carries the Alertmanager token itself: there is no room for a tracker token.
      () => postAlertmanager(app.http, JSON.stringify(freshAlerts('alertmanager/firing.json', [fingerprint(), fingerprint()]))),
      (h) =>
        http('POST', url('/webhooks/alertmanager'), {
          raw: JSON.stringify(freshAlerts('alertmanager/firing.json', [fingerprint(), fingerprint()])),
          headers: { ...h, 'content-type': 'application/json' },
        }),
      200,
    ],
  ];

  it.each(SIGNED)('REST %s: its own secret, never a tracker token', async (_route, signed, trackerOnly, success) => {
    const seen: string[] = [];
    for (const caller of TRACKER_CALLERS) {
      seen.push(`${caller} + secret: ${(await signed(trackerHeaders(caller))).status}`);
      seen.push(`${caller} alone: ${(await trackerOnly(trackerHeaders(caller))).status}`);
    }
    expect(seen).toEqual(TRACKER_CALLERS.flatMap((c) => [`${c} + secret: ${success}`, `${c} alone: 401`]));
  });

  it.each(GRPC)('gRPC %s needs %s', async (_method, role, send) => {
    const seen: string[] = [];
    for (const caller of TRACKER_CALLERS) {
      const expected = trackerVerdict(caller, role);
      const err = await send(trackerHeaders(caller), expected === 'allowed').then(
        () => undefined,
        (e: unknown) => e,
      );
      seen.push(
        `${caller}: ${err === undefined ? 'OK' : grpcVerdict(err, role) === 'allowed' ? String((err as Error).message) : grpcVerdict(err, role)}`,
      );
    }
    expect(seen).toEqual(TRACKER_CALLERS.map((c) => `${c}: ${trackerVerdict(c, role) === 'allowed' ? 'OK' : trackerVerdict(c, role)}`));
  });
});
