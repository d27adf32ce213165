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
import { FUZZ_RUNS, FUZZ_SEED, nastyString, Outcome, record, runAll, runsFor, samples, visible, withLookAlikes } from '../support/fuzz';
import { grpcClient, UnaryClient } from '../support/grpc-client';
import { GrpcFuzzMethod, int, MISSING, msg, servedGrpcMethods, str, strs } from '../support/grpc-fuzz';
import { http } from '../support/http';
import { hostileCalendar } from '../support/calendar-fuzz';

/*
 * Property-based fuzzing of every gRPC method: messages of the right wire types (protobuf fixes the types; a
 * wrong wire type is a decoding error in grpc-js before any handler runs) with hostile contents: operator and
 * regex strings, unicode, huge strings, out-of-range enums and page sizes, invalid dates and ids, missing
 * fields. Every call must end in OK or a client-error code, never INTERNAL / UNKNOWN / UNAVAILABLE / a deadline.
 *
 * The methods are those of every service the app serves (GRPC_PROTOS, test/support/grpc-fuzz.ts): each is fuzzed
 * from its request message's fields with no row here. EXTRAS adds, per method and only where it helps, requests
 * with values the proto cannot know (stored ids, look-alike names, valid windows), a CI count, or a check of what
 * was stored.
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

/** The method table: every method the app serves (a new one is fuzzed without a new row). */
const METHODS = servedGrpcMethods();

/** What a method adds to what its proto says, all optional. */
interface MethodExtras {
  /** Requests with the values the store holds, in place of the ones built from the request message. */
  request?: () => fc.Arbitrary<Record<string, unknown>>;
  /** The CI count when most inputs reach the store (FerretDB sorts and aggregates in memory): runsFor(cap). */
  cap?: number;
  /** Wraps the run with checks on its outcomes or on what it stored (run() fuzzes and asserts client codes only). */
  check?: (run: () => Promise<Outcome[]>) => Promise<void>;
  /** Order: 0 first (what later methods use: held locks, changes), 1 the reads (default), 3 the creates. */
  phase?: number;
}

