import { status } from '@grpc/grpc-js';
import { MongoClient } from 'mongodb';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { freshDatabaseName, startTestApp, TestApp } from '../support/app-harness';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';

/*
 * Changes over REST and gRPC: create (201 new, 200 with the stored change for a repeat by sha or by pull request
 * link), validation naming fields, the list (filters and paging like the events list), and exactly one record
 * per identity under concurrent creates through two instances on one store.
 */

const API = '/api/v1alpha1';
const CHANGE_PROTO = join(PROTO_ROOT, 'tracker/change/v1alpha1/change.proto');
const SHA = 'a'.repeat(40);

describe('changes over REST and gRPC, two instances on one store', () => {
  const database = freshDatabaseName('changes');
  let apps: TestApp[];
  let clients: UnaryClient[];
  let store: MongoClient;
  const url = (path: string, i = 0) => `${apps[i].http}${API}${path}`;
  const post = (body: object, i = 0) => http('POST', url('/changes', i), { body });

  beforeAll(async () => {
    const env = { RATE_LIMIT_PER_MINUTE: '1000000' };
    apps = [await startTestApp({ database, env }), await startTestApp({ database, env })];
    clients = apps.map((app) => grpcClient(app.grpc, CHANGE_PROTO, 'tracker.change.v1alpha1.ChangeService'));
    store = await MongoClient.connect(apps[0].storeUri);
  });
  afterAll(async () => {
    clients?.forEach((c) => c.close());
    await store?.close();
    for (const app of apps ?? []) await app.close();
  });

  it('creates a change (201) and answers a repeat with the stored change (200), by sha whatever its case', async () => {
    const body = {
      service: 'api',
      sha: SHA,
      title: 'Add export',
      mergedAt: '2024-03-01T10:00:00+01:00',
      pullRequestLink: 'https://gh/x/pull/1',
    };
    const created = await post(body);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      service: 'api',
      sha: SHA,
      pullRequestLink: 'https://gh/x/pull/1',
      title: 'Add export',
      mergedAt: '2024-03-01T09:00:00.000Z',
      committedAt: null,
      changedAt: '2024-03-01T09:00:00.000Z',
      source: 'rest',
      createdAt: expect.any(String),
    });
    const repeat = await post({ ...body, sha: SHA.toUpperCase(), title: 'ignored' }, 1);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(created.body);
    // the same pull request without the sha is the same change; another service's same sha is not
    expect((await post({ service: 'api', pullRequestLink: 'https://gh/x/pull/1', committedAt: '2024-03-01' })).body.id).toBe(
      created.body.id,
    );
    const other = await post({ ...body, service: 'web' });
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(created.body.id);
  });

  it('identifies a change without sha by its pull request link; a later post with the sha finds it', async () => {
    const first = await post({ service: 'pr-only', pullRequestLink: 'https://gh/x/pull/7', committedAt: '2024-03-02T08:00:00Z' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      sha: null,
      mergedAt: null,
      committedAt: '2024-03-02T08:00:00.000Z',
      changedAt: '2024-03-02T08:00:00.000Z',
    });
    const withSha = await post({
      service: 'pr-only',
      sha: 'b'.repeat(40),
      pullRequestLink: 'https://gh/x/pull/7',
      mergedAt: '2024-03-02T09:00:00Z',
    });
    expect(withSha.status).toBe(200);
    expect(withSha.body).toEqual(first.body);
  });

  it.each([
    [{ sha: SHA, mergedAt: '2024-01-01' }, 'service'],
    [{ service: 'api', sha: SHA }, 'mergedAt'],
    [{ service: 'api', sha: SHA, mergedAt: '2024-02-30' }, 'mergedAt'],
    [{ service: 'api', sha: 'xyz', mergedAt: '2024-01-01' }, 'sha'],
    [{ service: 'api', sha: SHA, committedAt: 'yesterday' }, 'committedAt'],
    [{ service: 'api', sha: SHA, mergedAt: '2024-01-01', extra: 1 }, 'extra'],
    [{ service: 'x'.repeat(301), mergedAt: '2024-01-01' }, 'service'],
  ])('refuses %j with 400 naming %s, storing nothing', async (body, field) => {
    const before = await store.db().collection('changes').countDocuments({});
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(res.body.invalidFields ?? res.body)).toContain(field);
    expect(await store.db().collection('changes').countDocuments({})).toBe(before);
  });

  it('lists newest changedAt first, filtered by service and an inclusive window, paged like the events list', async () => {
    for (let day = 1; day <= 5; day++) {
      expect((await post({ service: 'listed', sha: `c${day}`.padEnd(40, '0'), mergedAt: `2024-04-0${day}T12:00:00Z` })).status).toBe(201);
    }
    const all = await http('GET', url('/changes?service=listed&per_page=2'));
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ totalCount: 5, page: 1, perPage: 2 });
    expect(all.body.changes.map((c: { changedAt: string }) => c.changedAt.slice(0, 10))).toEqual(['2024-04-05', '2024-04-04']);
    const page3 = await http('GET', url('/changes?service=listed&per_page=2&page=3', 1));
    expect(page3.body.changes.map((c: { changedAt: string }) => c.changedAt.slice(0, 10))).toEqual(['2024-04-01']);
    const window = await http('GET', url('/changes?service=listed&from=2024-04-02T12:00:00Z&to=2024-04-04'));
    expect(window.body.totalCount).toBe(3);
    expect(window.body.changes.map((c: { changedAt: string }) => c.changedAt.slice(0, 10))).toEqual([
      '2024-04-04',
      '2024-04-03',
      '2024-04-02',
    ]);
    const everything = await http('GET', url('/changes?per_page=100'));
    expect(everything.body.totalCount).toBe(everything.body.changes.length);
    expect(everything.body.changes.some((c: { service: string }) => c.service === 'api')).toBe(true);
  });

  it.each([
    ['from=yesterday', 'from'],
    ['from=2024-04-05&to=2024-04-01', 'to'],
    ['per_page=101', 'per_page'],
    ['page=0', 'page'],
    ['sort=asc', 'sort'],
  ])('refuses the list query %s with 400 naming %s', async (query, field) => {
    const res = await http('GET', url(`/changes?${query}`));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(field);
  });

  it('gRPC: CreateChange (created true, then false with the stored change) and ListChanges', async () => {
    const request = { service: 'grpc-svc', sha: 'd'.repeat(40), mergedAt: '2024-05-01T00:00:00Z', title: 'via gRPC' };
    const first = await clients[0].call<{ change: Record<string, unknown>; created: boolean }>('CreateChange', request);
    expect(first.created).toBe(true);
    expect(first.change).toMatchObject({ service: 'grpc-svc', sha: 'd'.repeat(40), source: 'grpc', changedAt: '2024-05-01T00:00:00.000Z' });
    const again = await clients[1].call<{ change: Record<string, unknown>; created: boolean }>('CreateChange', request);
    expect(again.created).toBe(false);
    expect(again.change).toEqual(first.change);
    const list = await clients[1].call<{ changes: Record<string, unknown>[]; totalCount: number; perPage: number }>('ListChanges', {
      service: 'grpc-svc',
    });
    expect(list).toMatchObject({ totalCount: 1, page: 1, perPage: 10 });
    expect(list.changes).toEqual([first.change]);
    const bad = await expectGrpcError(clients[0].call('CreateChange', { service: 'grpc-svc', sha: 'nothex' }), status.INVALID_ARGUMENT);
    expect(bad.details).toMatch(/sha|mergedAt/);
    await expectGrpcError(clients[0].call('ListChanges', { perPage: 1000 }), status.INVALID_ARGUMENT);
  });

  it('concurrent creates of one change through both instances and both transports store it exactly once', async () => {
    const body = { service: 'raced', sha: 'e'.repeat(40), mergedAt: '2024-06-01T00:00:00Z' };
    const answers = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        if (i % 3 === 2) {
          const res = await clients[i % 2].call<{ change: { id: string }; created: boolean }>('CreateChange', body);
          return { created: res.created, id: res.change.id };
        }
        const res = await post(body, i % 2);
        expect([200, 201]).toContain(res.status);
        return { created: res.status === 201, id: res.body.id as string };
      }),
    );
    expect(answers.filter((a) => a.created)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    expect(await store.db().collection('changes').countDocuments({ service: 'raced' })).toBe(1);
  });
});
