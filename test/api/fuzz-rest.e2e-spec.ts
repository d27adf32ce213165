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
  pct,
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
import { hostileCalendar } from '../support/calendar-fuzz';
import { CLOUDEVENTS_PATH, GITHUB_PATH, signatureOf, WEBHOOK_SECRET } from '../support/intake';
import { ALERTMANAGER_PATH, ALERTMANAGER_TOKEN, INCIDENT_ENV, PAGERDUTY_PATH, pagerDutySignature } from '../support/incident-intake';
import { ARGOCD_PATH, ARGOCD_TOKEN, CD_INTAKE_ENV, FLUX_PATH, fluxSignature, GITLAB_PATH, GITLAB_TOKEN } from '../support/cd-intake';
import {
  asText,
  bodyArbitrary,
  FuzzOperation,
  OpenApiDocument,
  openApiOperations,
  readOpenApiDocument,
  schemaArbitrary,
} from '../support/openapi-fuzz';
import { EVENT_ENVIRONMENTS, EVENT_IMPACTS, EVENT_PRIORITIES, EVENT_STATUSES, EVENT_TYPES } from '../../src/contract/enums';

/*
 * Property-based fuzzing of every REST endpoint (fast-check): generated bodies, query strings and path ids,
 * FUZZ_RUNS (default 1,000) per endpoint. Properties: every answer is 2xx or 4xx (never 5xx, never silence);
 * the app is healthy afterwards; failed writes leave nothing behind (stored creates = 2xx creates; a refused
 * update leaves its event as it was).
 *
 * The endpoints are the OpenAPI document's operations (test/support/openapi-fuzz.ts): each is fuzzed from its
 * parameters' and body's schemas with no row here. EXTRAS adds, per route and only where it helps, values the
 * document cannot know (stored ids, look-alike names, valid date windows), a CI count, a custom sender, or a check
 * of what was stored.
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
const FREEZE_SERVICES = ['fuzz-freeze-a', 'fuzz-freeze-b'];
const freezeService = withLookAlikes(fc.constantFrom(...FREEZE_SERVICES));
const freezeZone = fc.constantFrom('Europe/Paris', 'America/New_York', 'UTC', 'Mars/Olympus', 'europe/paris', '+02:00');
/** One-off windows and recurrences (the two shapes the API takes), each field valid, hostile or missing. */
const freezeCommon = {
  name: smallText,
  reason: smallText,
  services: fc.array(freezeService, { maxLength: 3 }),
  environments: fc.array(oneOf(EVENT_ENVIRONMENTS), { maxLength: 3 }),
};
const freezeBody = fc.oneof(
  mutatedRecord({ ...freezeCommon, start: isoDate, end: isoDate }),
  mutatedRecord({
    ...freezeCommon,
    start: fc.oneof(
      isoDate.map((d) => d.slice(0, 19)),
      isoDate,
    ),
    timezone: freezeZone,
    rrule: fc.constantFrom('FREQ=WEEKLY;BYDAY=FR', 'FREQ=DAILY;COUNT=2', 'FREQ=SECONDLY', 'FREQ=WEEKLY;BYDAY=XX', 'BYDAY=FR', ''),
    duration: fc.constantFrom('P2DT16H', 'PT1H', '-PT1H', 'PT0S', 'P', 'P99999D'),
  }),
);
const freezeParams = {
  at: fc.oneof(isoDate, smallText),
  service: freezeService,
  environment: oneOf(EVENT_ENVIRONMENTS).map(String),
  page: fc.integer({ min: -1, max: 3 }).map(String),
  per_page: fc.integer({ min: -1, max: 200 }).map(String),
};
/** A calendar's range: days near one another, so most ranges are within the 62 days the route takes. */
const calendarDay = fc.integer({ min: 0, max: 90 }).map((d) => new Date(Date.UTC(2027, 0, 1 + d)).toISOString());
const occurrenceParams = {
  from: fc.oneof(calendarDay, calendarDay, smallText),
  to: fc.oneof(calendarDay, calendarDay, smallText),
  service: freezeService,
  environment: oneOf(EVENT_ENVIRONMENTS).map(String),
};
const importParams = {
  services: fc.array(freezeService, { maxLength: 3 }).map((a) => a.join(',')),
  environments: fc.array(oneOf(EVENT_ENVIRONMENTS), { maxLength: 3 }).map((a) => a.join(',')),
  timezone: freezeZone,
};
const deployabilityParams = {
  service: freezeService,
  environment: oneOf(EVENT_ENVIRONMENTS).map(String),
  at: fc.oneof(isoDate, smallText),
  owner: fc.constantFrom('team-a', 'team-b'),
};
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
// The incident intake: PagerDuty V3 events (mostly correctly signed) and Alertmanager / Grafana bodies (mostly with the token).
const pagerDutyBody = hostileBody(
  mutatedRecord({
    event: mutatedRecord({
      id: fc.uuid({ version: 4 }),
      event_type: fc.constantFrom(
        'incident.triggered',
        'incident.acknowledged',
        'incident.reopened',
        'incident.resolved',
        'incident.priority_updated',
        'incident.annotated',
        'pagey.ping',
      ),
      resource_type: fc.constantFrom('incident', 'service'),
      occurred_at: isoDate,
      data: mutatedRecord({
        id: fc.constantFrom('PFUZZ1', 'PFUZZ2', 'PFUZZ3', 'PFUZZ4', 'PFUZZ5', 'PFUZZ6'),
        status: fc.constantFrom('triggered', 'acknowledged', 'resolved'),
        created_at: isoDate,
        title: smallText,
        html_url: fc.webUrl(),
        service: mutatedRecord({ summary: withLookAlikes(fc.constantFrom('fuzz-a', 'Fuzz Service')) }),
        priority: fc.option(mutatedRecord({ summary: fc.constantFrom('P1', 'P3', 'SEV1') }), { nil: null }),
        urgency: fc.constantFrom('high', 'low'),
      }),
    }),
  }),
);
const alertFingerprint = fc.constantFrom('f0a1b2c3d4e5f601', 'f0a1b2c3d4e5f602', 'f0a1b2c3d4e5f603', 'f0a1b2c3d4e5f604');
const alertmanagerBody = hostileBody(
  mutatedRecord({
    receiver: smallText,
    status: fc.constantFrom('firing', 'resolved'),
    version: fc.constantFrom('4', '1'),
    orgId: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    groupKey: smallText,
    truncatedAlerts: fc.nat(3),
    alerts: fc.array(
      mutatedRecord({
        status: fc.constantFrom('firing', 'resolved'),
        labels: mutatedRecord({
          alertname: smallText,
          service: withLookAlikes(fc.constantFrom('fuzz-a', 'fuzz-b')),
          environment: fc.constantFrom('production', 'staging', 'moon'),
          severity: fc.constantFrom('critical', 'warning', 'info', 'bogus'),
        }),
        annotations: mutatedRecord({ summary: smallText, description: smallText }),
        startsAt: isoDate,
        endsAt: isoDate,
        generatorURL: fc.webUrl(),
        fingerprint: alertFingerprint,
      }),
      { maxLength: 4 },
    ),
  }),
);
// The CD tools' webhooks (issue 27): GitLab deployments and merge requests, Flux events, Argo CD template bodies.
const gitlabDelivery = hostileBody(
  mutatedRecord({
    object_kind: fc.constantFrom('deployment', 'merge_request', 'push'),
    status: fc.constantFrom('created', 'running', 'success', 'failed', 'canceled', 'blocked'),
    status_changed_at: fc.oneof(isoDate, fc.constantFrom('2021-04-28 21:50:00 +0200', '2013-12-03 17:23:34 UTC')),
    deployment_id: fc.integer({ min: 1, max: 6 }),
    deployable_url: fc.option(fc.webUrl(), { nil: null }),
    environment: fc.constantFrom('production', 'Staging', 'review/x', 'moon'),
    environment_tier: fc.constantFrom('production', 'staging', 'testing', 'development', 'other'),
    project: mutatedRecord({ id: fc.integer({ min: 1, max: 3 }), path_with_namespace: smallText, web_url: fc.webUrl() }),
    short_sha: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 8 }),
    commit_url: fc.webUrl(),
    user: mutatedRecord({ username: smallText }),
    object_attributes: mutatedRecord({
      action: fc.constantFrom('merge', 'open', 'close'),
      merge_commit_sha: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 40, maxLength: 40 }),
      url: fc.webUrl(),
      title: smallText,
      updated_at: isoDate,
    }),
  }),
);
const gitlabEventName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('Deployment Hook', 'Merge Request Hook', 'Push Hook') },
  { weight: 1, arbitrary: smallText },
);
const fluxEvent = hostileBody(
  mutatedRecord({
    involvedObject: mutatedRecord({
      kind: fc.constantFrom('Kustomization', 'HelmRelease', 'GitRepository'),
      name: smallText,
      namespace: smallText,
      uid: fc.constantFrom('u-1', 'u-2', 'u-3'),
    }),
    metadata: mutatedRecord({
      'kustomize.toolkit.fluxcd.io/revision': smallText,
      service: smallText,
      environment: fc.constantFrom('production', 'moon'),
    }),
    severity: fc.constantFrom('info', 'error'),
    reason: fc.constantFrom('Progressing', 'ReconciliationSucceeded', 'UpgradeFailed', 'HealthCheckFailed', 'NewArtifact'),
    message: smallText,
    reportingController: fc.constantFrom('kustomize-controller', 'helm-controller'),
    timestamp: isoDate,
  }),
);
const argocdNotification = hostileBody(
  mutatedRecord({
    application: smallText,
    namespace: fc.option(smallText, { nil: null }),
    project: fc.option(smallText, { nil: null }),
    uid: fc.option(fc.uuid({ version: 4 }), { nil: null }),
    revision: fc.option(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 40, maxLength: 40 }), { nil: null }),
    syncStatus: fc.constantFrom('Synced', 'OutOfSync'),
    healthStatus: fc.constantFrom('Healthy', 'Progressing', 'Degraded', 'Missing'),
    operationPhase: fc.option(fc.constantFrom('Running', 'Succeeded', 'Failed', 'Error'), { nil: null }),
    startedAt: fc.option(isoDate, { nil: null }),
    finishedAt: fc.option(isoDate, { nil: null }),
    destination: fc.option(mutatedRecord({ server: fc.webUrl(), namespace: smallText }), { nil: null }),
    repoURL: fc.option(fc.webUrl(), { nil: null }),
    service: fc.option(smallText, { nil: null }),
    environment: fc.option(fc.constantFrom('production', 'staging', 'moon'), { nil: null }),
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

/** Live-stream cursors (docs/live.md): small ones resume, larger ones were never issued, the rest are malformed. */
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

const CHANGE_SERVICES = ['fuzz-change-a', 'fuzz-change-b'];
const changeBody = hostileBody(
  mutatedRecord({
    service: withLookAlikes(fc.constantFrom(...CHANGE_SERVICES)),
    sha: fc.stringMatching(/^[0-9a-f]{7,40}$/),
    pullRequestLink: fc.webUrl(),
    title: smallText,
    mergedAt: isoDate,
    committedAt: isoDate,
  }),
);
const changeParams = { ...pageParams, service: withLookAlikes(fc.constantFrom(...CHANGE_SERVICES)), from: isoDate, to: isoDate };

const doraParams = {
  environment: oneOf(EVENT_ENVIRONMENTS).map(String),
  service: withLookAlikes(fc.constantFrom('fuzz-a', 'fuzz-b')),
  from: dayIn('2024-01-01T00:00:00Z', '2024-01-31T00:00:00Z'),
  to: dayIn('2024-02-01T00:00:00Z', '2025-03-31T00:00:00Z'),
  bucket: fc.constantFrom('day', 'week', 'month'),
};

const incidentParams = {
  ...pageParams,
  environment: oneOf(EVENT_ENVIRONMENTS).map(String),
  service: withLookAlikes(fc.constantFrom('fuzz-a', 'fuzz-b')),
  from: isoDate,
  to: isoDate,
  status: fc.constantFrom('open', 'resolved'),
};

/** The route table: every operation of the OpenAPI document (a new endpoint is fuzzed without a new row). */
const DOCUMENT = readOpenApiDocument();
const OPERATIONS = openApiOperations(DOCUMENT);

/** One generated request of an operation: its path parameters, its query string, its body. */
interface RouteInput {
  path: Record<string, string>;
  query: string;
  body?: unknown;
}
type Answer = { status: number; body: string };

/**
 * What a route adds to what the document says, all optional. Valid path values are mixed with hostile
 * segments and query values with hostile text (hostileQuery); a body is a hostile mutation of `body`.
 */
interface RouteExtras {
  /** Valid path parameter values (the document's own: `account_id` and `user_id` are the suite's account and user). */
  path?: () => Record<string, fc.Arbitrary<string>>;
  /** Query parameters and their valid values, in place of the document's (values the store holds, look-alike names). */
  query?: Record<string, fc.Arbitrary<string>>;
  body?: () => fc.Arbitrary<unknown>;
  /** The CI count when most inputs reach the store (FerretDB reads whole collections): runsFor(cap). */
  cap?: number;
  /** A route that is not called with a JSON body: its own inputs and sender (signed webhooks, CloudEvents modes). */
  custom?: { inputs: () => fc.Arbitrary<unknown>; send: (input: any) => Promise<Answer> };
  /** Wraps the run with checks on what it stored (run() fuzzes, asserts no 5xx and answers the outcomes). */
  check?: (run: () => Promise<Outcome[]>) => Promise<void>;
  /** Order: 0 before the reads (writes the reads then find), else reads, deletes, creates, updates (1-4). */
  phase?: number;
}

const PHASE: Record<string, number> = { GET: 1, DELETE: 2, POST: 3, PATCH: 3, PUT: 4 };

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
        GITLAB_WEBHOOK_TOKEN: CD_INTAKE_ENV.GITLAB_WEBHOOK_TOKEN,
        FLUX_WEBHOOK_SECRET: CD_INTAKE_ENV.FLUX_WEBHOOK_SECRET,
        ARGOCD_WEBHOOK_TOKEN: CD_INTAKE_ENV.ARGOCD_WEBHOOK_TOKEN,
        INGEST_ENVIRONMENTS: 'production=7,staging=6,prod=7',
        ...INCIDENT_ENV,
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
  async function fuzz<T>(name: string, inputs: T[], call: (input: T) => Promise<Answer>, concurrency = 16): Promise<Outcome[]> {
    const started = performance.now();
    const outcomes = await runAll(inputs, call, concurrency);
    record(name, outcomes, performance.now() - started);
    expect(serverErrors(outcomes)).toEqual([]);
    return outcomes;
  }

  const trackerCount = async () => store.db().collection('tracker_events').countDocuments({});
  const freezeCount = async () => store.db().collection('freezes').countDocuments({});
  /** The freezes the create fuzz stored (their ids, for the reads and deletes). */
  const freezeIds: string[] = [];
  const storedFreezeId = () => ({
    id: fc.oneof(
      { weight: 3, arbitrary: freezeIds.length ? fc.constantFrom(...freezeIds) : fc.uuid({ version: 4 }) },
      fc.uuid({ version: 4 }),
    ),
  });
  /** Every input answered 2xx or 4xx (fuzz checks), and the collection grew by exactly the `created` answers. */
  /**
   * Every input answered 2xx or 4xx (fuzz checks), some were `accepted`, and the collection grew by exactly the
   * `created` answers (by default some inputs must have created something).
   */
  const storedAsAnswered =
    (
      count: () => Promise<number>,
      created: (outcomes: Outcome[]) => number,
      accepted: (outcomes: Outcome[]) => boolean = (outcomes) => created(outcomes) > 0,
    ) =>
    async (run: () => Promise<Outcome[]>) => {
      const before = await count();
      const outcomes = await run();
      expect(accepted(outcomes)).toBe(true);
      expect(await count()).toBe(before + created(outcomes));
    };
  const answered = (status: number) => (outcomes: Outcome[]) => outcomes.filter((o) => o.status === status).length;
  const intakeCount = (provider: string) => () => store.db().collection('tracker_events').countDocuments({ 'intake.provider': provider });
  const activeLocks = async () =>
    (
      await Promise.all(
        LOCK_SERVICES.map(async (service) => (await http('GET', `${app.http}/api/v1alpha1/locks?service=${service}`)).body.locks),
      )
    ).flat() as { id: string; service: string; environment: number; resource: string }[];
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
        wait: fc.boolean(),
        waitSeconds: fc.integer({ min: 10, max: 86_400 }),
      }),
    );
  const targetId = () => ({ id: fc.constantFrom(...targets) });

  // Counts: list/today/stats answer 50-65 % of their inputs from the store (measured 56-100 inputs/s at 16 in
  // flight on the loaded 2-core CI box), so they run 400 (stats 300) per CI run; search and monthly 1,000. Valid
  // overlap windows read every event with a start in them: 300. Each valid lock acquire is 3-4 store writes, each
  // valid DORA request reads the events and changes collections once, each stream open reads the log's bounds:
  // 300. A PUT with a hostile id reaches the store 40 % of the time (measured 77 inputs/s): 300.
  const EXTRAS: Record<string, RouteExtras> = {
    'GET /api/v1alpha1/event/{id}': { path: targetId },
    'GET /api/v1alpha1/event/{id}/changelog': { path: targetId },
    'GET /api/v1alpha1/event/{id}/notifications': { path: targetId },
    'DELETE /api/v1alpha1/event/{id}': {
      check: async (run) => {
        await run();
        // none of the fuzz ids named a real event
        for (const id of targets) expect((await send('GET', `${app.http}/api/v1alpha1/event/${id}`)).status).toBe(200);
      },
    },
    'GET /api/v1alpha1/events/list': { query: pageParams, cap: 400 },
    'GET /api/v1alpha1/events/search': { query: searchParams },
    'GET /api/v1alpha1/events/today': {
      query: { ...pageParams, tz: fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata') },
      cap: 400,
    },
    'GET /api/v1alpha1/events/stats': { query: statsParams, cap: 300 },
    'GET /api/v1alpha1/events/stats/monthly': { query: statsParams },
    'GET /api/v1alpha1/events/overlaps': { query: overlapParams, cap: 300 },
    'GET /api/v1alpha1/events/stream': {
      query: streamParams,
      cap: 300,
      // Then the cursor as a Last-Event-ID header (before the creates: a small cursor catches up on the whole log).
      check: async (run) => {
        await run();
        await fuzz(
          'GET /api/v1alpha1/events/stream (Last-Event-ID)',
          samples(
            cursorText.filter((c) => /^[\x20-\x7e]*$/.test(c)),
            runsFor(200),
          ),
          (c) => sendStreamOpen(`${app.http}/api/v1alpha1/events/stream`, { 'last-event-id': c }),
        );
      },
    },
    'GET /accounts/{account_id}/core/v1/events/stream': { query: { since: cursorText }, cap: 300 },
    'GET /accounts/{account_id}/core/v1/events': { query: astraListParams },
    'GET /accounts/{account_id}/core/v1/notifications': { query: astraListParams },
    'GET /accounts/{account_id}/core/v1/users/{user_id}/unreadNotifications': { query: unreadListParams },
    'GET /accounts/{account_id}/core/v1/groups/{group_id}/users/{user_id}/unreadNotifications': { query: unreadListParams },
    'GET /accounts/{account_id}/core/v1/banners': { query: astraListParams },
    'GET /accounts/{account_id}/core/v1/users/{user_id}/banners': { query: astraListParams },
    'POST /accounts/{account_id}/core/v1/events': {
      body: () => astraCreate,
      check: storedAsAnswered(() => store.db().collection('activity_events').countDocuments({ accountID: account }), answered(201)),
    },
    'POST /api/v1alpha1/locks': {
      body: lockBody,
      cap: 300,
      phase: 0,
      check: async (run) => {
        expect((await run()).some((o) => o.status === 201)).toBe(true);
        const locks = await activeLocks();
        expect(locks.length).toBeGreaterThan(0);
        // at most one active lock per key
        expect(new Set(locks.map((l) => `${l.service}|${l.environment}|${l.resource}`)).size).toBe(locks.length);
      },
    },
    'GET /api/v1alpha1/locks': { query: lockParams, cap: 300 },
    'GET /api/v1alpha1/locks/queue': {
      query: {
        service: lockService,
        environment: oneOf(EVENT_ENVIRONMENTS).map(String),
        resource: fc.constantFrom('deployment', 'migration'),
      },
      cap: 300,
    },
    'POST /api/v1alpha1/changes': {
      body: () => changeBody,
      cap: 300,
      phase: 0,
      check: storedAsAnswered(() => store.db().collection('changes').countDocuments({}), answered(201)),
    },
    'GET /api/v1alpha1/changes': { query: changeParams, cap: 300 },
    // Freezes: creates and imports first (phase 0), so the reads, the deployability answers and the deletes meet them.
    'POST /api/v1alpha1/freezes': {
      body: () => hostileBody(freezeBody),
      cap: 400,
      phase: 0,
      check: async (run) => {
        const before = await freezeCount();
        const outcomes = await run();
        expect(outcomes.some((o) => o.status === 201)).toBe(true);
        expect(await freezeCount()).toBe(before + answered(201)(outcomes));
        freezeIds.push(...outcomes.filter((o) => o.status === 201).map((o) => (JSON.parse(o.body) as { id: string }).id));
      },
    },
    'POST /api/v1alpha1/freezes/import': {
      cap: 300,
      phase: 0,
      custom: {
        inputs: () =>
          fc.tuple(
            hostileCalendar,
            fc.oneof(fc.constantFrom('services=fuzz-freeze-a&environments=7', 'timezone=Europe/Paris', ''), hostileQuery(importParams)),
            fc.nat(9),
          ),
        send: ([calendar, query, media]: [string, string, number]) =>
          // 9 in 10 as text/calendar; else as JSON or plain text (415: only the calendar parser's text is read).
          send('POST', `${app.http}/api/v1alpha1/freezes/import?${query}`, new RawJson(calendar), {
            'content-type': media < 9 ? 'text/calendar; charset=utf-8' : media === 9 ? 'application/json' : 'text/plain',
          }),
      },
      // Every freeze an import answered as created is stored, and nothing else (a refused calendar stores nothing).
      check: storedAsAnswered(
        freezeCount,
        (outcomes) => outcomes.reduce((n, o) => n + (o.status === 200 ? (JSON.parse(o.body) as { created: number }).created : 0), 0),
        (outcomes) => outcomes.some((o) => o.status === 200),
      ),
    },
    'GET /api/v1alpha1/freezes': { query: freezeParams, cap: 300 },
    'GET /api/v1alpha1/freezes/occurrences': { query: occurrenceParams, cap: 300 },
    'GET /api/v1alpha1/freezes/{id}': { path: storedFreezeId, cap: 300 },
    'DELETE /api/v1alpha1/freezes/{id}': { path: storedFreezeId, cap: 300 },
    'GET /api/v1alpha1/deployability': { query: deployabilityParams, cap: 300 },
    'GET /api/v1alpha1/insights/dora': { query: doraParams, cap: 300 },
    'GET /api/v1alpha1/insights/dora/services': {
      query: { environment: doraParams.environment, from: doraParams.from, to: doraParams.to },
      cap: 300,
    },
    // Each valid list reads the incidents and the deployments once: 300.
    'GET /api/v1alpha1/incidents': { query: incidentParams, cap: 300 },
    'GET /api/v1alpha1/incidents/{id}': { path: targetId },
    // Creates after the query fuzz: FerretDB sorts and counts in memory, so lists get slower as the store fills.
    'POST /api/v1alpha1/event': { body: () => trackerCreate, check: storedAsAnswered(trackerCount, answered(200)) },
    'PUT /api/v1alpha1/event': {
      body: () => fc.oneof(trackerCreate, mutatedRecord({ id: fc.constantFrom('ffffffffffffffffffffffff'), title: smallText })),
      cap: 300,
    },
    // The CI/CD intake: GitHub deliveries (mostly correctly signed, so the mapping sees hostile payloads) and CloudEvents.
    'POST /api/v1alpha1/webhooks/github': {
      cap: 400,
      custom: {
        inputs: () => fc.tuple(githubEventName, githubDelivery, fc.nat(9), fc.uuid({ version: 4 })),
        send: ([event, body, signWhat, delivery]: [string, unknown, number, string]) => {
          const text = body instanceof RawJson ? body.text : (JSON.stringify(body) ?? 'null');
          // 8 in 10 signed over the exact bytes, 1 signed over other bytes, 1 unsigned.
          const signature = signWhat < 8 ? signatureOf(text) : signWhat === 8 ? signatureOf(`${text} `) : undefined;
          const headers: Record<string, string> = { 'x-github-event': event, 'x-github-delivery': delivery };
          if (signature) headers['x-hub-signature-256'] = signature;
          return send('POST', `${app.http}${GITHUB_PATH}`, body, headers);
        },
      },
      check: storedAsAnswered(intakeCount('github'), answered(201)),
    },
    // The incident intake: 8 in 10 PagerDuty events signed over the exact bytes (1 over other bytes, 1 unsigned);
    // 8 in 10 Alertmanager bodies with the token (1 with another, 1 without).
    'POST /api/v1alpha1/webhooks/pagerduty': {
      cap: 400,
      custom: {
        inputs: () => fc.tuple(pagerDutyBody, fc.nat(9)),
        send: ([body, signWhat]: [unknown, number]) => {
          const text = body instanceof RawJson ? body.text : (JSON.stringify(body) ?? 'null');
          const signature = signWhat < 8 ? pagerDutySignature(text) : signWhat === 8 ? pagerDutySignature(`${text} `) : undefined;
          return send('POST', `${app.http}${PAGERDUTY_PATH}`, body, signature ? { 'x-pagerduty-signature': signature } : {});
        },
      },
      // Six incident ids: a 201 created one of them, every other 2xx updated or repeated one.
      check: storedAsAnswered(intakeCount('pagerduty'), answered(201), (outcomes) =>
        outcomes.some((o) => o.status === 201 || o.status === 200),
      ),
    },
    'POST /api/v1alpha1/webhooks/alertmanager': {
      cap: 400,
      custom: {
        inputs: () => fc.tuple(alertmanagerBody, fc.nat(9)),
        send: ([body, authWhat]: [unknown, number]) => {
          const authorization =
            authWhat < 8 ? `Bearer ${ALERTMANAGER_TOKEN}` : authWhat === 8 ? 'Bearer another-token-entirely' : undefined;
          return send('POST', `${app.http}${ALERTMANAGER_PATH}`, body, authorization ? { authorization } : {});
        },
      },
      // 200 answers one result per alert: each `created` among them stored one incident.
      check: storedAsAnswered(
        async () => (await intakeCount('alertmanager')()) + (await intakeCount('grafana')()),
        (outcomes) =>
          outcomes.reduce((n, o) => {
            if (o.status !== 200) return n;
            const answer = JSON.parse(o.body) as { results?: { result?: string; outcome: string }[] };
            return n + (answer.results ?? []).filter((r) => r.outcome === 'recorded' && r.result === 'created').length;
          }, 0),
        (outcomes) => outcomes.some((o) => o.status === 200),
      ),
    },
    // The CD tools' webhooks: 8 in 10 authenticated (so the mapping sees hostile payloads), the rest not. A 201
    // stored one tracker event, except a GitLab merge request's (a change).
    'POST /api/v1alpha1/webhooks/gitlab': {
      cap: 400,
      custom: {
        inputs: () => fc.tuple(gitlabEventName, gitlabDelivery, fc.nat(9), fc.uuid({ version: 4 })),
        send: ([event, body, authWhat, uuid]: [string, unknown, number, string]) => {
          const headers: Record<string, string> = { 'x-gitlab-event': event.replace(/[^\x20-\x7e]/g, ''), 'x-gitlab-event-uuid': uuid };
          if (authWhat < 8) headers['x-gitlab-token'] = GITLAB_TOKEN;
          else if (authWhat === 8) headers['x-gitlab-token'] = `${GITLAB_TOKEN}x`;
          return send('POST', `${app.http}${GITLAB_PATH}`, body, headers);
        },
      },
      check: storedAsAnswered(
        intakeCount('gitlab'),
        (outcomes) => outcomes.filter((o) => o.status === 201 && o.body.includes('eventId')).length,
      ),
    },
    'POST /api/v1alpha1/webhooks/flux': {
      cap: 400,
      custom: {
        inputs: () => fc.tuple(fluxEvent, fc.nat(9)),
        send: ([body, signWhat]: [unknown, number]) => {
          const text = body instanceof RawJson ? body.text : (JSON.stringify(body) ?? 'null');
          const signature = signWhat < 8 ? fluxSignature(text) : signWhat === 8 ? fluxSignature(`${text} `) : undefined;
          return send('POST', `${app.http}${FLUX_PATH}`, body, signature ? { 'x-signature': signature } : {});
        },
      },
      check: storedAsAnswered(intakeCount('flux'), answered(201)),
    },
    'POST /api/v1alpha1/webhooks/argocd': {
      cap: 400,
      custom: {
        inputs: () => fc.tuple(argocdNotification, fc.nat(9)),
        send: ([body, authWhat]: [unknown, number]) =>
          send(
            'POST',
            `${app.http}${ARGOCD_PATH}`,
            body,
            authWhat < 8 ? { authorization: `Bearer ${ARGOCD_TOKEN}` } : authWhat === 8 ? { authorization: 'Bearer wrong' } : {},
          ),
      },
      check: storedAsAnswered(intakeCount('argocd'), answered(201)),
    },
    'POST /api/v1alpha1/cloudevents': {
      cap: 400,
      custom: {
        inputs: () => cloudEventsRequest,
        send: async (input: CloudEventsInput) => {
          const headers: Record<string, string> = {};
          // Header values must be text: a generated non-string becomes its JSON, and characters HTTP cannot carry go.
          for (const [k, v] of Object.entries(input.headers ?? {}).filter(([k]) => /^[a-z-]+$/.test(k)))
            headers[k] = (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')).replace(/[^\x20-\x7e]/g, '');
          if (CE_TYPES[input.mode]) headers['content-type'] = CE_TYPES[input.mode];
          else headers['ce-specversion'] = '1.0';
          return send('POST', `${app.http}${CLOUDEVENTS_PATH}`, input.body ?? null, headers);
        },
      },
      // A batch answers 200 with one result per CloudEvent: each 201 among them stored one. Few inputs create
      // (most CloudEvents are refused or ignored), so it is enough that some were taken (200 or 201).
      check: storedAsAnswered(
        intakeCount('cdevents'),
        (outcomes) =>
          outcomes.reduce((n, o) => {
            if (o.status === 201) return n + 1;
            if (o.status !== 200 || (o.input as CloudEventsInput).mode !== 'batch') return n;
            const answer = JSON.parse(o.body) as { results?: { status: number }[] };
            return n + (answer.results ?? []).filter((r) => r.status === 201).length;
          }, 0),
        (outcomes) => outcomes.some((o) => o.status === 201 || o.status === 200),
      ),
    },
  };

  /** The suite's own values for the document's path parameters, everywhere they appear. */
  const SUITE_PATH_VALUES = (): Record<string, fc.Arbitrary<string>> => ({ account_id: fc.constant(account), user_id: fc.constant(user) });

  /** An operation's generated requests: each path value valid (3 in 4) or a hostile segment, hostile queries, bodies. */
  function inputsOf(op: FuzzOperation, extras: RouteExtras): fc.Arbitrary<RouteInput> {
    const valid = { ...SUITE_PATH_VALUES(), ...(extras.path?.() ?? {}) };
    const path = fc.record(
      Object.fromEntries(
        op.pathParams.map((p) => [
          p.name,
          fc.oneof(
            { weight: 3, arbitrary: (valid[p.name] ?? schemaArbitrary(p.schema, DOCUMENT).map(asText)).map(pct) },
            { weight: 1, arbitrary: hostileSegment },
          ),
        ]),
      ),
    );
    const params = extras.query ?? Object.fromEntries(op.queryParams.map((p) => [p.name, schemaArbitrary(p.schema, DOCUMENT).map(asText)]));
    const body = extras.body?.() ?? (op.body ? bodyArbitrary(op.body, DOCUMENT) : fc.constant(undefined));
    return fc.record({ path, query: hostileQuery(params), body });
  }

  function sendInput(op: FuzzOperation, input: RouteInput): Promise<Answer> {
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => input.path[name]);
    const url = `${app.http}${path}${input.query ? `?${input.query}` : ''}`;
    const headers = op.astra ? owner : {};
    // A dot segment (`..`, `%2e%2e`) is resolved by the client, so the request goes to another path (the console's
    // pages, say): it is no stream, and is sent as a plain request (the response check still applies).
    const stream = op.stream && new URL(url).pathname === path;
    return stream ? sendStreamOpen(url, headers) : send(op.method, url, input.body, headers);
  }

  const TABLE = OPERATIONS.map((op) => ({ op, extras: EXTRAS[op.key] ?? {} })).sort(
    (a, b) => (a.extras.phase ?? PHASE[a.op.method]) - (b.extras.phase ?? PHASE[b.op.method]),
  );

  it('fuzzes every operation the app serves, and every route extra names one of them', async () => {
    const served = openApiOperations((await http('GET', `${app.http}/docs-json`)).body as OpenApiDocument).map((op) => op.key);
    expect(served.sort()).toEqual(OPERATIONS.map((op) => op.key).sort());
    expect(Object.keys(EXTRAS).filter((key) => !served.includes(key))).toEqual([]);
  });

  it.each(TABLE.map(({ op, extras }) => [op.key, op, extras] as const))('%s', async (key, op, extras) => {
    const runs = extras.cap === undefined ? FUZZ_RUNS : runsFor(extras.cap);
    const run = extras.custom
      ? () => fuzz(key, samples(extras.custom!.inputs(), runs), extras.custom!.send)
      : () => fuzz(key, samples(inputsOf(op, extras), runs), (input) => sendInput(op, input));
    if (extras.check) await extras.check(run);
    else await run();
  });

  it('POST /api/v1alpha1/locks/{id}/renew and DELETE /api/v1alpha1/locks/{id} on held locks with hostile bodies and queries', async () => {
    const ids = (await activeLocks()).map((l) => l.id);
    const renewals = samples(
      fc.tuple(fc.constantFrom(...ids), hostileBody(mutatedRecord({ owner: lockOwner, ttlSeconds: fc.integer({ min: 10, max: 86_400 }) }))),
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
    record('PUT /api/v1alpha1/event (sequential per event)', all, performance.now() - started);
    expect(serverErrors(all)).toEqual([]);
    expect(all.some((o) => o.status === 200)).toBe(true);
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
