import { status } from '@grpc/grpc-js';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../src/platform/repo-root';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';
import { GRPCURL_EXAMPLES, runGrpcurl, runGrpcurlError } from '../support/tracker-event-examples';

const PROTO = join(REPO_ROOT, 'proto/tracker/event/v1alpha1/event.proto');
const run = promisify(execFile);
type AnyObj = Record<string, any>;

describe('tracker events over gRPC: the guide grpcurl examples and parity with REST', () => {
  let app: TestApp;
  let events: UnaryClient;
  const rest = (path: string) => `${app.http}/api/v1alpha1${path}`;

  beforeAll(async () => {
    app = await startTestApp();
    events = grpcClient(app.grpc, PROTO, 'tracker.event.v1alpha1.EventService');
  });
  afterAll(async () => {
    events?.close();
    await app?.close();
  });

  describe('grpcurl, as written in the guide', () => {
    let createdId: string;

    it('CreateEvent accepts "type": "1" and date strings', async () => {
      const res = await runGrpcurl<AnyObj>(GRPCURL_EXAMPLES.create, app);
      expect(res).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        title: 'Deploy user-service v2.1.0',
        created_at: expect.any(String),
      });
      createdId = res.id;
      const stored = await http('GET', rest(`/event/${createdId}`));
      expect(stored.body).toMatchObject({
        attributes: {
          message: 'Deployed via GitHub Actions',
          type: 1,
          priority: 2,
          service: 'user-service',
          status: 3,
          environment: 7,
          startDate: '2024-01-15T10:00:00.000Z',
          endDate: '2024-01-15T10:05:00.000Z',
        },
        links: { pullRequestLink: 'https://github.com/org/repo/pull/123' },
        metadata: { duration: '5m0s', durationSeconds: 300 },
      });
    });

    it('ListEvents and GetEvent', async () => {
      const list = await runGrpcurl<AnyObj>(GRPCURL_EXAMPLES.list, app);
      // grpcurl prints the proto's own (snake_case) field names.
      expect(list).toMatchObject({ total_count: 1, page: 1, per_page: 10 });
      expect(list.events[0].id).toBe(createdId);
      const got = await runGrpcurl<AnyObj>(GRPCURL_EXAMPLES.get, { grpc: app.grpc, id: createdId });
      expect(got).toMatchObject({
        id: createdId,
        attributes: { type: 1, start_date: '2024-01-15T10:00:00.000Z' },
        links: { pull_request_link: 'https://github.com/org/repo/pull/123' },
      });
    });

    it('SearchEvents by priority "1" and by a bare-date range', async () => {
      await http('POST', rest('/event'), {
        body: { title: 'P1 outage', attributes: { type: 4, priority: 1, service: 'db', startDate: '2024-01-31T23:00:00Z' } },
      });
      await http('POST', rest('/event'), {
        body: { title: 'February', attributes: { type: 2, priority: 3, service: 'db', startDate: '2024-02-01T00:00:00Z' } },
      });
      const byPriority = await runGrpcurl<AnyObj>(GRPCURL_EXAMPLES.searchPriority, app);
      expect(byPriority.events.map((e: AnyObj) => e.title)).toEqual(['P1 outage']);
      const byRange = await runGrpcurl<AnyObj>(GRPCURL_EXAMPLES.searchRange, app);
      expect(byRange.events.map((e: AnyObj) => e.title).sort()).toEqual(['Deploy user-service v2.1.0', 'P1 outage']);
      expect(byRange.total_count).toBe(2);
    });

    it('answers a bad payload with InvalidArgument naming the field, an unknown id with NotFound', async () => {
      const bad = await runGrpcurlError(GRPCURL_EXAMPLES.create.replace('"type": "1"', '"type": "9"'), app);
      expect(bad).toMatch(/Code: InvalidArgument/);
      expect(bad).toMatch(/attributes\.type/);
      const missing = await runGrpcurlError(GRPCURL_EXAMPLES.get, app);
      expect(missing).toMatch(/Code: NotFound/);
    });

    it('describes the service through reflection', async () => {
      const { stdout } = await run(join(REPO_ROOT, '.bin', 'grpcurl'), [
        '-plaintext',
        app.grpc,
        'list',
        'tracker.event.v1alpha1.EventService',
      ]);
      expect(stdout.trim().split('\n').sort()).toEqual(
        [
          'CreateEvent',
          'DeleteEvent',
          'GetEvent',
          'GetEventChangelog',
          'GetEventStats',
          'GetEventNotifications',
          'ListEvents',
          'ListOverlaps',
          'SearchEvents',
          'TodayEvents',
          'UpdateEvent',
          'WatchEvents',
        ]
          .map((m) => `tracker.event.v1alpha1.EventService.${m}`)
          .sort(),
      );
    });
  });

  describe('every method through @grpc/grpc-js', () => {
    it('create, update (merge), get, changelog, delete; the same event REST shows', async () => {
      const created = await events.call<AnyObj>('CreateEvent', {
        title: 'Rollout',
        attributes: {
          type: 1,
          service: 'org/repo',
          status: 1,
          priority: 3,
          startDate: '2024-03-01T10:00:00Z',
          stakeHolders: ['ops'],
          notification: true,
          notifications: ['slack'],
        },
        links: { ticket: 'OPS-1', pullRequestLink: '' },
      });
      expect(created).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{24}$/), title: 'Rollout', createdAt: expect.any(String) });
      const updated = await events.call<AnyObj>('UpdateEvent', {
        id: created.id,
        attributes: { status: 3, endDate: '2024-03-01T10:20:00Z' },
      });
      expect(updated.attributes).toMatchObject({
        type: 1,
        service: 'org/repo',
        status: 3,
        priority: 3,
        stakeHolders: ['ops'],
        notifications: ['slack'],
      });
      expect(updated.metadata).toMatchObject({ duration: '20m0s', durationSeconds: 1200 });
      const viaGrpc = await events.call<AnyObj>('GetEvent', { id: created.id });
      const viaRest = await http('GET', rest(`/event/${created.id}`));
      expect(viaGrpc).toEqual(viaRest.body);
      const log = await events.call<AnyObj>('GetEventChangelog', { id: created.id });
      expect(log.changelog.map((e: AnyObj) => [e.field, e.oldValue, e.newValue, e.source])).toEqual(
        expect.arrayContaining([
          ['event', undefined, 'created', 'grpc'],
          ['attributes.status', '1', '3', 'grpc'],
          ['attributes.endDate', undefined, '2024-03-01T10:20:00.000Z', 'grpc'],
        ]),
      );
      expect(await events.call('DeleteEvent', { id: created.id })).toEqual({ id: created.id });
      await expectGrpcError(events.call('GetEvent', { id: created.id }), status.NOT_FOUND);
      await expectGrpcError(events.call('DeleteEvent', { id: created.id }), status.NOT_FOUND);
      await expectGrpcError(events.call('UpdateEvent', { id: created.id, title: 'x' }), status.NOT_FOUND);
      await expectGrpcError(events.call('GetEventChangelog', { id: created.id }), status.NOT_FOUND);
    });

    it('list, search, today and stats match REST', async () => {
      await events.call('CreateEvent', {
        title: 'today via grpc',
        attributes: { type: 5, service: 'rpa', status: 3, environment: 2, priority: 4 },
      });
      const list = await events.call<AnyObj>('ListEvents', { perPage: 2 });
      const restList = await http('GET', rest('/events/list?per_page=2'));
      expect(list).toEqual(restList.body);
      const search = await events.call<AnyObj>('SearchEvents', { service: 'rpa', type: 5 });
      expect(search).toEqual((await http('GET', rest('/events/search?service=rpa&type=5'))).body);
      const today = await events.call<AnyObj>('TodayEvents', { tz: 'Europe/Paris', perPage: 100 });
      expect(today.events.map((e: AnyObj) => e.title)).toContain('today via grpc');
      const stats = await events.call<AnyObj>('GetEventStats', { service: 'rpa' });
      const restStats = await http('GET', rest('/events/stats?service=rpa'));
      expect(stats).toEqual(restStats.body);
      expect(stats).toMatchObject({ total: 1, byType: [{ value: 5, count: 1 }], byEnvironment: [{ value: 2, count: 1 }] });
    });
  });
});
