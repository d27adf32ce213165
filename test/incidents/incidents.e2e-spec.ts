import { status } from '@grpc/grpc-js';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';

/*
 * Incidents over real HTTP and gRPC: deployments and type-4 events posted through POST /event (sources given
 * as attributes.source, as the intakes write them), then the list, one incident, the filters, the order, and
 * linking and unlinking through the existing PUT /event (REST) and EventService/UpdateEvent (gRPC).
 *
 *   D1 pay Success   01-10 10:00, ended 10:10
 *   D2 pay Warning   01-10 12:00 (no end: finished at its start)
 *   D3 pay Failure   01-10 13:00 (failed: never suspected)
 *   I1 pay pagerduty    open       01-10 14:00              -> suspected D2 (last finished fine within 240 min)
 *   I2 pay alertmanager closed     01-10 15:00 .. 16:00     -> linked D1 (relatedId), fixed by H1, 3600 s
 *   H1 pay Success   01-10 15:30, relatedId I2 (a hotfix)
 *   I3 pay grafana      closed     01-11 12:00 .. 12:30     -> nothing within 240 min before: no cause
 *   I4 web github       open       01-12 00:00              -> source tracker; no deployment of web
 *   I5 pay tracker      Done       01-09 00:00, env 6       -> pre-production
 */

const API = '/api/v1alpha1';
const at = (iso: string) => `2025-${iso}Z`;

