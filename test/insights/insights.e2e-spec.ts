import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { DoraMetrics } from '../../src/features/insights/dora-metrics';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';
import { CLOUDEVENTS_PATH, postGithub, structured, WEBHOOK_SECRET } from '../support/intake';

/*
 * The hand-written 30-day scenario: two services in production (plus noise in pre-production, before the
 * window and still at Start), deployments, failures, an incident naming a deployment, a rollback, incidents
 * resolved by endDate and by a status change, an unresolved one, and changes linked by pull request, by commit
 * and by time. Every number of the answers is computed by hand below. Everything goes in through the public
 * APIs, as a team's tools would send it: events and changes over REST; the rollback and a change as CDEvents
 * (POST /cloudevents); a deployment with its commit, its status and a merged pull request as signed GitHub
 * webhooks (POST /webhooks/github). The search service is a GitHub repository, so its name is the repository's
 * full name, which is also the service of its merged pull requests.
 */

const API = '/api/v1alpha1';
const DAY = 86_400;
const at = (iso: string) => `2024-${iso}Z`;
const PR3 = 'https://github.com/org/checkout/pull/3';
const SEARCH = 'org/search';
const SHA_S1 = '1'.repeat(40);

/** proto-loader (oneofs: true) names which synthetic oneof of a proto3 `optional` field is set (`_tier`): not data. */
function withoutOneofNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutOneofNames);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !k.startsWith('_'))
      .map(([k, v]) => [k, withoutOneofNames(v)]),
  );
}

