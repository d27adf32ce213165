import { status } from '@grpc/grpc-js';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';

/*
 * GET /api/v1alpha1/events/overlaps and EventService/ListOverlaps over stored events: grouping by service or
 * environment, touching ranges, running events (no end) until the window's end, events without a start, filters,
 * the documented order, and validation naming the parameter. The sweep itself is checked against a brute-force
 * reference in src/features/tracker-events/domain/overlaps.spec.ts.
 */

const API = '/api/v1alpha1';
const DAY = '2024-03-01';
const t = (hhmm: string) => `${DAY}T${hhmm}:00Z`;

describe('tracker event overlaps over REST and gRPC', () => {
  let app: TestApp;
  let events: UnaryClient;
  const ids: Record<string, string> = {};
  const overlaps = (query: string) => http('GET', `${app.http}${API}/events/overlaps?${query}`);
  const pairs = (body: { groups: { key: string; overlaps: { a: { id: string }; b: { id: string }; overlapSeconds: number }[] }[] }) =>
    body.groups.map((g) => [g.key, g.overlaps.map((p) => `${name(p.a.id)}+${name(p.b.id)}=${p.overlapSeconds}`)]);
  const name = (id: string) => Object.entries(ids).find(([, v]) => v === id)?.[0];

  beforeAll(async () => {
    app = await startTestApp();
    events = grpcClient(app.grpc, join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto'), 'tracker.event.v1alpha1.EventService');
    const seed: [string, object][] = [
      ['a1', { service: 'a', type: 1, environment: 7, startDate: t('10:00'), endDate: t('10:30') }],
      ['a2', { service: 'a', type: 2, environment: 7, startDate: t('10:15'), endDate: t('10:45') }],
      ['a3', { service: 'a', type: 1, environment: 7, startDate: t('10:45'), endDate: t('11:00') }],
      ['a4', { service: 'a', type: 1, environment: 6, startDate: t('10:50') }],
      ['a5', { service: 'a', type: 1, environment: 7 }],
      ['b1', { service: 'b', type: 1, environment: 7, startDate: t('10:00'), endDate: t('11:00') }],
      ['b2', { service: 'b', type: 1, environment: 7, startDate: t('10:20'), endDate: t('10:40') }],
      ['old', { service: 'b', type: 1, environment: 7, startDate: '2024-02-01T10:00:00Z', endDate: '2024-02-01T12:00:00Z' }],
    ];
    for (const [key, attributes] of seed) {
      ids[key] = (await http('POST', `${app.http}${API}/event`, { body: { title: key, attributes } })).body.id;
    }
  });
  afterAll(async () => {
    events?.close();
    await app?.close();
  });

  it('groups by service: pairs in order, touching ranges apart, a running event until the window end', async () => {
    const res = await overlaps(`from=${DAY}&to=${DAY}`);
    expect(res.status).toBe(200);
    expect(pairs(res.body)).toEqual([
      ['a', ['a1+a2=900', 'a3+a4=600']],
      ['b', ['b1+b2=1200']],
    ]);
    expect(res.body).toMatchObject({ totalOverlaps: 3, truncated: false });
    expect(res.body.groups[0]).toMatchObject({ key: 'a', totalOverlaps: 2 });
    expect(res.body.groups[0].overlaps[1]).toEqual({
      a: { id: ids.a3, title: 'a3', startDate: '2024-03-01T10:45:00.000Z', endDate: '2024-03-01T11:00:00.000Z' },
      b: { id: ids.a4, title: 'a4', startDate: '2024-03-01T10:50:00.000Z', endDate: null },
      overlapSeconds: 600,
    });
  });

  it('a running event started before the window still counts; it ends with the window', async () => {
    const res = await overlaps(`from=2024-03-02&to=2024-03-02T12:00:00Z&service=a`);
    expect(res.body).toEqual({ groups: [], totalOverlaps: 0, truncated: false });
    const late = (
      await http('POST', `${app.http}${API}/event`, {
        body: { title: 'late', attributes: { service: 'a', type: 1, startDate: '2024-03-02T11:00:00Z', endDate: '2024-03-02T13:00:00Z' } },
      })
    ).body.id;
    ids.late = late;
    expect(pairs((await overlaps(`from=2024-03-02&to=2024-03-02T12:00:00Z&service=a`)).body)).toEqual([['a', ['a4+late=3600']]]);
  });

  it('groups by environment across services, and filters by service, environment and type', async () => {
    expect(pairs((await overlaps(`from=${DAY}&to=${DAY}&by=environment&environment=7`)).body)).toEqual([
      ['7', ['a1+b1=1800', 'a1+a2=900', 'b1+a2=1800', 'a1+b2=600', 'b1+b2=1200', 'a2+b2=1200', 'b1+a3=900']],
    ]);
    expect(pairs((await overlaps(`from=${DAY}&to=${DAY}&service=b`)).body)).toEqual([['b', ['b1+b2=1200']]]);
    expect(pairs((await overlaps(`from=${DAY}&to=${DAY}&type=1&service=a`)).body)).toEqual([['a', ['a3+a4=600']]]);
    expect((await overlaps(`from=2024-03-01T10:31:00Z&to=2024-03-01T10:46:00Z&service=a`)).body.totalOverlaps).toBe(0);
  });

  it.each([
    ['to=2024-03-01', 'from'],
    ['from=2024-03-01', 'to'],
    ['from=2024-03-02&to=2024-03-01', 'to'],
    ['from=2024-01-01&to=2024-04-02', 'to'],
    ['from=2024-01-01T00:00:00Z&to=2024-04-02T00:00:01Z', 'to'],
    ['from=yesterday&to=2024-03-01', 'from'],
    ['from=2024-03-01&to=2024-03-01&by=owner', 'by'],
    ['from=2024-03-01&to=2024-03-01&environment=9', 'environment'],
    ['from=2024-03-01&to=2024-03-01&type=x', 'type'],
    ['from=2024-03-01&to=2024-03-01&page=2', 'page'],
  ])('400 naming the parameter: %s', async (query, field) => {
    const res = await overlaps(query);
    expect(res.status).toBe(400);
    expect(res.body.invalidFields.map((f: { name: string }) => f.name)).toContain(field);
  });

  it('accepts exactly 92 days (a bare-date end counts its day)', async () => {
    expect((await overlaps('from=2024-01-01&to=2024-04-01')).status).toBe(200);
  });

  it('gRPC ListOverlaps answers the same, and refuses bad windows with INVALID_ARGUMENT', async () => {
    const rest = (await overlaps(`from=${DAY}&to=${DAY}&by=environment`)).body;
    const grpc = await events.call<Record<string, any>>('ListOverlaps', { from: DAY, to: DAY, by: 'environment' });
    const withoutNulls = JSON.parse(JSON.stringify(rest, (_k, v) => (v === null ? undefined : v)));
    expect(grpc).toEqual(withoutNulls);
    const bad = await expectGrpcError(events.call('ListOverlaps', { from: DAY }), status.INVALID_ARGUMENT);
    expect(bad.details).toContain('to');
  });
});