describe('incidents: list, one, filters, order, link and unlink (REST and gRPC)', () => {
  let app: TestApp;
  let incidents: UnaryClient;
  let events: UnaryClient;
  const ids: Record<string, string> = {};

  const post = async (name: string, attributes: Record<string, unknown>) => {
    const res = await http('POST', `${app.http}${API}/event`, { body: { title: name, attributes } });
    expect(res.status).toBe(200);
    ids[name] = res.body.id as string;
  };
  const list = async (query = '') => {
    const res = await http('GET', `${app.http}${API}/incidents${query}`);
    expect(res.status).toBe(200);
    return res.body as { incidents: { id: string; title: string }[]; totalCount: number; page: number; perPage: number };
  };
  const titles = async (query = '') => (await list(query)).incidents.map((i) => i.title);
  const one = async (name: string) => {
    const res = await http('GET', `${app.http}${API}/incidents/${ids[name]}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
    incidents = grpcClient(
      app.grpc,
      join(PROTO_ROOT, 'tracker/incident/v1alpha1/incident.proto'),
      'tracker.incident.v1alpha1.IncidentService',
    );
    events = grpcClient(app.grpc, join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto'), 'tracker.event.v1alpha1.EventService');
    const deployment = (name: string, startDate: string, s: number, more: Record<string, unknown> = {}) =>
      post(name, { type: 1, service: 'pay', environment: 7, status: s, startDate: at(startDate), ...more });
    await deployment('D1', '01-10T10:00:00', 3, { endDate: at('01-10T10:10:00') });
    await deployment('D2', '01-10T12:00:00', 5);
    await deployment('D3', '01-10T13:00:00', 4);
    await post('I1', { type: 4, service: 'pay', environment: 7, status: 7, source: 'pagerduty', startDate: at('01-10T14:00:00') });
    await post('I2', {
      type: 4,
      service: 'pay',
      environment: 7,
      status: 8,
      source: 'alertmanager',
      relatedId: ids.D1,
      startDate: at('01-10T15:00:00'),
      endDate: at('01-10T16:00:00'),
    });
    await deployment('H1', '01-10T15:30:00', 3, { relatedId: ids.I2 });
    await post('I3', {
      type: 4,
      service: 'pay',
      environment: 7,
      status: 8,
      source: 'grafana',
      startDate: at('01-11T12:00:00'),
      endDate: at('01-11T12:30:00'),
    });
    await post('I4', { type: 4, service: 'web', environment: 7, status: 7, source: 'github', startDate: at('01-12T00:00:00') });
    await post('I5', {
      type: 4,
      service: 'pay',
      environment: 6,
      status: 9,
      startDate: at('01-09T00:00:00'),
      endDate: at('01-09T00:05:00'),
    });
  });
  afterAll(async () => {
    incidents?.close();
    events?.close();
    await app?.close();
  });

  it('GET /incidents: every field, open first then the newest start first', async () => {
    const page = await list();
    expect(page).toMatchObject({ totalCount: 5, page: 1, perPage: 10 });
    expect(page.incidents).toEqual([
      {
        id: ids.I4,
        title: 'I4',
        service: 'web',
        environment: 7,
        status: 'open',
        source: 'tracker',
        startedAt: '2025-01-12T00:00:00.000Z',
        resolvedAt: null,
        recoverySeconds: null,
        causes: [],
        fixes: [],
      },
      {
        id: ids.I1,
        title: 'I1',
        service: 'pay',
        environment: 7,
        status: 'open',
        source: 'pagerduty',
        startedAt: '2025-01-10T14:00:00.000Z',
        resolvedAt: null,
        recoverySeconds: null,
        causes: [{ deploymentId: ids.D2, how: 'suspected' }],
        fixes: [],
      },
      {
        id: ids.I3,
        title: 'I3',
        service: 'pay',
        environment: 7,
        status: 'resolved',
        source: 'grafana',
        startedAt: '2025-01-11T12:00:00.000Z',
        resolvedAt: '2025-01-11T12:30:00.000Z',
        recoverySeconds: 1800,
        causes: [],
        fixes: [],
      },
      {
        id: ids.I2,
        title: 'I2',
        service: 'pay',
        environment: 7,
        status: 'resolved',
        source: 'alertmanager',
        startedAt: '2025-01-10T15:00:00.000Z',
        resolvedAt: '2025-01-10T16:00:00.000Z',
        recoverySeconds: 3600,
        causes: [{ deploymentId: ids.D1, how: 'linked' }],
        fixes: [{ deploymentId: ids.H1 }],
      },
      {
        id: ids.I5,
        title: 'I5',
        service: 'pay',
        environment: 6,
        status: 'resolved',
        source: 'tracker',
        startedAt: '2025-01-09T00:00:00.000Z',
        resolvedAt: '2025-01-09T00:05:00.000Z',
        recoverySeconds: 300,
        causes: [],
        fixes: [],
      },
    ]);
  });

  it.each([
    ['?environment=7', ['I4', 'I1', 'I3', 'I2']],
    ['?environment=6', ['I5']],
    ['?environment=1', []],
    ['?service=pay&environment=7', ['I1', 'I3', 'I2']],
    ['?status=open', ['I4', 'I1']],
    ['?status=resolved&service=pay', ['I3', 'I2', 'I5']],
    ['?from=2025-01-11', ['I4', 'I3']],
    ['?to=2025-01-10', ['I1', 'I2', 'I5']],
    ['?from=2025-01-10T14:00:00Z&to=2025-01-10T15:00:00Z', ['I1', 'I2']],
    ['?per_page=2&page=2', ['I3', 'I2']],
    ['?per_page=2&page=4', []],
  ])('GET /incidents%s', async (query, expected) => {
    expect(await titles(query)).toEqual(expected);
  });

  it('paging reports the whole count', async () => {
    expect(await list('?per_page=1&page=3&environment=7')).toMatchObject({
      totalCount: 4,
      page: 3,
      perPage: 1,
      incidents: [{ title: 'I3' }],
    });
  });

  it('a `from` still finds a linked cause up to 30 days before it', async () => {
    const page = await list('?from=2025-01-10T15:00:00Z&to=2025-01-10T15:00:00Z');
    expect(page.incidents).toMatchObject([
      { title: 'I2', causes: [{ deploymentId: ids.D1, how: 'linked' }], fixes: [{ deploymentId: ids.H1 }] },
    ]);
  });

  it('GET /incidents/{id}: the same incident; 404 for a deployment or no event; 400 for a bad id', async () => {
    expect(await one('I2')).toEqual((await list()).incidents.find((i) => i.id === ids.I2));
    for (const id of [ids.D1, '0123456789abcdef01234567']) {
      const res = await http('GET', `${app.http}${API}/incidents/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const bad = await http('GET', `${app.http}${API}/incidents/nope`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('"id"');
  });

  it.each([
    ['status=closed', 'status'],
    ['environment=9', 'environment'],
    ['from=yesterday', 'from'],
    ['from=2025-01-10&to=2025-01-09', 'to'],
    ['per_page=0', 'per_page'],
    ['page=0', 'page'],
    ['color=red', 'color'],
  ])('GET /incidents?%s -> 400 naming %s', async (query, field) => {
    const res = await http('GET', `${app.http}${API}/incidents?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(res.body)).toContain(`"${field}"`);
  });

  it('link and unlink through PUT /event: relatedId "" removes the link, and the suspected cause comes back', async () => {
    const put = (attributes: Record<string, unknown>) => http('PUT', `${app.http}${API}/event`, { body: { id: ids.I1, attributes } });
    expect((await put({ relatedId: ids.D1 })).status).toBe(200);
    expect((await one('I1')).causes).toEqual([{ deploymentId: ids.D1, how: 'linked' }]);
    const unlinked = await put({ relatedId: '' });
    expect(unlinked.status).toBe(200);
    expect(unlinked.body.attributes.relatedId).toBeUndefined();
    expect((await one('I1')).causes).toEqual([{ deploymentId: ids.D2, how: 'suspected' }]);
    // null and absent leave the link as it is
    expect((await put({ relatedId: ids.D3 })).status).toBe(200);
    expect((await put({ relatedId: null, priority: 2 })).status).toBe(200);
    expect((await one('I1')).causes).toEqual([{ deploymentId: ids.D3, how: 'linked' }]);
    const changelog = (await http('GET', `${app.http}${API}/event/${ids.I1}/changelog`)).body.changelog as {
      field: string;
      new: unknown;
    }[];
    expect(changelog.filter((e) => e.field === 'attributes.relatedId').map((e) => e.new)).toEqual([ids.D1, null, ids.D3]);
    expect((await put({ relatedId: '' })).status).toBe(200);
    expect((await one('I1')).causes).toEqual([{ deploymentId: ids.D2, how: 'suspected' }]);
  });

  it('gRPC ListIncidents and GetIncident answer the same (unset where REST says null)', async () => {
    const rest = await list('?service=pay&environment=7');
    const grpcList = await incidents.call<{ incidents: Record<string, unknown>[]; totalCount: number }>('ListIncidents', {
      service: 'pay',
      environment: 7,
    });
    expect(grpcList.totalCount).toBe(3);
    const strip = (i: Record<string, unknown>) =>
      Object.fromEntries(Object.entries({ causes: [], fixes: [], ...i }).filter(([k, v]) => v !== null && !k.startsWith('_')));
    expect(grpcList.incidents.map(strip)).toEqual(rest.incidents.map((i) => strip(i as unknown as Record<string, unknown>)));
    const got = await incidents.call<Record<string, unknown>>('GetIncident', { id: ids.I2 });
    expect(strip(got)).toEqual(strip(await one('I2')));
    const missing = await expectGrpcError(incidents.call('GetIncident', { id: ids.D1 }), status.NOT_FOUND);
    expect(missing.details).toContain(ids.D1);
    expect((await expectGrpcError(incidents.call('GetIncident', { id: 'nope' }), status.INVALID_ARGUMENT)).details).toContain('id');
    expect((await expectGrpcError(incidents.call('ListIncidents', { status: 'closed' }), status.INVALID_ARGUMENT)).details).toContain(
      'status',
    );
    expect((await incidents.call<{ incidents: unknown[] }>('ListIncidents', { status: 'open', perPage: 1 })).incidents).toHaveLength(1);
  });

  it('gRPC UpdateEvent: sets a link; an empty related_id on the wire (grpc-js writes it) removes it; absent leaves it', async () => {
    await events.call('UpdateEvent', { id: ids.I3, attributes: { relatedId: ids.D3 } });
    expect((await one('I3')).causes).toEqual([{ deploymentId: ids.D3, how: 'linked' }]);
    await events.call('UpdateEvent', { id: ids.I3, attributes: { priority: 1 } });
    expect((await one('I3')).causes).toEqual([{ deploymentId: ids.D3, how: 'linked' }]);
    await events.call('UpdateEvent', { id: ids.I3, attributes: { relatedId: '' } });
    expect((await one('I3')).causes).toEqual([]);
  });
});
