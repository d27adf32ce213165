import fc from 'fast-check';
import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CLASSES, DESTINATIONS, SEVERITIES } from '../../src/features/activity-log/dto/create-event.dto';
import { isIdentifier } from '../../src/platform/validation/identifier';
import { startTestApp, TestApp } from '../support/app-harness';
import { sampleEvent } from '../support/astra-events';
import { bearer } from '../support/auth';
import {
  FUZZ_RUNS,
  FUZZ_SEED,
  hostileBody,
  hostileQuery,
  hostileSegment,
  hostileValue,
  mutatedRecord,
  Outcome,
  RawJson,
  record,
  runAll,
  runsFor,
  samples,
  send,
  sendStreamOpen,
  serverErrors,
  visible,
  withLookAlikes,
} from '../support/fuzz';
import { http } from '../support/http';
import { CLOUDEVENTS_PATH, GITHUB_PATH, signatureOf, WEBHOOK_SECRET } from '../support/intake';
import { EVENT_ENVIRONMENTS, EVENT_IMPACTS, EVENT_PRIORITIES, EVENT_STATUSES, EVENT_TYPES } from '../../src/contract/enums';

/*
 * Property-based fuzzing of every REST endpoint (fast-check): generated bodies, query strings and path ids,
 * FUZZ_RUNS (default 1,000) per endpoint. Properties: every answer is 2xx or 4xx (never 5xx, never silence);
 * the app is healthy afterwards; failed writes leave nothing behind (stored creates = 2xx creates; a refused
 * update leaves its event as it was).
 */

const isoDate = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const smallText = fc.string({ minLength: 1, maxLength: 30 });
const oneOf = <T>(values: readonly T[]) => fc.constantFrom(...values);

const trackerAttributes = mutatedRecord({
  message: smallText,
  source: withLookAlikes(smallText),
  type: oneOf(EVENT_TYPES),
  priority: oneOf(EVENT_PRIORITIES),
  service: withLookAlikes(fc.constantFrom('fuzz-a', 'fuzz-b')),
  status: oneOf(EVENT_STATUSES),
  environment: oneOf(EVENT_ENVIRONMENTS),
  impact: oneOf(EVENT_IMPACTS),
  startDate: isoDate,
  owner: withLookAlikes(smallText),
  stakeHolders: fc.array(withLookAlikes(smallText), { maxLength: 3 }),
  notification: fc.constant(false),
});
const trackerLinks = mutatedRecord({ pullRequestLink: fc.webUrl(), ticket: smallText });
const trackerCreate = hostileBody(mutatedRecord({ title: smallText, attributes: trackerAttributes, links: trackerLinks }));

const pageParams = { per_page: fc.integer({ min: 1, max: 100 }).map(String), page: fc.integer({ min: 1, max: 5 }).map(String) };
const searchParams = {
  ...pageParams,
  priority: oneOf(EVENT_PRIORITIES).map(String),
  type: oneOf(EVENT_TYPES).map(String),
  environment: oneOf(EVENT_ENVIRONMENTS).map(String),
  status: oneOf(EVENT_STATUSES).map(String),
  service: withLookAlikes(fc.constantFrom('fuzz-a', 'fuzz-b')),
  start_date: isoDate,
  end_date: isoDate,
};
const statsParams = { start_date: isoDate, end_date: isoDate, service: withLookAlikes(fc.constantFrom('fuzz-a', 'fuzz-b')) };
// Mostly valid windows (at most 92 days): from in January, to in February or March.
const dayIn = (min: string, max: string) =>
  fc.date({ min: new Date(min), max: new Date(max), noInvalidDate: true }).map((d) => d.toISOString());
const overlapParams = {
  from: dayIn('2024-01-01T00:00:00Z', '2024-01-31T00:00:00Z'),
  to: dayIn('2024-02-01T00:00:00Z', '2024-03-31T00:00:00Z'),
  by: fc.constantFrom('service', 'environment'),
  service: withLookAlikes(fc.constantFrom('fuzz-a', 'fuzz-b')),
  environment: oneOf(EVENT_ENVIRONMENTS).map(String),
  type: oneOf(EVENT_TYPES).map(String),
};

const LOCK_SERVICES = ['fuzz-lock-a', 'fuzz-lock-b'];
const lockOwner = withLookAlikes(fc.constantFrom('owner-1', 'owner-2', 'owner-3'));
const lockService = withLookAlikes(fc.constantFrom(...LOCK_SERVICES));
const lockParams = { service: lockService, environment: oneOf(EVENT_ENVIRONMENTS).map(String), owner: lockOwner };

