import { status } from '@grpc/grpc-js';
import fc from 'fast-check';
import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { mintToken } from '../support/auth';
import { isIdentifier } from '../../src/platform/validation/identifier';
import { FUZZ_RUNS, FUZZ_SEED, nastyString, record, runAll, runsFor, samples, visible, withLookAlikes } from '../support/fuzz';
import { grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';

/*
 * Property-based fuzzing of every gRPC method: messages of the right wire types (protobuf fixes the types; a
 * wrong wire type is a decoding error in grpc-js before any handler runs) with hostile contents: operator and
 * regex strings, unicode, huge strings, out-of-range enums and page sizes, invalid dates and ids, missing
 * fields. Every call must end in OK or a client-error code, never INTERNAL / UNKNOWN / UNAVAILABLE / a deadline.
 */

const CLIENT_CODES = new Set([
  status.OK,
  status.INVALID_ARGUMENT,
  status.NOT_FOUND,
  status.ALREADY_EXISTS,
  status.PERMISSION_DENIED,
  status.RESOURCE_EXHAUSTED,
  status.FAILED_PRECONDITION,
  status.OUT_OF_RANGE,
  status.UNIMPLEMENTED,
  status.UNAUTHENTICATED,
]);

const MISSING = Symbol('missing');
const str = (valid: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: nastyString }, { weight: 1, arbitrary: fc.constant(MISSING) });
const int = (valid: fc.Arbitrary<number>) =>
  fc.oneof(
    { weight: 12, arbitrary: valid },
    { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
    { weight: 1, arbitrary: fc.constant(MISSING) },
  );
const strs = (valid: fc.Arbitrary<string>) => fc.oneof(fc.array(valid, { maxLength: 3 }), fc.array(nastyString, { maxLength: 3 }));
function msg(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(fields).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== MISSING)));
}

const isoDate = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
/** Overlap windows: from in January and to in February or March are at most 92 days apart. */
const dayIn = (min: string, max: string) =>
  fc.date({ min: new Date(min), max: new Date(max), noInvalidDate: true }).map((d) => d.toISOString());
const objectId = fc.constantFrom('507f1f77bcf86cd799439011', 'ffffffffffffffffffffffff');
const uuid = fc.uuid({ version: 4 });
const page = { perPage: int(fc.integer({ min: 1, max: 100 })), page: int(fc.integer({ min: 1, max: 5 })) };
const attributes = msg({
  message: str(fc.string({ maxLength: 20 })),
  type: int(fc.integer({ min: 1, max: 5 })),
  priority: int(fc.integer({ min: 1, max: 5 })),
  service: str(withLookAlikes(fc.constantFrom('grpc-fuzz-a', 'grpc-fuzz-b'))),
  owner: str(withLookAlikes(fc.constantFrom('team-a', 'team-b'))),
  status: int(fc.constantFrom(1, 3, 4)),
  environment: int(fc.integer({ min: 1, max: 8 })),
  startDate: str(isoDate),
  endDate: str(isoDate),
  stakeHolders: strs(withLookAlikes(fc.string({ maxLength: 10 }))),
  notifications: strs(fc.constantFrom('slack', 'email')),
  relatedId: str(objectId),
});
const links = msg({ pullRequestLink: str(fc.webUrl()), ticket: str(fc.string({ maxLength: 10 })) });
const listParams = {
  include: str(fc.constantFrom('id,name', 'summary')),
  limit: int(fc.integer({ min: 0, max: 200 })),
  skip: int(fc.integer({ min: 0, max: 20 })),
  filter: strs(fc.constantFrom("severity eq 'warning'", "summary eq '.*'", "name eq 'a.b'")),
  orderBy: str(fc.constantFrom('eventTime desc', 'name')),
  count: fc.boolean(),
  continue: str(fc.constant('')),
};
const newEvent = msg({
  name: str(fc.constantFrom('astra.app.discovery.failed')),
  summary: str(fc.string({ minLength: 3, maxLength: 20 })),
  eventTime: str(isoDate),
  source: str(fc.constant('grpc-fuzz')),
  resourceId: str(uuid),
  additionalResourceIds: strs(uuid),
  resourceType: str(fc.constant('application/astra-app')),
  correlationId: str(uuid),
  severity: str(fc.constantFrom('warning', 'critical', 'informational')),
  class: str(fc.constantFrom('user', 'system')),
  description: str(fc.string({ minLength: 3, maxLength: 20 })),
  visibility: strs(fc.constantFrom('viewer', 'admin')),
  destinations: strs(fc.constantFrom('notification', 'banner')),
});