describe('DORA insights: the 30-day scenario over REST, gRPC and /metrics', () => {
  let app: TestApp;
  let insights: UnaryClient;
  const ids: Record<string, string> = {};
  /** I2's resolution: the time its status became Close, read from its changelog. */
  let i2Seconds: number;

  const event = async (name: string, attributes: Record<string, unknown>, links?: Record<string, string>) => {
    const res = await http('POST', `${app.http}${API}/event`, { body: { title: name, attributes, ...(links ? { links } : {}) } });
    expect(res.status).toBe(200);
    ids[name] = res.body.id;
    return res.body.id as string;
  };
  const deployment = (name: string, service: string, startDate: string, status: number, environment = 7, links?: Record<string, string>) =>
    event(name, { type: 1, service, environment, status, startDate: at(startDate) }, links);
  const incident = (name: string, service: string, attrs: Record<string, unknown>, environment = 7) =>
    event(name, { type: 4, service, environment, ...attrs });
  const change = async (body: Record<string, string>) =>
    expect((await http('POST', `${app.http}${API}/changes`, { body })).status).toBe(201);
  /** A CDEvent (v0.4.1) in a structured-mode CloudEvent, as a CD tool emits it; one new tracker event or change each. */
  const cdevent = async (type: string, timestamp: string, subject: Record<string, unknown>) => {
    const context = { version: '0.4.1', id: randomUUID(), source: '/argocd/prod', type: `dev.cdevents.${type}.0.2.0`, timestamp };
    const res = await http('POST', `${app.http}${CLOUDEVENTS_PATH}`, {
      raw: JSON.stringify(structured({ context, subject })),
      headers: { 'content-type': 'application/cloudevents+json' },
    });
    expect({ type, status: res.status, body: res.body }).toMatchObject({ type, status: 201, body: { duplicate: false } });
    return res.body as { eventId?: string; changeId?: string };
  };
  /** A GitHub webhook delivery, signed with the webhook secret as GitHub signs it. */
  const github = async (event: string, payload: Record<string, unknown>, expected: number) => {
    const res = await postGithub(app.http, event, JSON.stringify(payload));
    expect({ event, status: res.status, body: res.body }).toMatchObject({ event, status: expected, body: { duplicate: false } });
    return res.body as { eventId?: string; changeId?: string };
  };

  beforeAll(async () => {
    app = await startTestApp({ env: { GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET, RATE_LIMIT_PER_MINUTE: '1000000' } });
    insights = grpcClient(
      app.grpc,
      join(PROTO_ROOT, 'tracker/insights/v1alpha1/insights.proto'),
      'tracker.insights.v1alpha1.InsightsService',
    );

    // checkout, production
    await deployment('D0', 'checkout', '02-25T10:00:00', 3); // before the window: the previous successful deployment
    await deployment('D1', 'checkout', '03-04T12:00:00', 3); // ships C1, C2 (by time)
    await deployment('D2', 'checkout', '03-05T12:00:00', 4); // Failure
    await deployment('D3', 'checkout', '03-06T12:00:00', 3, 7, { pullRequestLink: PR3 }); // ships C3 (linked), not C4
    await deployment('D4', 'checkout', '03-11T09:00:00', 3); // ships C5; failed by incident I1
    // D5: a rollback reported by the CD tool (CDEvents service.rolledback): a Warning deployment with the rollback mark, failed
    const rollback = {
      id: 'checkout',
      type: 'service',
      content: { environment: { id: 'production' }, artifactId: 'pkg:oci/checkout@v40' },
    };
    await cdevent('service.rolledback', at('03-20T12:00:00'), rollback);
    await deployment('D6', 'checkout', '03-25T12:00:00', 3); // no change since D4: without change data
    await deployment('D7', 'checkout', '03-27T12:00:00', 1); // still at Start: not counted
    await deployment('D8', 'checkout', '03-12T12:00:00', 3, 6); // pre-production: not this environment
    await change({ service: 'checkout', sha: 'c1'.padEnd(40, '0'), mergedAt: at('02-27T12:00:00') });
    await change({ service: 'checkout', sha: 'c2'.padEnd(40, '0'), mergedAt: at('03-04T00:00:00') });
    // C3: the pull request's merge, reported as a CDEvent (change.merged; the subject is the pull request)
    await cdevent('change.merged', at('03-06T10:00:00'), { id: PR3, type: 'change', content: { repository: { id: 'checkout' } } });
    await change({ service: 'checkout', sha: 'c4'.padEnd(40, '0'), mergedAt: at('03-05T00:00:00') });
    await change({ service: 'checkout', sha: 'c5'.padEnd(40, '0'), mergedAt: at('03-10T09:00:00') });

    // search (org/search), production
    const repository = { id: 1296269, name: 'search', full_name: SEARCH, html_url: `https://github.com/${SEARCH}` };
    // S1: a GitHub deployment of commit SHA_S1 (created, then its success status): ships CS1 (by commit), not CS0
    const s1 = {
      id: 145988746,
      sha: SHA_S1,
      ref: 'main',
      task: 'deploy',
      payload: {},
      environment: 'production',
      creator: { login: 'deploy-bot' },
      created_at: at('03-02T08:00:00'),
      updated_at: at('03-02T08:00:00'),
    };
    ids.S1 = (await github('deployment', { action: 'created', deployment: s1, repository }, 201)).eventId!;
    const success = { state: 'success', environment: 'production', created_at: at('03-02T08:06:00'), updated_at: at('03-02T08:06:00') };
    expect(
      (await github('deployment_status', { action: 'created', deployment_status: success, deployment: s1, repository }, 200)).eventId,
    ).toBe(ids.S1);
    await deployment('S2', SEARCH, '03-18T08:00:00', 6); // Error
    await deployment('S3', SEARCH, '03-19T08:00:00', 3); // ships CS2, CS3 (by time, since S1)
    await change({ service: SEARCH, sha: '0'.repeat(40), mergedAt: at('02-28T00:00:00') });
    // CS1: the merged pull request that made commit SHA_S1, as GitHub reports it
    const merged = {
      number: 7,
      title: 'Rank by recency',
      html_url: `https://github.com/${SEARCH}/pull/7`,
      merged: true,
      merged_at: at('03-01T20:00:00'),
      merge_commit_sha: SHA_S1,
    };
    await github('pull_request', { action: 'closed', number: 7, pull_request: merged, repository }, 201);
    await change({ service: SEARCH, sha: 'c2'.padEnd(40, '1'), mergedAt: at('03-18T08:00:00') });
    await change({ service: SEARCH, sha: 'c3'.padEnd(40, '1'), committedAt: at('03-12T08:00:00') });

    // incidents
    await incident('I1', 'checkout', { relatedId: ids.D4, status: 8, startDate: at('03-11T10:00:00'), endDate: at('03-11T10:30:00') });
    const i2 = await incident('I2', SEARCH, { status: 7, startDate: at('03-15T00:00:00') });
    expect((await http('PUT', `${app.http}${API}/event`, { body: { id: i2, attributes: { status: 8 } } })).status).toBe(200);
    const closedAt = (await http('GET', `${app.http}${API}/event/${i2}/changelog`)).body.changelog.find(
      (e: { field: string; new: unknown }) => e.field === 'attributes.status' && e.new === 8,
    ).at;
    i2Seconds = (Date.parse(closedAt) - Date.parse(at('03-15T00:00:00'))) / 1000;
    await incident('I3', 'checkout', { status: 8, startDate: at('03-22T00:00:00'), endDate: at('03-22T02:00:00') });
    await incident('I4', SEARCH, { status: 7, startDate: at('03-28T00:00:00') }); // unresolved
    await incident('I5', 'checkout', { status: 8, startDate: at('03-12T00:00:00'), endDate: at('03-12T01:00:00') }, 6); // pre-production
    await incident('I6', 'checkout', { status: 8, startDate: at('02-20T00:00:00'), endDate: at('02-20T01:00:00') }); // before the window
  });
  afterAll(async () => {
    insights?.close();
    await app?.close();
  });

  const WINDOW = { from: '2024-03-01T00:00:00.000Z', to: '2024-03-31T00:00:00.000Z' };

  it('GET /insights/dora: every number by hand, weekly buckets included', async () => {
    const res = await http('GET', `${app.http}${API}/insights/dora?environment=7&from=2024-03-01&to=2024-03-30&bucket=week`);
    expect(res.status).toBe(200);
    // Lead-time pairs: D1: C1 6 d, C2 12 h; D3: C3 2 h; D4: C5 1 d; S1: CS1 12 h; S3: CS2 1 d, CS3 7 d.
    // Sorted: 2h, 12h, 12h, 1d, 1d, 6d, 7d -> median 1 d (high: not under 1 day), p90 rank ceil(6.3) = 7 -> 7 d.
    // Recovery: I1 30 min, I2 (closed now), I3 2 h -> median 2 h (high). I4 unresolved.
    expect(res.body).toEqual({
      window: WINDOW,
      environment: 7,
      service: null,
      deploymentFrequency: { count: 9, perDay: 9 / 30, tier: 'high' },
      leadTimeForChanges: { medianSeconds: DAY, p90Seconds: 7 * DAY, samples: 7, deploymentsWithoutChanges: 1, tier: 'high' },
      // D2 and S2 by status, D5 by the rollback mark, D4 by I1's link; rework: D5 (the rollback mark)
      changeFailureRate: {
        failed: 4,
        total: 9,
        rate: 4 / 9,
        tier: 'low',
        byReason: { status: 2, rollback: 1, linkedIncident: 1, suspectedIncident: 0 },
      },
      recoveryTime: {
        medianSeconds: 7200,
        samples: 3,
        unresolved: 1,
        tier: 'high',
        bySource: { pagerduty: 0, alertmanager: 0, grafana: 0, tracker: 4 },
      },
      deploymentReworkRate: { rework: 1, total: 9, rate: 1 / 9 },
      buckets: [
        { start: '2024-02-26T00:00:00.000Z', deployments: 1, failed: 0, leadTimeMedianSeconds: 43200, recoveryMedianSeconds: null },
        { start: '2024-03-04T00:00:00.000Z', deployments: 3, failed: 1, leadTimeMedianSeconds: 43200, recoveryMedianSeconds: null },
        {
          start: '2024-03-11T00:00:00.000Z',
          deployments: 1,
          failed: 1,
          leadTimeMedianSeconds: DAY,
          recoveryMedianSeconds: (1800 + i2Seconds) / 2,
        },
        {
          start: '2024-03-18T00:00:00.000Z',
          deployments: 3,
          failed: 2,
          leadTimeMedianSeconds: (DAY + 7 * DAY) / 2,
          recoveryMedianSeconds: 7200,
        },
        { start: '2024-03-25T00:00:00.000Z', deployments: 1, failed: 0, leadTimeMedianSeconds: null, recoveryMedianSeconds: null },
      ],
    });
  });

  it('GET /insights/dora?service=checkout and monthly buckets', async () => {
    const res = await http('GET', `${app.http}${API}/insights/dora?service=checkout&from=2024-03-01&to=2024-03-30&bucket=month`);
    expect(res.status).toBe(200);
    // checkout pairs: 2h, 12h, 1d, 6d -> median (12h + 1d) / 2 = 18 h (elite), p90 rank ceil(3.6) = 4 -> 6 d.
    expect(res.body).toMatchObject({
      service: 'checkout',
      deploymentFrequency: { count: 6, perDay: 6 / 30, tier: 'high' },
      leadTimeForChanges: { medianSeconds: 64800, p90Seconds: 6 * DAY, samples: 4, deploymentsWithoutChanges: 1, tier: 'elite' },
      changeFailureRate: {
        failed: 3,
        total: 6,
        rate: 0.5,
        tier: 'low',
        byReason: { status: 1, rollback: 1, linkedIncident: 1, suspectedIncident: 0 },
      },
      recoveryTime: {
        medianSeconds: 4500,
        samples: 2,
        unresolved: 0,
        tier: 'high',
        bySource: { pagerduty: 0, alertmanager: 0, grafana: 0, tracker: 2 },
      },
      deploymentReworkRate: { rework: 1, total: 6, rate: 1 / 6 },
      buckets: [
        { start: '2024-03-01T00:00:00.000Z', deployments: 6, failed: 3, leadTimeMedianSeconds: 64800, recoveryMedianSeconds: 4500 },
      ],
    });
  });

  const byService = () => [
    {
      service: 'checkout',
      deploymentFrequency: { count: 6, perDay: 0.2, tier: 'high' },
      leadTimeForChanges: { medianSeconds: 64800, p90Seconds: 6 * DAY, samples: 4, deploymentsWithoutChanges: 1, tier: 'elite' },
      changeFailureRate: {
        failed: 3,
        total: 6,
        rate: 0.5,
        tier: 'low',
        byReason: { status: 1, rollback: 1, linkedIncident: 1, suspectedIncident: 0 },
      },
      recoveryTime: {
        medianSeconds: 4500,
        samples: 2,
        unresolved: 0,
        tier: 'high',
        bySource: { pagerduty: 0, alertmanager: 0, grafana: 0, tracker: 2 },
      },
      deploymentReworkRate: { rework: 1, total: 6, rate: 1 / 6 },
    },
    {
      // pairs 12h, 1d, 7d -> median 1 d (high), p90 rank ceil(2.7) = 3 -> 7 d; 3 in 30 days: medium
      service: SEARCH,
      deploymentFrequency: { count: 3, perDay: 0.1, tier: 'medium' },
      leadTimeForChanges: { medianSeconds: DAY, p90Seconds: 7 * DAY, samples: 3, deploymentsWithoutChanges: 0, tier: 'high' },
      changeFailureRate: {
        failed: 1,
        total: 3,
        rate: 1 / 3,
        tier: 'low',
        byReason: { status: 1, rollback: 0, linkedIncident: 0, suspectedIncident: 0 },
      },
      recoveryTime: {
        medianSeconds: i2Seconds,
        samples: 1,
        unresolved: 1,
        tier: 'low',
        bySource: { pagerduty: 0, alertmanager: 0, grafana: 0, tracker: 2 },
      },
      deploymentReworkRate: { rework: 0, total: 3, rate: 0 },
    },
  ];

  it('GET /insights/dora/services: the keys per service, sorted by name', async () => {
    const res = await http('GET', `${app.http}${API}/insights/dora/services?from=2024-03-01&to=2024-03-30`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ window: WINDOW, environment: 7, services: byService() });
  });

  it('gRPC GetDora and ListDoraByService answer the same numbers (unset where REST says null)', async () => {
    const dora = withoutOneofNames(await insights.call('GetDora', { from: '2024-03-01', to: '2024-03-30', bucket: 'week' })) as Record<
      string,
      any
    >;
    expect(dora).toMatchObject({
      window: WINDOW,
      environment: 7,
      deploymentFrequency: { count: 9, perDay: 9 / 30, tier: 'high' },
      leadTimeForChanges: { medianSeconds: DAY, p90Seconds: 7 * DAY, samples: 7, deploymentsWithoutChanges: 1, tier: 'high' },
      changeFailureRate: {
        failed: 4,
        total: 9,
        rate: 4 / 9,
        tier: 'low',
        byReason: { status: 2, rollback: 1, linkedIncident: 1, suspectedIncident: 0 },
      },
      recoveryTime: {
        medianSeconds: 7200,
        samples: 3,
        unresolved: 1,
        tier: 'high',
        bySource: { pagerduty: 0, alertmanager: 0, grafana: 0, tracker: 4 },
      },
      deploymentReworkRate: { rework: 1, total: 9, rate: 1 / 9 },
    });
    expect(dora.service).toBeUndefined();
    expect(dora.buckets).toHaveLength(5);
    expect(dora.buckets[4]).toEqual({ start: '2024-03-25T00:00:00.000Z', deployments: 1, failed: 0 });
    const list = withoutOneofNames(await insights.call('ListDoraByService', { environment: 7, from: '2024-03-01', to: '2024-03-30' }));
    expect(list).toEqual({ window: WINDOW, environment: 7, services: byService() });
    const bad = await expectGrpcError(insights.call('GetDora', { bucket: 'year' }), status.INVALID_ARGUMENT);
    expect(bad.details).toContain('bucket');
  });

  it.each([
    ['environment=9', 'environment'],
    ['environment=prod', 'environment'],
    ['from=2024-03-10&to=2024-03-01', 'to'],
    ['from=2024-03-10T00:00:00Z&to=2024-03-10T00:00:00Z', 'to'],
    ['from=2023-01-01&to=2024-03-01', 'to'],
    ['from=2020-01-01', 'from'],
    ['from=3000-01-01', 'from'],
    ['bucket=year', 'bucket'],
    ['from=yesterday', 'from'],
    ['service=', null],
  ])('GET /insights/dora?%s -> 400 naming %s', async (query, field) => {
    const res = await http('GET', `${app.http}${API}/insights/dora?${query}`);
    if (field === null) return expect(res.status).toBe(200);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(res.body)).toContain(`"${field}"`);
  });

  it('defaults to production over the 30 days before now', async () => {
    const before = Date.now();
    const res = await http('GET', `${app.http}${API}/insights/dora`);
    expect(res.status).toBe(200);
    expect(res.body.environment).toBe(7);
    const [from, to] = [Date.parse(res.body.window.from), Date.parse(res.body.window.to)];
    expect(to - from).toBe(30 * DAY * 1000);
    expect(to).toBeGreaterThanOrEqual(before - 30_000);
    expect(res.body.deploymentFrequency).toEqual({ count: 0, perDay: 0, tier: null });
  });

  it('/metrics: the gauges per service and environment, from the background refresh (a scrape computes nothing)', async () => {
    const metrics = app.tracker.app.get(DoraMetrics);
    // Scrapes only read: the boot refresh covered the 30 days before now, where the scenario has nothing.
    expect((await http('GET', `${app.http}/metrics`)).text).not.toMatch(/^tracker_dora_\w+\{service="checkout"/m);
    // The scenario lies in 2024: the gauges cover the 30 days before 2024-03-30.
    await metrics.refresh(new Date('2024-03-30T00:00:00Z'));
    const text = (await http('GET', `${app.http}/metrics`)).text;
    const sample = (name: string, service: string, env: number) =>
      new RegExp(`^${name}\\{service="${service}",environment="${env}"\\} (\\S+)$`, 'm').exec(text)?.[1];
    expect(Number(sample('tracker_dora_deployments_per_day', 'checkout', 7))).toBeCloseTo(0.2, 12);
    expect(Number(sample('tracker_dora_change_failure_rate', 'checkout', 7))).toBe(0.5);
    expect(Number(sample('tracker_dora_lead_time_seconds', 'checkout', 7))).toBe(64800);
    expect(Number(sample('tracker_dora_recovery_time_seconds', 'checkout', 7))).toBe(4500);
    expect(Number(sample('tracker_dora_deployment_rework_rate', 'checkout', 7))).toBeCloseTo(1 / 6, 12);
    expect(Number(sample('tracker_dora_deployment_rework_rate', SEARCH, 7))).toBe(0);
    expect(Number(sample('tracker_dora_deployments_per_day', SEARCH, 7))).toBeCloseTo(0.1, 12);
    // pre-production: D8 alone (12 March), its incident I5 resolved in 1 h
    expect(Number(sample('tracker_dora_deployments_per_day', 'checkout', 6))).toBeCloseTo(1 / 30, 12);
    expect(Number(sample('tracker_dora_recovery_time_seconds', 'checkout', 6))).toBe(3600);
    expect(sample('tracker_dora_change_failure_rate', 'nobody', 7)).toBeUndefined();
  });
});