describe(`gRPC fuzz (${FUZZ_RUNS} inputs per method, seed ${FUZZ_SEED})`, () => {
  let app: TestApp;
  let store: MongoClient;
  const clients: Record<string, UnaryClient> = {};
  const account = randomUUID();
  const user = randomUUID();
  const md = { authorization: `Bearer ${mintToken({ [account]: 'owner' }, { user })}` };

  beforeAll(async () => {
    // Inputs run in parallel from one caller: every one is judged, none refused for the caller's scan share.
    app = await startTestApp({
      env: { TTL_SWEEP_MS: '3600000', RATE_LIMIT_PER_MINUTE: '10000000', SCAN_MAX_IN_FLIGHT: '32', SCAN_MAX_IN_FLIGHT_PER_CALLER: '32' },
    });
    store = await MongoClient.connect(app.storeUri);
    for (const { service, file } of METHODS) clients[service] ??= grpcClient(app.grpc, join(PROTO_ROOT, file), service);
    // Twenty logged changes, so small WatchEvents cursors resume and larger ones were never issued.
    for (let i = 0; i < 20; i++)
      await clients['tracker.event.v1alpha1.EventService'].call(
        'CreateEvent',
        { title: `watch ${i}`, attributes: { type: 1, priority: 1, service: 'grpc-fuzz-a' } },
        md,
      );
  });
  afterAll(async () => {
    Object.values(clients).forEach((c) => c.close());
    await store?.close();
    await app?.close();
  });

  async function fuzz(method: GrpcFuzzMethod, arb: fc.Arbitrary<Record<string, unknown>>, runs: number): Promise<Outcome[]> {
    const client = clients[method.service];
    const started = performance.now();
    const outcomes = await runAll(samples(arb, runs), (request) =>
      (method.streaming ? client.openStream(method.method, request, md) : client.call(method.method, request, md)).then(
        () => ({ status: status.OK, body: '' }),
        (err: { code?: number; details?: string }) => ({ status: err.code ?? -1, body: err.details ?? String(err) }),
      ),
    );
    // figures: OK as 200, client codes as they are, anything else as 500 + code (so it counts as a 5xx)
    record(
      method.key,
      outcomes.map((o) => ({ status: o.status === status.OK ? 200 : CLIENT_CODES.has(o.status) ? o.status : 500 + o.status })),
      performance.now() - started,
    );
    const bad = outcomes.filter((o) => !CLIENT_CODES.has(o.status)).slice(0, 5);
    expect(
      bad.map((o) => ({ code: status[o.status] ?? o.status, details: o.body.slice(0, 200), input: JSON.stringify(o.input).slice(0, 200) })),
    ).toEqual([]);
    return outcomes;
  }

  /** The collection grew by exactly the OK answers (and some were OK). */
  const storedAsAnswered = (count: () => Promise<number>) => async (run: () => Promise<Outcome[]>) => {
    const before = await count();
    const created = (await run()).filter((o) => o.status === status.OK).length;
    expect(created).toBeGreaterThan(0);
    expect(await count()).toBe(before + created);
  };

  const cursor = str(
    fc.oneof(fc.nat({ max: 50 }).map(String), fc.string({ maxLength: 40 }), fc.constantFrom('-1', '1e3', '01', '9'.repeat(20))),
  );
  /** A hostile filter or resume_from ends the call at once (INVALID_ARGUMENT, OUT_OF_RANGE for an expired cursor); a valid request opens it. */
  const opensAndRefuses = async (run: () => Promise<Outcome[]>) => {
    const outcomes = await run();
    expect(outcomes.some((o) => o.status === status.OK)).toBe(true);
    expect(outcomes.some((o) => o.status === status.INVALID_ARGUMENT)).toBe(true);
  };
  const changeServices = withLookAlikes(fc.constantFrom('grpc-change-a', 'grpc-change-b'));
  const window = {
    environment: int(fc.integer({ min: 1, max: 8 })),
    from: str(dayIn('2024-01-01T00:00:00Z', '2024-01-31T00:00:00Z')),
    to: str(dayIn('2024-02-01T00:00:00Z', '2025-03-31T00:00:00Z')),
  };
  const lockOwner = withLookAlikes(fc.constantFrom('owner-1', 'owner-2'));
  const lockServices = ['grpc-lock-a', 'grpc-lock-b'];
  /** Ids of held locks (once AcquireLock's fuzz ran), random UUIDs and malformed ones. */
  let lockId: fc.Arbitrary<string> = fc.oneof(uuid, fc.constantFrom('not-a-uuid', ''));
  /** Ids of stored freezes (once CreateFreeze's fuzz ran), random UUIDs and malformed ones. */
  let freezeId: fc.Arbitrary<string> = fc.oneof(uuid, fc.constantFrom('not-a-uuid', ''));
  const freezeServices = withLookAlikes(fc.constantFrom('grpc-freeze-a', 'grpc-freeze-b'));
  const freezeZone = fc.constantFrom('Europe/Paris', 'America/New_York', 'UTC', 'Mars/Olympus', '+02:00');
  const freezeCount = () => store.db().collection('freezes').countDocuments({});
  const accountId = fc.oneof({ weight: 5, arbitrary: fc.constant(account) }, { weight: 1, arbitrary: nastyString });
  const userId = fc.oneof({ weight: 5, arbitrary: fc.constant(user) }, { weight: 1, arbitrary: nastyString });

  // List, today, stats and overlaps answer most inputs from the store, which sorts and aggregates in memory: 300
  // per CI run (measured 11-22 inputs/s once a few hundred events are stored, ~300/s on the small collection here).
  // Each WatchEvents open reads the log's bounds; each valid acquire is 3-4 store writes; lock reads go by _id,
  // renew and release append a generation, lists resolve every key of a service: 300. The Astra reads reach the
  // store for most inputs, but against a small collection (creates run last): 300-560/s.
  const EXTRAS: Record<string, MethodExtras> = {
    'tracker.event.v1alpha1.EventService/UpdateEvent': {
      request: () => msg({ id: str(objectId), title: str(fc.string({ maxLength: 20 })), attributes }),
    },
    'tracker.event.v1alpha1.EventService/GetEvent': { request: () => msg({ id: str(objectId) }) },
    'tracker.event.v1alpha1.EventService/DeleteEvent': { request: () => msg({ id: str(objectId) }) },
    'tracker.event.v1alpha1.EventService/GetEventChangelog': { request: () => msg({ id: str(objectId) }) },
    'tracker.event.v1alpha1.EventService/GetEventNotifications': { request: () => msg({ id: str(objectId) }) },
    'tracker.event.v1alpha1.EventService/ListEvents': { request: () => msg(page), cap: 300 },
    'tracker.event.v1alpha1.EventService/SearchEvents': {
      request: () =>
        msg({
          ...page,
          priority: int(fc.integer({ min: 1, max: 5 })),
          service: str(withLookAlikes(fc.constant('grpc-fuzz-a'))),
          type: int(fc.integer({ min: 1, max: 5 })),
          startDate: str(isoDate),
          endDate: str(isoDate),
        }),
    },
    'tracker.event.v1alpha1.EventService/TodayEvents': {
      request: () => msg({ ...page, tz: str(fc.constantFrom('UTC', 'Europe/Paris')) }),
      cap: 300,
    },
    'tracker.event.v1alpha1.EventService/GetEventStats': {
      request: () => msg({ startDate: str(isoDate), endDate: str(isoDate), service: str(fc.constant('grpc-fuzz-a')) }),
      cap: 300,
    },
    'tracker.event.v1alpha1.EventService/ListOverlaps': {
      request: () =>
        msg({
          from: str(dayIn('2024-01-01T00:00:00Z', '2024-01-31T00:00:00Z')),
          to: str(dayIn('2024-02-01T00:00:00Z', '2024-03-31T00:00:00Z')),
          by: str(fc.constantFrom('service', 'environment')),
          service: str(fc.constant('grpc-fuzz-a')),
          environment: int(fc.integer({ min: 1, max: 8 })),
          type: int(fc.integer({ min: 1, max: 5 })),
        }),
      cap: 300,
    },
    'tracker.event.v1alpha1.EventService/WatchEvents': {
      request: () =>
        msg({
          service: str(fc.constantFrom('grpc-fuzz-a', 'grpc-fuzz-b')),
          environment: int(fc.integer({ min: 1, max: 8 })),
          type: int(fc.integer({ min: 1, max: 5 })),
          status: int(fc.constantFrom(1, 3, 4)),
          priority: int(fc.integer({ min: 1, max: 5 })),
          resumeFrom: cursor,
        }),
      cap: 300,
      check: opensAndRefuses,
    },
    'astra.core.v1.EventService/WatchEvents': {
      request: () => msg({ accountId, resumeFrom: cursor }),
      cap: 300,
      check: opensAndRefuses,
    },
    'tracker.change.v1alpha1.ChangeService/CreateChange': {
      request: () =>
        msg({
          service: str(changeServices),
          sha: str(fc.stringMatching(/^[0-9a-f]{7,40}$/)),
          pullRequestLink: str(fc.webUrl()),
          title: str(fc.string({ maxLength: 20 })),
          mergedAt: str(isoDate),
          committedAt: str(isoDate),
        }),
      cap: 300,
      phase: 0,
    },
    'tracker.change.v1alpha1.ChangeService/ListChanges': {
      request: () => msg({ ...page, service: str(changeServices), from: str(isoDate), to: str(isoDate) }),
      cap: 300,
    },
    'tracker.insights.v1alpha1.InsightsService/GetDora': {
      request: () => msg({ ...window, service: str(fc.constant('grpc-fuzz-a')), bucket: str(fc.constantFrom('day', 'week', 'month')) }),
      cap: 300,
    },
    'tracker.insights.v1alpha1.InsightsService/ListDoraByService': { request: () => msg(window), cap: 300 },
    'tracker.incident.v1alpha1.IncidentService/ListIncidents': {
      request: () =>
        msg({ ...page, ...window, service: str(fc.constant('grpc-fuzz-a')), status: str(fc.constantFrom('open', 'resolved')) }),
      cap: 300,
    },
    'tracker.incident.v1alpha1.IncidentService/GetIncident': { request: () => msg({ id: str(objectId) }) },
    // Freezes: creates and imports first, so reads, checks and deletes meet stored ones.
    'tracker.freeze.v1alpha1.FreezeService/CreateFreeze': {
      // One-off windows and recurrences (the two shapes the API takes), each field valid, hostile or missing.
      request: () => {
        const common = {
          name: str(fc.string({ minLength: 1, maxLength: 20 })),
          reason: str(fc.string({ maxLength: 20 })),
          services: strs(freezeServices),
          environments: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }),
        };
        return fc.oneof(
          msg({ ...common, start: str(isoDate), end: str(isoDate) }),
          msg({
            ...common,
            start: str(
              fc.oneof(
                isoDate.map((d) => d.slice(0, 19)),
                isoDate,
              ),
            ),
            timezone: str(freezeZone),
            rrule: str(fc.constantFrom('FREQ=WEEKLY;BYDAY=FR', 'FREQ=DAILY;COUNT=2', 'FREQ=SECONDLY', 'BYDAY=XX')),
            duration: str(fc.constantFrom('P2DT16H', 'PT1H', '-PT1H', 'P')),
          }),
        );
      },
      cap: 300,
      phase: 0,
      check: async (run) => {
        await storedAsAnswered(freezeCount)(run);
        const ids = (
          await store
            .db()
            .collection<{ _id: string }>('freezes')
            .find({}, { projection: { _id: 1 } })
            .toArray()
        ).map((f) => f._id);
        freezeId = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: uuid });
      },
    },
    'tracker.freeze.v1alpha1.FreezeService/ImportFreezes': {
      request: () =>
        fc.oneof(
          fc.record({
            calendar: hostileCalendar.map((text) => Buffer.from(text)),
            services: fc.constantFrom(['grpc-freeze-a'], []),
            timezone: fc.constantFrom('Europe/Paris', 'UTC'),
          }),
          msg({
            calendar: fc.oneof(
              { weight: 12, arbitrary: hostileCalendar.map((text) => Buffer.from(text)) },
              { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
            ),
            services: strs(freezeServices),
            environments: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }),
            timezone: str(freezeZone),
          }),
        ),
      cap: 300,
      phase: 0,
      check: async (run) => {
        expect((await run()).some((o) => o.status === status.OK)).toBe(true);
      },
    },
    'tracker.freeze.v1alpha1.FreezeService/GetFreeze': { request: () => msg({ id: str(freezeId) }), cap: 300 },
    'tracker.freeze.v1alpha1.FreezeService/DeleteFreeze': { request: () => msg({ id: str(freezeId) }), cap: 300, phase: 2 },
    'tracker.freeze.v1alpha1.FreezeService/ListFreezes': {
      request: () =>
        msg({
          at: str(isoDate),
          service: str(freezeServices),
          environment: int(fc.integer({ min: 1, max: 8 })),
          perPage: int(fc.integer({ min: 0, max: 200 })),
          page: int(fc.integer({ min: 0, max: 3 })),
        }),
      cap: 300,
    },
    'tracker.freeze.v1alpha1.DeployabilityService/Check': {
      request: () =>
        msg({
          service: str(freezeServices),
          environment: int(fc.integer({ min: 1, max: 8 })),
          at: str(isoDate),
          owner: str(fc.constantFrom('team-a', 'team-b')),
        }),
      cap: 300,
    },
    'tracker.lock.v1alpha1.LockService/AcquireLock': {
      request: () =>
        msg({
          service: str(withLookAlikes(fc.constantFrom(...lockServices))),
          environment: int(fc.integer({ min: 1, max: 8 })),
          resource: str(fc.constantFrom('deployment', 'migration')),
          owner: str(lockOwner),
          reason: str(fc.string({ maxLength: 20 })),
          ttlSeconds: int(fc.integer({ min: 10, max: 86_400 })),
          eventId: fc.oneof({ weight: 6, arbitrary: fc.constant(MISSING) }, { weight: 1, arbitrary: str(objectId) }),
          wait: fc.boolean(),
          waitSeconds: int(fc.integer({ min: 10, max: 86_400 })),
        }),
      cap: 300,
      phase: 0,
      check: async (run) => {
        expect((await run()).some((o) => o.status === status.OK)).toBe(true);
        const held = await Promise.all(
          lockServices.map((service) =>
            clients['tracker.lock.v1alpha1.LockService'].call<{ locks?: { id: string }[] }>('ListLocks', { service }, md),
          ),
        );
        const ids = held.flatMap((r) => r.locks ?? []).map((l) => l.id);
        lockId = fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...ids) },
          { weight: 1, arbitrary: uuid },
          { weight: 1, arbitrary: fc.constantFrom('not-a-uuid', '') },
        );
      },
    },
    'tracker.lock.v1alpha1.LockService/RenewLock': {
      request: () => msg({ id: str(lockId), owner: str(lockOwner), ttlSeconds: int(fc.integer({ min: 10, max: 86_400 })) }),
      cap: 300,
    },
    'tracker.lock.v1alpha1.LockService/GetLock': { request: () => msg({ id: str(lockId) }), cap: 300 },
    'tracker.lock.v1alpha1.LockService/ReleaseLock': {
      request: () => msg({ id: str(lockId), owner: str(lockOwner), force: fc.boolean() }),
      cap: 300,
    },
    'tracker.lock.v1alpha1.LockService/GetLockQueue': {
      request: () =>
        msg({
          service: str(withLookAlikes(fc.constantFrom(...lockServices))),
          environment: int(fc.integer({ min: 1, max: 8 })),
          resource: str(fc.constantFrom('deployment', 'migration')),
        }),
      cap: 300,
    },
    'tracker.lock.v1alpha1.LockService/LeaveLockQueue': {
      request: () => msg({ ticketId: str(lockId), owner: str(lockOwner), force: fc.boolean() }),
      cap: 300,
    },
    'tracker.lock.v1alpha1.LockService/ListLocks': {
      request: () =>
        msg({ service: str(fc.constantFrom(...lockServices)), environment: int(fc.integer({ min: 1, max: 8 })), owner: str(lockOwner) }),
      cap: 300,
    },
    'astra.core.v1.EventService/GetEvent': { request: () => msg({ accountId, eventId: str(uuid) }) },
    'astra.core.v1.EventService/ListEvents': { request: () => msg({ accountId, ...listParams }) },
    'astra.core.v1.NotificationService/ListNotifications': { request: () => msg({ accountId, ...listParams }) },
    'astra.core.v1.NotificationService/GetNotification': { request: () => msg({ accountId, notificationId: str(uuid) }) },
    'astra.core.v1.NotificationService/ListUnreadNotifications': {
      request: () => msg({ accountId, userId, ...listParams, include: str(fc.constant('id')), groupId: str(uuid) }),
    },
    'astra.core.v1.NotificationService/GetUnreadNotification': {
      request: () => msg({ accountId, userId, unreadNotificationId: str(uuid), groupId: str(uuid) }),
    },
    'astra.core.v1.NotificationService/MarkNotificationRead': {
      request: () => msg({ accountId, userId, unreadNotificationId: str(uuid) }),
    },
    'astra.core.v1.NotificationService/ListBanners': { request: () => msg({ accountId, userId: str(fc.constant(user)), ...listParams }) },
    'astra.core.v1.NotificationService/DismissBanner': { request: () => msg({ accountId, userId, bannerId: str(uuid) }) },
    // Creates last: FerretDB sorts, counts and aggregates in memory, so every stored event slows the reads above.
    'tracker.event.v1alpha1.EventService/CreateEvent': {
      request: () => msg({ title: str(fc.string({ minLength: 1, maxLength: 20 })), attributes, links }),
      phase: 3,
      check: storedAsAnswered(() => store.db().collection('tracker_events').countDocuments({})),
    },
    'astra.core.v1.EventService/CreateEvent': {
      request: () => msg({ accountId: fc.constant(account), event: newEvent }),
      phase: 3,
      check: storedAsAnswered(() => store.db().collection('activity_events').countDocuments({ accountID: account })),
    },
  };

  const TABLE = METHODS.map((method) => ({ method, extras: EXTRAS[method.key] ?? {} })).sort(
    (a, b) => (a.extras.phase ?? 1) - (b.extras.phase ?? 1),
  );

  it('every method extra names a method the app serves', () => {
    expect(Object.keys(EXTRAS).filter((key) => !METHODS.some((m) => m.key === key))).toEqual([]);
  });

  it.each(TABLE.map(({ method, extras }) => [method.key, method, extras] as const))('%s', async (_key, method, extras) => {
    const run = () => fuzz(method, extras.request?.() ?? method.request, extras.cap === undefined ? FUZZ_RUNS : runsFor(extras.cap));
    if (extras.check) await extras.check(run);
    else await run();
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
    const locks =
      (await clients['tracker.lock.v1alpha1.LockService'].call<{ locks?: { service: string; owner: string }[] }>('ListLocks', {}, md))
        .locks ?? [];
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
    await expect(clients['tracker.event.v1alpha1.EventService'].call('ListEvents', { perPage: 1 })).resolves.toMatchObject({ perPage: 1 });
  });
});