describe(`gRPC fuzz (${FUZZ_RUNS} inputs per method, seed ${FUZZ_SEED})`, () => {
  let app: TestApp;
  let store: MongoClient;
  let clients: Record<string, UnaryClient>;
  const account = randomUUID();
  const user = randomUUID();
  const md = { authorization: `Bearer ${mintToken({ [account]: 'owner' }, { user })}` };

  beforeAll(async () => {
    // Inputs run in parallel from one caller: every one is judged, none refused for the caller's scan share.
    app = await startTestApp({
      env: { TTL_SWEEP_MS: '3600000', RATE_LIMIT_PER_MINUTE: '10000000', SCAN_MAX_IN_FLIGHT: '32', SCAN_MAX_IN_FLIGHT_PER_CALLER: '32' },
    });
    store = await MongoClient.connect(app.storeUri);
    clients = {
      tracker: grpcClient(app.grpc, join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto'), 'tracker.event.v1alpha1.EventService'),
      lock: grpcClient(app.grpc, join(PROTO_ROOT, 'tracker/lock/v1alpha1/lock.proto'), 'tracker.lock.v1alpha1.LockService'),
      change: grpcClient(app.grpc, join(PROTO_ROOT, 'tracker/change/v1alpha1/change.proto'), 'tracker.change.v1alpha1.ChangeService'),
      insights: grpcClient(
        app.grpc,
        join(PROTO_ROOT, 'tracker/insights/v1alpha1/insights.proto'),
        'tracker.insights.v1alpha1.InsightsService',
      ),
      event: grpcClient(app.grpc, join(PROTO_ROOT, 'astra/core/v1/event.proto'), 'astra.core.v1.EventService'),
      notification: grpcClient(app.grpc, join(PROTO_ROOT, 'astra/core/v1/notification.proto'), 'astra.core.v1.NotificationService'),
    };
  });
  afterAll(async () => {
    Object.values(clients ?? {}).forEach((c) => c.close());
    await store?.close();
    await app?.close();
  });

  async function fuzz(
    service: string,
    method: string,
    arb: fc.Arbitrary<Record<string, unknown>>,
    runs = FUZZ_RUNS,
    open: 'unary' | 'stream' = 'unary',
  ) {
    const started = performance.now();
    const outcomes = await runAll(samples(arb, runs), (request) =>
      (open === 'stream' ? clients[service].openStream(method, request, md) : clients[service].call(method, request, md)).then(
        () => ({ status: status.OK, body: '' }),
        (err: { code?: number; details?: string }) => ({ status: err.code ?? -1, body: err.details ?? String(err) }),
      ),
    );
    // figures: gRPC codes in place of HTTP statuses
    // figures: OK as 200, client codes as they are, anything else as 500 + code (so it counts as a 5xx)
    record(
      `${service} ${method}`,
      outcomes.map((o) => ({ status: o.status === status.OK ? 200 : CLIENT_CODES.has(o.status) ? o.status : 500 + o.status })),
      performance.now() - started,
    );
    const bad = outcomes.filter((o) => !CLIENT_CODES.has(o.status)).slice(0, 5);
    expect(
      bad.map((o) => ({ code: status[o.status] ?? o.status, details: o.body.slice(0, 200), input: JSON.stringify(o.input).slice(0, 200) })),
    ).toEqual([]);
    return outcomes;
  }

  it.each([
    ['UpdateEvent', msg({ id: str(objectId), title: str(fc.string({ maxLength: 20 })), attributes })],
    ['GetEvent', msg({ id: str(objectId) })],
    ['DeleteEvent', msg({ id: str(objectId) })],
    ['GetEventChangelog', msg({ id: str(objectId) })],
    ['GetEventNotifications', msg({ id: str(objectId) })],
    ['ListEvents', msg(page)],
    [
      'SearchEvents',
      msg({
        ...page,
        priority: int(fc.integer({ min: 1, max: 5 })),
        service: str(withLookAlikes(fc.constant('grpc-fuzz-a'))),
        type: int(fc.integer({ min: 1, max: 5 })),
        startDate: str(isoDate),
        endDate: str(isoDate),
      }),
    ],
    ['TodayEvents', msg({ ...page, tz: str(fc.constantFrom('UTC', 'Europe/Paris')) })],
    ['GetEventStats', msg({ startDate: str(isoDate), endDate: str(isoDate), service: str(fc.constant('grpc-fuzz-a')) })],
    [
      'ListOverlaps',
      msg({
        from: str(dayIn('2024-01-01T00:00:00Z', '2024-01-31T00:00:00Z')),
        to: str(dayIn('2024-02-01T00:00:00Z', '2024-03-31T00:00:00Z')),
        by: str(fc.constantFrom('service', 'environment')),
        service: str(fc.constant('grpc-fuzz-a')),
        environment: int(fc.integer({ min: 1, max: 8 })),
        type: int(fc.integer({ min: 1, max: 5 })),
      }),
    ],
  ])('tracker %s', async (method, arb) => {
    // List, today, stats and overlaps answer most inputs from the store, which sorts and aggregates in memory:
    // 300 per CI run (measured 11-22 inputs/s once a few hundred events are stored, ~300/s on the small collection here).
    const storeHeavy = ['ListEvents', 'TodayEvents', 'GetEventStats', 'ListOverlaps'].includes(method);
    await fuzz('tracker', method, arb, storeHeavy ? runsFor(300) : FUZZ_RUNS);
  });

  // Live streams (docs/live.md): a hostile filter or resume_from ends the call at once (INVALID_ARGUMENT, or
  // OUT_OF_RANGE for an expired cursor); a valid request opens the stream (the server sends its headers), and the
  // client cancels it. Twenty changes are logged first, so small cursors resume and larger ones were never issued
  // (before the fuzzed creates: every open reads the log's bounds, a scan of the whole log on the embedded store).
  describe('WatchEvents (server streaming)', () => {
    beforeAll(async () => {
      for (let i = 0; i < 20; i++)
        await clients.tracker.call(
          'CreateEvent',
          { title: `watch ${i}`, attributes: { type: 1, priority: 1, service: 'grpc-fuzz-a' } },
          md,
        );
    });
    const cursor = str(
      fc.oneof(fc.nat({ max: 50 }).map(String), fc.string({ maxLength: 40 }), fc.constantFrom('-1', '1e3', '01', '9'.repeat(20))),
    );
    it.each([
      [
        'tracker',
        msg({
          service: str(fc.constantFrom('grpc-fuzz-a', 'grpc-fuzz-b')),
          environment: int(fc.integer({ min: 1, max: 8 })),
          type: int(fc.integer({ min: 1, max: 5 })),
          status: int(fc.constantFrom(1, 3, 4)),
          priority: int(fc.integer({ min: 1, max: 5 })),
          resumeFrom: cursor,
        }),
      ],
      [
        'event',
        msg({
          accountId: fc.oneof({ weight: 5, arbitrary: fc.constant(account) }, { weight: 1, arbitrary: nastyString }),
          resumeFrom: cursor,
        }),
      ],
    ])('%s WatchEvents', async (service, arb) => {
      // Each open reads the log's bounds for a cursor and joins the hub: 300 per CI run.
      const outcomes = await fuzz(service, 'WatchEvents', arb, runsFor(300), 'stream');
      expect(outcomes.some((o) => o.status === status.OK)).toBe(true);
      expect(outcomes.some((o) => o.status === status.INVALID_ARGUMENT)).toBe(true);
    });
  });

  describe('tracker.change.v1alpha1.ChangeService', () => {
    const changeServices = withLookAlikes(fc.constantFrom('grpc-change-a', 'grpc-change-b'));
    it.each([
      [
        'CreateChange',
        msg({
          service: str(changeServices),
          sha: str(fc.stringMatching(/^[0-9a-f]{7,40}$/)),
          pullRequestLink: str(fc.webUrl()),
          title: str(fc.string({ maxLength: 20 })),
          mergedAt: str(isoDate),
          committedAt: str(isoDate),
        }),
      ],
      ['ListChanges', msg({ ...page, service: str(changeServices), from: str(isoDate), to: str(isoDate) })],
    ])('change %s', async (method, arb) => {
      await fuzz('change', method, arb, runsFor(300));
    });
  });

  describe('tracker.insights.v1alpha1.InsightsService', () => {
    const window = {
      environment: int(fc.integer({ min: 1, max: 8 })),
      from: str(dayIn('2024-01-01T00:00:00Z', '2024-01-31T00:00:00Z')),
      to: str(dayIn('2024-02-01T00:00:00Z', '2025-03-31T00:00:00Z')),
    };
    it.each([
      ['GetDora', msg({ ...window, service: str(fc.constant('grpc-fuzz-a')), bucket: str(fc.constantFrom('day', 'week', 'month')) })],
      ['ListDoraByService', msg(window)],
    ])('insights %s', async (method, arb) => {
      await fuzz('insights', method, arb, runsFor(300));
    });
  });

  describe('tracker.lock.v1alpha1.LockService', () => {
    const lockOwner = withLookAlikes(fc.constantFrom('owner-1', 'owner-2'));
    const lockServices = ['grpc-lock-a', 'grpc-lock-b'];
    /** Ids of held locks (after AcquireLock's fuzz), random UUIDs and malformed ones. */
    let lockId: fc.Arbitrary<string> = fc.oneof(uuid, fc.constantFrom('not-a-uuid', ''));

    // Each valid acquire is 3-4 store writes: 300 per CI run.
    it('lock AcquireLock', async () => {
      const eventId = fc.oneof({ weight: 6, arbitrary: fc.constant(MISSING) }, { weight: 1, arbitrary: str(objectId) });
      const acquire = msg({
        service: str(withLookAlikes(fc.constantFrom(...lockServices))),
        environment: int(fc.integer({ min: 1, max: 8 })),
        resource: str(fc.constantFrom('deployment', 'migration')),
        owner: str(lockOwner),
        reason: str(fc.string({ maxLength: 20 })),
        ttlSeconds: int(fc.integer({ min: 10, max: 86_400 })),
        eventId,
      });
      const outcomes = await fuzz('lock', 'AcquireLock', acquire, runsFor(300));
      expect(outcomes.some((o) => o.status === status.OK)).toBe(true);
      const held = await Promise.all(
        lockServices.map((service) => clients.lock.call<{ locks?: { id: string }[] }>('ListLocks', { service }, md)),
      );
      const ids = held.flatMap((r) => r.locks ?? []).map((l) => l.id);
      lockId = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...ids) },
        { weight: 1, arbitrary: uuid },
        { weight: 1, arbitrary: fc.constantFrom('not-a-uuid', '') },
      );
    });

    it.each([
      ['RenewLock', () => msg({ id: str(lockId), owner: str(lockOwner), ttlSeconds: int(fc.integer({ min: 10, max: 86_400 })) })],
      ['GetLock', () => msg({ id: str(lockId) })],
      ['ReleaseLock', () => msg({ id: str(lockId), owner: str(lockOwner), force: fc.boolean() })],
      [
        'ListLocks',
        () =>
          msg({ service: str(fc.constantFrom(...lockServices)), environment: int(fc.integer({ min: 1, max: 8 })), owner: str(lockOwner) }),
      ],
    ])('lock %s', async (method, arb) => {
      // Reads by _id; renew and release append a generation when they succeed; lists resolve every key of a service.
      await fuzz('lock', method, arb(), runsFor(300));
    });
  });

  const accountId = fc.oneof({ weight: 5, arbitrary: fc.constant(account) }, { weight: 1, arbitrary: nastyString });
  const userId = fc.oneof({ weight: 5, arbitrary: fc.constant(user) }, { weight: 1, arbitrary: nastyString });
  it.each([
    ['event', 'GetEvent', msg({ accountId, eventId: str(uuid) })],
    ['event', 'ListEvents', msg({ accountId, ...listParams })],
    ['notification', 'ListNotifications', msg({ accountId, ...listParams })],
    ['notification', 'GetNotification', msg({ accountId, notificationId: str(uuid) })],
    [
      'notification',
      'ListUnreadNotifications',
      msg({ accountId, userId, ...listParams, include: str(fc.constant('id')), groupId: str(uuid) }),
    ],
    ['notification', 'GetUnreadNotification', msg({ accountId, userId, unreadNotificationId: str(uuid), groupId: str(uuid) })],
    ['notification', 'MarkNotificationRead', msg({ accountId, userId, unreadNotificationId: str(uuid) })],
    ['notification', 'ListBanners', msg({ accountId, userId: str(fc.constant(user)), ...listParams })],
    ['notification', 'DismissBanner', msg({ accountId, userId, bannerId: str(uuid) })],
  ])('astra %s %s', async (service, method, arb) => {
    // These reach the store for most inputs, but against a small collection (creates run last): 300-560/s.
    await fuzz(service, method, arb);
  });

  // Creates last: FerretDB sorts, counts and aggregates in memory, so every stored event slows the reads above.
  it('tracker CreateEvent: client codes only, and stored events = OK creates', async () => {
    const before = await store.db().collection('tracker_events').countDocuments({});
    const outcomes = await fuzz(
      'tracker',
      'CreateEvent',
      msg({ title: str(fc.string({ minLength: 1, maxLength: 20 })), attributes, links }),
    );
    const created = outcomes.filter((o) => o.status === status.OK).length;
    expect(created).toBeGreaterThan(0);
    expect(await store.db().collection('tracker_events').countDocuments({})).toBe(before + created);
  });

  it('astra CreateEvent: client codes only, and stored events = OK creates', async () => {
    const count = () => store.db().collection('activity_events').countDocuments({ accountID: account });
    const before = await count();
    const outcomes = await fuzz('event', 'CreateEvent', msg({ accountId: fc.constant(account), event: newEvent }));
    const created = outcomes.filter((o) => o.status === status.OK).length;
    expect(created).toBeGreaterThan(0);
    expect(await count()).toBe(before + created);
  });

  it('stored no look-alike name (every service, owner and stake holder is an identifier; docs/security.md)', async () => {
    const events = await store
      .db()
      .collection('tracker_events')
      .find({}, { projection: { attributes: 1 } })
      .toArray();
    const changes = await store
      .db()
      .collection('changes')
      .find({}, { projection: { service: 1 } })
      .toArray();
    const locks = (await clients.lock.call<{ locks?: { service: string; owner: string }[] }>('ListLocks', {}, md)).locks ?? [];
    const names = [
      ...events.flatMap((e) => [e.attributes?.service, e.attributes?.owner, ...(e.attributes?.stakeHolders ?? [])]),
      ...changes.map((c) => c.service),
      ...locks.flatMap((l) => [l.service, l.owner]),
    ].filter((n) => n !== undefined);
    expect(names.length).toBeGreaterThan(100);
    expect([...new Set(names.filter((n) => !isIdentifier(n)))].map(visible)).toEqual([]);
  });

  it('is still healthy afterwards', async () => {
    expect((await http('GET', `${app.http}/health/ready`)).status).toBe(200);
    await expect(clients.tracker.call('ListEvents', { perPage: 1 })).resolves.toMatchObject({ perPage: 1 });
  });
});