const astraCreate = hostileBody(
  mutatedRecord({
    name: fc.constantFrom('astra.app.discovery.failed', 'a.b.c'),
    summary: fc.string({ minLength: 3, maxLength: 40 }),
    source: fc.constantFrom('composite-compute', 'fuzz'),
    resourceID: fc.uuid({ version: 4 }),
    resourceType: fc.constantFrom('application/astra-app'),
    severity: oneOf(SEVERITIES),
    class: oneOf(CLASSES),
    description: fc.string({ minLength: 3, maxLength: 40 }),
    eventTime: isoDate,
    correlationID: fc.uuid({ version: 4 }),
    additionalResourceIDs: fc.array(fc.uuid({ version: 4 }), { maxLength: 2 }),
    visibility: fc.subarray(['viewer', 'member', 'admin', 'owner']),
    destinations: fc.subarray([...DESTINATIONS]),
  }),
);
const astraListParams = {
  include: fc.constantFrom('id,name', 'summary', 'id,severity,eventTime'),
  limit: fc.integer({ min: 0, max: 200 }).map(String),
  skip: fc.integer({ min: 0, max: 50 }).map(String),
  filter: fc.constantFrom("severity eq 'warning'", "name eq 'a.b.c'", "eventTime gt '2024-01-01T00:00:00Z'", "summary eq '.*'"),
  orderBy: fc.constantFrom('eventTime desc', 'name', 'severity asc'),
  count: fc.constantFrom('true', 'false'),
};
/** unreadNotification_1.0 has its own fields. */
const unreadListParams = {
  include: fc.constantFrom('id', 'id,severity', 'notificationID'),
  limit: astraListParams.limit,
  skip: astraListParams.skip,
  filter: fc.constantFrom("severity eq 'warning'", "severity eq '.*'"),
  count: astraListParams.count,
};

// The CI/CD intake: GitHub deliveries (mostly correctly signed, so the mapping sees hostile payloads) and CloudEvents.
const githubDelivery = hostileBody(
  mutatedRecord({
    action: fc.constantFrom('created', 'closed', 'opened'),
    deployment: mutatedRecord({
      id: fc.integer({ min: 1, max: 6 }),
      environment: fc.constantFrom('production', 'Staging', 'moon'),
      sha: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 40, maxLength: 40 }),
      ref: smallText,
      created_at: isoDate,
      description: fc.option(smallText, { nil: null }),
      payload: mutatedRecord({ service: smallText, pull_request_url: fc.webUrl() }),
      creator: mutatedRecord({ login: smallText }),
    }),
    deployment_status: mutatedRecord({
      state: fc.constantFrom('queued', 'pending', 'in_progress', 'success', 'failure', 'error', 'inactive', 'bogus'),
      environment: fc.constantFrom('production', 'qa'),
      created_at: isoDate,
      updated_at: isoDate,
      description: smallText,
    }),
    pull_request: mutatedRecord({ merged: fc.boolean() }),
    repository: mutatedRecord({ full_name: fc.constantFrom('o/fuzz-a', 'o/fuzz-b') }),
  }),
);
const githubEventName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('deployment', 'deployment_status', 'pull_request', 'ping', 'issues') },
  { weight: 1, arbitrary: smallText },
);
const cdeventType = fc.constantFrom(
  'dev.cdevents.service.deployed.0.2.0',
  'dev.cdevents.service.rolledback.0.2.0',
  'dev.cdevents.pipelinerun.started.0.2.0',
  'dev.cdevents.pipelinerun.finished.0.2.0',
  'dev.cdevents.incident.detected.0.2.0',
  'dev.cdevents.incident.resolved.0.2.0',
  'dev.cdevents.service.deployed.0.1.0',
  'com.example.other',
);
const ceSource = fc.constantFrom('/fuzz/a', '/fuzz/b');
/** The subject of each CDEvent kind, valid for its schema unless mutated. */
function subjectFor(type: string): fc.Arbitrary<Record<string, unknown>> {
  const environment = mutatedRecord({ id: fc.constantFrom('prod', 'staging', 'moon') });
  if (type.includes('.service.'))
    return mutatedRecord({
      id: fc.constantFrom('svc-1', 'svc-2'),
      type: fc.constant('service'),
      content: mutatedRecord({ environment, artifactId: smallText }),
    });
  if (type.includes('.pipelinerun.'))
    return mutatedRecord({
      id: fc.constantFrom('run-1', 'run-2'),
      type: fc.constant('pipelineRun'),
      content: mutatedRecord({
        pipelineName: smallText,
        url: fc.webUrl(),
        ...(type.includes('finished') ? { outcome: fc.constantFrom('success', 'failure', 'error', 'cancel') } : {}),
      }),
    });
  return mutatedRecord({
    id: fc.constantFrom('incident-1', 'incident-2'),
    type: fc.constant('incident'),
    content: mutatedRecord({ environment, description: smallText, service: mutatedRecord({ id: smallText }) }),
  });
}
const cdevent = (type: string) =>
  mutatedRecord({
    context: mutatedRecord({
      version: fc.constant('0.4.1'),
      id: fc.uuid({ version: 4 }),
      source: ceSource,
      type: fc.constant(type),
      timestamp: isoDate,
    }),
    subject: subjectFor(type),
  });
/** A structured CloudEvent whose id, source and type mostly agree with its CDEvent (so a fair share is recorded). */
const cloudEvent = cdeventType.chain((type) =>
  fc
    .tuple(
      cdevent(type),
      mutatedRecord({ specversion: fc.constant('1.0'), time: isoDate, datacontenttype: fc.constant('application/json') }),
    )
    .map(([data, ce]) => {
      const context = (data.context ?? {}) as Record<string, unknown>;
      return { ...ce, id: context.id, source: context.source, type, data };
    }),
);
interface CloudEventsInput {
  mode: 'structured' | 'batch' | 'binary';
  body: unknown;
  headers?: Record<string, unknown>;
}
const cloudEventsRequest: fc.Arbitrary<CloudEventsInput> = fc.oneof(
  {
    weight: 4,
    arbitrary: hostileBody(cloudEvent.map((e) => e as Record<string, unknown>)).map((body): CloudEventsInput => ({
      mode: 'structured',
      body,
    })),
  },
  { weight: 2, arbitrary: fc.array(cloudEvent, { maxLength: 4 }).map((body): CloudEventsInput => ({ mode: 'batch', body })) },
  { weight: 1, arbitrary: hostileValue.map((body): CloudEventsInput => ({ mode: 'batch', body })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(cloudEvent, mutatedRecord({ 'ce-id': fc.uuid({ version: 4 }), 'ce-time': isoDate }), fc.boolean())
      .map(([e, extra, keepId]): CloudEventsInput => ({
        mode: 'binary',
        body: e.data,
        headers: { ...extra, ...(keepId ? { 'ce-id': e.id } : {}), 'ce-source': e.source, 'ce-type': e.type },
      })),
  },
);
/** Every path of a JSON body (objects and arrays walked, arrays by index), each as a list of keys. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

/** A copy of `body` with the value at `path` replaced by null. */
function nullAt(body: Record<string, unknown>, path: (string | number)[]): Record<string, unknown> {
  const copy = structuredClone(body);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = null;
  return copy;
}

const CE_TYPES: Record<string, string> = { structured: 'application/cloudevents+json', batch: 'application/cloudevents-batch+json' };

describe(`REST fuzz (${FUZZ_RUNS} inputs per endpoint, seed ${FUZZ_SEED})`, () => {
  let app: TestApp;
  let store: MongoClient;
  const account = randomUUID();
  const user = randomUUID();
  const admin = bearer(account, 'admin', { user });
  const owner = bearer(account, 'owner', { user });
  const targets: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({
      env: {
        TTL_SWEEP_MS: '3600000',
        RATE_LIMIT_PER_MINUTE: '10000000',
        // 16 inputs in flight from one caller: every input is judged, none refused for the caller's scan share
        SCAN_MAX_IN_FLIGHT: '32',
        SCAN_MAX_IN_FLIGHT_PER_CALLER: '32',
        GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
        INGEST_ENVIRONMENTS: 'production=7,staging=6,prod=7',
      },
    });
    store = await MongoClient.connect(app.storeUri);
    for (let i = 0; i < 16; i++) {
      const res = await http('POST', `${app.http}/api/v1alpha1/event`, {
        body: { title: `target ${i}`, attributes: { type: 1, service: 'fuzz-target' } },
      });
      targets.push(res.body.id);
    }
  });
  afterAll(async () => {
    await store?.close();
    await app?.close();
  });

  /** Runs one endpoint's inputs, records the figures and asserts: no 5xx, no missing answer. */
  async function fuzz<T>(
    name: string,
    inputs: T[],
    call: (input: T) => Promise<{ status: number; body: string }>,
    concurrency = 16,
  ): Promise<Outcome[]> {
    const started = performance.now();
    const outcomes = await runAll(inputs, call, concurrency);
    record(name, outcomes, performance.now() - started);
    expect(serverErrors(outcomes)).toEqual([]);
    return outcomes;
  }

  const trackerCount = async () => store.db().collection('tracker_events').countDocuments({});

  it.each(['', '/changelog', '/notifications'])('GET /api/v1alpha1/event/{id}%s with hostile ids', async (suffix) => {
    await fuzz(`GET /api/v1alpha1/event/{id}${suffix}`, samples(hostileSegment), (id) =>
      send('GET', `${app.http}/api/v1alpha1/event/${id}${suffix}`),
    );
  });

  it('DELETE /api/v1alpha1/event/{id} with hostile ids', async () => {
    await fuzz('DELETE /api/v1alpha1/event/{id}', samples(hostileSegment), (id) => send('DELETE', `${app.http}/api/v1alpha1/event/${id}`));
    // none of the fuzz ids named a real event
    for (const id of targets) expect((await send('GET', `${app.http}/api/v1alpha1/event/${id}`)).status).toBe(200);
  });

  // Counts: list/today/stats answer 50-65 % of their inputs from the store (measured 56-100 inputs/s at 16 in
  // flight on the loaded 2-core CI box), so they run 400 (stats 300) per CI run; search and monthly 1,000.
  it.each([
    ['/api/v1alpha1/events/list', pageParams, 400],
    ['/api/v1alpha1/events/search', searchParams, 1000],
    ['/api/v1alpha1/events/today', { ...pageParams, tz: fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata') }, 400],
    ['/api/v1alpha1/events/stats', statsParams, 300],
    ['/api/v1alpha1/events/stats/monthly', statsParams, 1000],
    // Valid windows read every event with a start in them (sorted and swept in memory): 300 per CI run.
    ['/api/v1alpha1/events/overlaps', overlapParams, 300],
  ] as const)('GET %s with hostile query strings', async (path, params, cap) => {
    await fuzz(`GET ${path}`, samples(hostileQuery(params as Record<string, fc.Arbitrary<string>>), runsFor(cap)), (q) =>
      send('GET', `${app.http}${path}?${q}`),
    );
  });

  // Live streams (docs/live.md): a hostile query is a 400; a valid one opens a text/event-stream (closed at once).
  const cursorText = fc.oneof(
    fc.nat({ max: 50 }).map(String),
    fc.string({ maxLength: 40 }),
    fc.constantFrom('-1', '1e3', '01', '9'.repeat(20)),
  );
  const streamParams = {
    service: withLookAlikes(fc.constantFrom('fuzz-a', 'fuzz-b')),
    priority: oneOf(EVENT_PRIORITIES).map(String),
    type: oneOf(EVENT_TYPES).map(String),
    environment: oneOf(EVENT_ENVIRONMENTS).map(String),
    status: oneOf(EVENT_STATUSES).map(String),
    since: cursorText,
  };
  it('GET /api/v1alpha1/events/stream with hostile query strings and Last-Event-ID headers', async () => {
    await fuzz('GET /api/v1alpha1/events/stream', samples(hostileQuery(streamParams), runsFor(300)), (q) =>
      sendStreamOpen(`${app.http}/api/v1alpha1/events/stream?${q}`),
    );
    await fuzz(
      'GET /api/v1alpha1/events/stream (Last-Event-ID)',
      samples(
        cursorText.filter((c) => /^[\x20-\x7e]*$/.test(c)),
        runsFor(200),
      ),
      (c) => sendStreamOpen(`${app.http}/api/v1alpha1/events/stream`, { 'last-event-id': c }),
    );
  });

  const A = (path: string) => `/accounts/${account}/core/v1${path}`;
  it('GET Astra events/stream with hostile query strings', async () => {
    await fuzz('GET /accounts/{account}/core/v1/events/stream', samples(hostileQuery({ since: cursorText }), runsFor(300)), (q) =>
      sendStreamOpen(`${app.http}${A('/events/stream')}?${q}`, owner),
    );
  });

  it.each([
    ['events', A('/events'), astraListParams],
    ['notifications', A('/notifications'), astraListParams],
    ['unreadNotifications', A(`/users/${user}/unreadNotifications`), unreadListParams],
    ['banners', A('/banners'), astraListParams],
    ['user banners', A(`/users/${user}/banners`), astraListParams],
  ])('GET Astra %s list with hostile query strings', async (_name, path, params) => {
    await fuzz(
      `GET ${path.replace(account, '{account}').replace(user, '{user}')}`,
      samples(hostileQuery(params as Record<string, fc.Arbitrary<string>>)),
      (q) => send('GET', `${app.http}${path}?${q}`, undefined, owner),
    );
  });

  it.each([
    ['GET', '/events/'],
    ['GET', '/notifications/'],
    ['GET', `/users/${user}/unreadNotifications/`],
    ['DELETE', `/users/${user}/unreadNotifications/`],
    ['DELETE', `/users/${user}/banners/`],
  ])('%s Astra %s{id} with hostile ids', async (method, path) => {
    await fuzz(`${method} ${A(path).replace(account, '{account}').replace(user, '{user}')}{id}`, samples(hostileSegment), (id) =>
      send(method, `${app.http}${A(path)}${id}`, undefined, owner),
    );
  });

  it('hostile account and user ids in Astra paths', async () => {
    const paths = fc.tuple(
      hostileSegment,
      hostileSegment,
      fc.constantFrom('/events', '/notifications', '/users/{u}/unreadNotifications', '/banners'),
    );
    await fuzz('GET /accounts/{hostile}/core/v1/...', samples(paths), ([a, u, p]) =>
      send('GET', `${app.http}/accounts/${a}/core/v1${p.replace('{u}', u)}`, undefined, owner),
    );
  });

  it('POST /accounts/{id}/core/v1/events: 2xx or 4xx, and stored events = 2xx creates', async () => {
    const count = () => store.db().collection('activity_events').countDocuments({ accountID: account });
    const before = await count();
    const outcomes = await fuzz('POST /accounts/{id}/core/v1/events', samples(astraCreate), (body) =>
      send('POST', `${app.http}/accounts/${account}/core/v1/events`, body, admin),
    );
    const created = outcomes.filter((o) => o.status === 201).length;
    expect(created).toBeGreaterThan(0);
    expect(await count()).toBe(before + created);
  });

  describe('locks', () => {
    const lockBody = () =>
      hostileBody(
        mutatedRecord({
          service: lockService,
          environment: oneOf(EVENT_ENVIRONMENTS),
          resource: fc.constantFrom('deployment', 'migration'),
          owner: lockOwner,
          reason: smallText,
          ttlSeconds: fc.integer({ min: 10, max: 86_400 }),
          eventId: fc.constantFrom(...targets, 'ffffffffffffffffffffffff'),
        }),
      );
    const activeLocks = async () =>
      (
        await Promise.all(
          LOCK_SERVICES.map(async (service) => (await http('GET', `${app.http}/api/v1alpha1/locks?service=${service}`)).body.locks),
        )
      ).flat() as {
        id: string;
        service: string;
        environment: number;
        resource: string;
      }[];

    // Each valid acquire is 3-4 store writes: 300 per CI run.
    it('POST /api/v1alpha1/locks: 2xx or 4xx, and at most one active lock per key', async () => {
      const outcomes = await fuzz('POST /api/v1alpha1/locks', samples(lockBody(), runsFor(300)), (body) =>
        send('POST', `${app.http}/api/v1alpha1/locks`, body),
      );
      expect(outcomes.some((o) => o.status === 201)).toBe(true);
      const locks = await activeLocks();
      expect(locks.length).toBeGreaterThan(0);
      expect(new Set(locks.map((l) => `${l.service}|${l.environment}|${l.resource}`)).size).toBe(locks.length);
    });

    it('GET /api/v1alpha1/locks with hostile query strings', async () => {
      await fuzz('GET /api/v1alpha1/locks', samples(hostileQuery(lockParams), runsFor(300)), (q) =>
        send('GET', `${app.http}/api/v1alpha1/locks?${q}`),
      );
    });

    it.each([
      ['GET', ''],
      ['DELETE', '?owner=owner-1'],
      ['POST', '/renew'],
    ])('%s /api/v1alpha1/locks/{id}%s with hostile ids', async (method, suffix) => {
      await fuzz(`${method} /api/v1alpha1/locks/{id}${suffix}`, samples(hostileSegment), (id) =>
        send(method, `${app.http}/api/v1alpha1/locks/${id}${suffix}`, method === 'POST' ? { owner: 'owner-1' } : undefined),
      );
    });

    it('POST /api/v1alpha1/locks/{id}/renew and DELETE /api/v1alpha1/locks/{id} on held locks with hostile bodies and queries', async () => {
      const ids = (await activeLocks()).map((l) => l.id);
      const renewals = samples(
        fc.tuple(
          fc.constantFrom(...ids),
          hostileBody(mutatedRecord({ owner: lockOwner, ttlSeconds: fc.integer({ min: 10, max: 86_400 }) })),
        ),
        runsFor(300),
      );
      await fuzz('POST /api/v1alpha1/locks/{id}/renew (held)', renewals, ([id, body]) =>
        send('POST', `${app.http}/api/v1alpha1/locks/${id}/renew`, body),
      );
      const releases = samples(
        fc.tuple(fc.constantFrom(...ids), hostileQuery({ owner: lockOwner, force: fc.constantFrom('true', 'false') })),
        runsFor(300),
      );
      await fuzz('DELETE /api/v1alpha1/locks/{id} (held)', releases, ([id, q]) =>
        send('DELETE', `${app.http}/api/v1alpha1/locks/${id}?${q}`),
      );
    });
  });

  describe('changes', () => {
    const CHANGE_SERVICES = ['fuzz-change-a', 'fuzz-change-b'];
    const sha = fc.stringMatching(/^[0-9a-f]{7,40}$/);
    const changeBody = hostileBody(
      mutatedRecord({
        service: withLookAlikes(fc.constantFrom(...CHANGE_SERVICES)),
        sha,
        pullRequestLink: fc.webUrl(),
        title: smallText,
        mergedAt: isoDate,
        committedAt: isoDate,
      }),
    );
    const changeParams = {
      ...pageParams,
      service: withLookAlikes(fc.constantFrom(...CHANGE_SERVICES)),
      from: isoDate,
      to: isoDate,
    };

    it('POST /api/v1alpha1/changes: 2xx or 4xx, and stored changes = 201 creates', async () => {
      const count = () => store.db().collection('changes').countDocuments({});
      const before = await count();
      const outcomes = await fuzz('POST /api/v1alpha1/changes', samples(changeBody, runsFor(300)), (body) =>
        send('POST', `${app.http}/api/v1alpha1/changes`, body),
      );
      const created = outcomes.filter((o) => o.status === 201).length;
      expect(created).toBeGreaterThan(0);
      expect(await count()).toBe(before + created);
    });

    it('GET /api/v1alpha1/changes with hostile query strings', async () => {
      await fuzz('GET /api/v1alpha1/changes', samples(hostileQuery(changeParams), runsFor(300)), (q) =>
        send('GET', `${app.http}/api/v1alpha1/changes?${q}`),
      );
    });
  });

  describe('insights', () => {
    const doraParams = {
      environment: oneOf(EVENT_ENVIRONMENTS).map(String),
      service: withLookAlikes(fc.constantFrom('fuzz-a', 'fuzz-b')),
      from: dayIn('2024-01-01T00:00:00Z', '2024-01-31T00:00:00Z'),
      to: dayIn('2024-02-01T00:00:00Z', '2025-03-31T00:00:00Z'),
      bucket: fc.constantFrom('day', 'week', 'month'),
    };
    // Each valid request reads the events and changes collections once: 300 per CI run.
    it.each([
      ['/api/v1alpha1/insights/dora', doraParams],
      ['/api/v1alpha1/insights/dora/services', { environment: doraParams.environment, from: doraParams.from, to: doraParams.to }],
    ] as const)('GET %s with hostile query strings', async (path, params) => {
      await fuzz(`GET ${path}`, samples(hostileQuery(params as Record<string, fc.Arbitrary<string>>), runsFor(300)), (q) =>
        send('GET', `${app.http}${path}?${q}`),
      );
    });
  });

  // Creates after the query fuzz: FerretDB sorts and counts in memory, so lists get slower as the store fills.
  it('POST /api/v1alpha1/event: 2xx or 4xx, and stored events = 2xx creates', async () => {
    const before = await trackerCount();
    const outcomes = await fuzz('POST /api/v1alpha1/event', samples(trackerCreate), (body) =>
      send('POST', `${app.http}/api/v1alpha1/event`, body),
    );
    const created = outcomes.filter((o) => o.status === 200).length;
    expect(created).toBeGreaterThan(0);
    expect(await trackerCount()).toBe(before + created);
  });

  describe('CI/CD intake', () => {
    const intakeCount = (provider: string) => store.db().collection('tracker_events').countDocuments({ 'intake.provider': provider });

    it('POST /api/v1alpha1/webhooks/github: 2xx or 4xx, and stored events = 201 answers', async () => {
      const before = await intakeCount('github');
      const inputs = samples(fc.tuple(githubEventName, githubDelivery, fc.nat(9), fc.uuid({ version: 4 })), runsFor(400));
      const outcomes = await fuzz('POST /api/v1alpha1/webhooks/github', inputs, ([event, body, signWhat, delivery]) => {
        const text = body instanceof RawJson ? body.text : (JSON.stringify(body) ?? 'null');
        // 8 in 10 signed over the exact bytes, 1 signed over other bytes, 1 unsigned.
        const signature = signWhat < 8 ? signatureOf(text) : signWhat === 8 ? signatureOf(`${text} `) : undefined;
        const headers: Record<string, string> = { 'x-github-event': event, 'x-github-delivery': delivery };
        if (signature) headers['x-hub-signature-256'] = signature;
        return send('POST', `${app.http}${GITHUB_PATH}`, body, headers);
      });
      const created = outcomes.filter((o) => o.status === 201).length;
      expect(created).toBeGreaterThan(0);
      expect(await intakeCount('github')).toBe(before + created);
    });

    it('POST /api/v1alpha1/cloudevents (binary, structured, batch): 2xx or 4xx, and stored events = 201 answers', async () => {
      const before = await intakeCount('cdevents');
      let created = 0;
      const outcomes = await fuzz('POST /api/v1alpha1/cloudevents', samples(cloudEventsRequest, runsFor(400)), async (input) => {
        const headers: Record<string, string> = {};
        // Header values must be text: a generated non-string becomes its JSON, and characters HTTP cannot carry go.
        for (const [k, v] of Object.entries(input.headers ?? {}).filter(([k]) => /^[a-z-]+$/.test(k)))
          headers[k] = (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')).replace(/[^\x20-\x7e]/g, '');
        if (CE_TYPES[input.mode]) headers['content-type'] = CE_TYPES[input.mode];
        else headers['ce-specversion'] = '1.0';
        const res = await send('POST', `${app.http}${CLOUDEVENTS_PATH}`, input.body ?? null, headers);
        if (res.status === 201) created++;
        if (res.status === 200 && input.mode === 'batch') {
          const answer = JSON.parse(res.body) as { results?: { status: number }[] };
          created += (answer.results ?? []).filter((r) => r.status === 201).length;
        }
        return res;
      });
      expect(outcomes.some((o) => o.status === 201 || o.status === 200)).toBe(true);
      expect(await intakeCount('cdevents')).toBe(before + created);
    });
  });

  // Last: valid updates grow the targets' embedded changelogs, and FerretDB scans whole documents on reads.
  it('PUT /api/v1alpha1/event: 2xx or 4xx, and a refused update changes nothing', async () => {
    // Each target event gets its own sequential stream, so "before" and "after" are well defined.
    // Three requests per input (GET, PUT, GET) and a growing changelog: 200 per CI run (measured 18 inputs/s).
    const inputs = samples(
      fc.tuple(fc.nat(targets.length - 1), mutatedRecord({ title: smallText, attributes: trackerAttributes, links: trackerLinks })),
      runsFor(200),
    );
    const streams = targets.map((id, t) => inputs.filter(([i]) => i === t).map(([, body]) => ({ id, body })));
    const all: Outcome[] = [];
    const started = performance.now();
    await Promise.all(
      streams.map(async (stream) => {
        for (const { id, body } of stream) {
          const before = await send('GET', `${app.http}/api/v1alpha1/event/${id}`);
          const res = await send('PUT', `${app.http}/api/v1alpha1/event`, { ...body, id });
          all.push({ status: res.status, input: body, body: res.body });
          if (res.status >= 400 && res.status < 500) {
            const after = await send('GET', `${app.http}/api/v1alpha1/event/${id}`);
            expect(after.body).toBe(before.body);
          }
        }
      }),
    );
    record('PUT /api/v1alpha1/event', all, performance.now() - started);
    expect(serverErrors(all)).toEqual([]);
    expect(all.some((o) => o.status === 200)).toBe(true);
  });

  it('PUT /api/v1alpha1/event with a hostile id or body', async () => {
    const body = fc.oneof(trackerCreate, mutatedRecord({ id: fc.constantFrom('ffffffffffffffffffffffff'), title: smallText }));
    // 40 % reach the store (404 lookups): 300 per CI run (measured 77 inputs/s).
    await fuzz('PUT /api/v1alpha1/event (hostile id)', samples(body, runsFor(300)), (b) =>
      send('PUT', `${app.http}/api/v1alpha1/event`, b),
    );
  });

  /**
   * class-validator's IsOptional lets null through: each write must read a null as absent or refuse it, never
   * store it (a null title was once stored by PUT /event). Every path of a full valid body, one at a time; each
   * answer, and the stored resource read back, is checked against the OpenAPI document by the sender.
   */
  it('a null in any one field of a valid body: 2xx with nothing stored as null, or 4xx', async () => {
    const attributes = {
      type: 1,
      service: 'fuzz-nulls',
      environment: 7,
      status: 1,
      priority: 2,
      impact: 1,
      owner: 'team',
      message: 'm',
      source: 's',
      startDate: '2024-01-15T10:00:00Z',
      endDate: '2024-01-15T11:00:00Z',
      stakeHolders: ['a', 'b'],
      notification: false,
    };
    const links = { pullRequestLink: 'https://example.com/pr/1', ticket: 'T-1' };
    const trackerBody = { title: 'nulls', attributes, links };
    const outcomes: Outcome[] = [];
    const check = async (res: { status: number; body: string }, input: unknown, readBack?: (body: string) => Promise<unknown>) => {
      outcomes.push({ status: res.status, input, body: res.body });
      if (res.status < 300 && readBack) await readBack(res.body);
    };
    const started = performance.now();
    for (const path of pathsOf(trackerBody)) {
      const body = nullAt(trackerBody, path);
      await check(await send('POST', `${app.http}/api/v1alpha1/event`, body), body, (b) =>
        send('GET', `${app.http}/api/v1alpha1/event/${(JSON.parse(b) as { id: string }).id}`),
      );
      const update = { id: targets[0], ...body };
      await check(await send('PUT', `${app.http}/api/v1alpha1/event`, update), update, () =>
        send('GET', `${app.http}/api/v1alpha1/event/${targets[0]}`),
      );
    }
    const astra = sampleEvent();
    for (const path of pathsOf(astra)) {
      const body = nullAt(astra, path);
      await check(await send('POST', `${app.http}/accounts/${account}/core/v1/events`, body, admin), body, (b) =>
        send('GET', `${app.http}/accounts/${account}/core/v1/events/${(JSON.parse(b) as { id: string }).id}`, undefined, admin),
      );
    }
    const lock = { service: 'fuzz-nulls', environment: 7, resource: 'deployment', owner: 'o', reason: 'r', ttlSeconds: 60 };
    for (const [i, path] of pathsOf(lock).entries()) {
      const body = nullAt({ ...lock, service: `fuzz-nulls-${i}` }, path);
      await check(await send('POST', `${app.http}/api/v1alpha1/locks`, body), body, () =>
        send('GET', `${app.http}/api/v1alpha1/locks?service=fuzz-nulls-${i}`),
      );
    }
    const change = {
      service: 'fuzz-nulls',
      sha: 'a'.repeat(40),
      pullRequestLink: 'https://example.com/pr/2',
      title: 't',
      mergedAt: '2024-01-15T10:00:00Z',
      committedAt: '2024-01-15T09:00:00Z',
    };
    for (const path of pathsOf(change)) {
      const body = nullAt({ ...change, sha: randomUUID().replace(/-/g, '').padEnd(40, '0') }, path);
      await check(await send('POST', `${app.http}/api/v1alpha1/changes`, body), body, () =>
        send('GET', `${app.http}/api/v1alpha1/changes?service=fuzz-nulls`),
      );
    }
    record('null in one field (POST/PUT event, Astra, locks, changes)', outcomes, performance.now() - started);
    expect(serverErrors(outcomes)).toEqual([]);
    expect(outcomes.some((o) => o.status < 300)).toBe(true);
  });

  /**
   * Look-alike names (LOOK_ALIKE_NAMES, in every name field above) are refused, never stored: `payments` and
   * `pay\u202Ements` cannot both exist (docs/security.md, identifiers). Read from the store and the lock list.
   */
  it('stored no look-alike name: every service, owner, source, stake holder, ticket and lock or change name is an identifier', async () => {
    const events = await store
      .db()
      .collection('tracker_events')
      .find({}, { projection: { attributes: 1, links: 1 } })
      .toArray();
    const names = events.flatMap((e) => {
      const a = e.attributes ?? {};
      return [a.service, a.owner, a.source, a.relatedId, ...(a.stakeHolders ?? []), e.links?.ticket];
    });
    const changes = await store
      .db()
      .collection('changes')
      .find({}, { projection: { service: 1 } })
      .toArray();
    const locks = (await http('GET', `${app.http}/api/v1alpha1/locks`)).body.locks as { service: string; owner: string }[];
    const all = [...names, ...changes.map((c) => c.service), ...locks.flatMap((l) => [l.service, l.owner])].filter((n) => n !== undefined);
    expect(all.length).toBeGreaterThan(100);
    expect([...new Set(all.filter((n) => !isIdentifier(n)))].map(visible)).toEqual([]);
  });

  it('answers an over-long URL (past the 16 KB header limit) with 431 or a closed connection, and stays up', async () => {
    const res = await send('GET', `${app.http}/api/v1alpha1/events/list?service=${'x'.repeat(100_000)}`).catch((err: Error) => ({
      status: 0,
      body: err.message,
    }));
    expect(res.status === 431 || /ECONNRESET|EPIPE|socket hang up/.test(res.body)).toBe(true);
  });

  it('is still healthy, and still serves a valid create', async () => {
    expect((await http('GET', `${app.http}/health/ready`)).status).toBe(200);
    expect(
      (
        await http('POST', `${app.http}/api/v1alpha1/event`, {
          body: { title: 'after fuzz', attributes: { type: 1, service: 'fuzz-after' } },
        })
      ).status,
    ).toBe(200);
    expect((await http('POST', `${app.http}/accounts/${account}/core/v1/events`, { body: sampleEvent(), headers: admin })).status).toBe(
      201,
    );
  });
});
