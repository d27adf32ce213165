import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { DoraMetrics } from '../../src/features/insights/dora-metrics';
import { startTestApp, TestApp } from '../support/app-harness';
import { grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';
import { fingerprint, freshAlerts, freshPagerDuty, INCIDENT_ENV, postAlertmanager, postPagerDuty } from '../support/incident-intake';

/*
 * DORA with incidents, every number by hand, through the public endpoints only: deployments posted as tracker
 * events, incidents paged in through the PagerDuty and Alertmanager/Grafana webhooks (P1, M1, G1) or posted by hand
 * (T1, T2), links by relatedId (M1 -> A4 set with PUT /event, as the console's Link does). Two instances share one store: the first with DORA_SUSPECTED_CAUSES off (the default), the
 * second with it on. Window: from=2025-02-01&to=2025-03-02 (a bare-date `to` covers its day: 30 days).
 *
 *   A1 api Success 02-03 10:00 (ended 10:10)
 *   A2 api Success 02-05 10:00 (ended 10:05)        suspected by P1 (finished 1 h 55 min before it)
 *   A3 api Failure 02-07 10:00                      failed: status
 *   A4 api Success 02-09 10:00                      failed: linked by M1
 *   A5 api Success 02-09 14:00, relatedId M1        rework: fixes M1
 *   A6 api Success 02-12 10:00, relatedId A1        rework: redeploys A1
 *   A7 api Warning 02-15 10:00
 *   A8 api Error   02-20 10:00, relatedId G1        failed: status; rework: fixes G1
 *   A9 api Start   02-25 10:00                      not counted
 *   B1 web Success 02-10 10:00, pre-production      another environment
 *   P1 pagerduty    api 02-05 12:00 .. 13:00        3,600 s, no link: suspects A2
 *   M1 alertmanager api 02-09 11:00 .. 14:30        12,600 s, linked to A4
 *   G1 grafana      api 02-18 09:00, open           unresolved; nothing within 240 min before it
 *   T1 (opsgenie -> tracker) api 02-22 00:00 .. 00:30  1,800 s; A8 (Error) is never suspected
 *   T2 tracker api 02-10, pre-production            another environment
 *
 * Counted deployments: A1-A8 = 8 (8/30 a day: high). Failed (off): A3, A8 by status, A4 by link = 3 (3/8: low);
 * on: + A2 suspected = 4 (1/2). Rework: A5, A6, A8 = 3 (3/8). Recovery: P1 3,600, M1 12,600, T1 1,800 -> median
 * 3,600 s (high), G1 unresolved; by source one each. No changes: the five successes ship none.
 */

const API = '/api/v1alpha1';
const at = (iso: string) => `2025-${iso}Z`;
const WINDOW = { from: '2025-02-01T00:00:00.000Z', to: '2025-03-03T00:00:00.000Z' };
const QUERY = 'environment=7&from=2025-02-01&to=2025-03-02';

const keys = (suspected: boolean) => ({
  deploymentFrequency: { count: 8, perDay: 8 / 30, tier: 'high' },
  leadTimeForChanges: { medianSeconds: null, p90Seconds: null, samples: 0, deploymentsWithoutChanges: 5, tier: null },
  changeFailureRate: {
    failed: suspected ? 4 : 3,
    total: 8,
    rate: suspected ? 0.5 : 3 / 8,
    tier: 'low',
    byReason: { status: 2, rollback: 0, linkedIncident: 1, suspectedIncident: suspected ? 1 : 0 },
  },
  recoveryTime: {
    medianSeconds: 3600,
    samples: 3,
    unresolved: 1,
    tier: 'high',
    bySource: { pagerduty: 1, alertmanager: 1, grafana: 1, tracker: 1 },
  },
  deploymentReworkRate: { rework: 3, total: 8, rate: 3 / 8 },
});

describe('DORA with incidents: the hand-computed scenario over REST, gRPC and /metrics', () => {
  let off: TestApp;
  let on: TestApp;
  let insights: UnaryClient;
  const ids: Record<string, string> = {};

  const post = async (name: string, attributes: Record<string, unknown>) => {
    const res = await http('POST', `${off.http}${API}/event`, { body: { title: name, attributes } });
    expect(res.status).toBe(200);
    ids[name] = res.body.id as string;
  };
  const deployment = (name: string, start: string, status: number, more: Record<string, unknown> = {}) =>
    post(name, { type: 1, service: 'api', environment: 7, status, startDate: at(start), ...more });
  const incident = (name: string, source: string | undefined, start: string, end: string | undefined, more: Record<string, unknown> = {}) =>
    post(name, {
      type: 4,
      service: 'api',
      environment: 7,
      status: end ? 8 : 7,
      ...(source ? { source } : {}),
      startDate: at(start),
      ...(end ? { endDate: at(end) } : {}),
      ...more,
    });
  /** A PagerDuty incident on service `api` (INCIDENT_ENVIRONMENT: 7), triggered at `start`, resolved at `end`. */
  const pagerDuty = async (name: string, start: string, end: string) => {
    const id = `Q${name}${Date.now().toString(36).toUpperCase()}`;
    const triggered = freshPagerDuty('pagerduty/incident.triggered.json', id, 'api');
    Object.assign(triggered.event, { occurred_at: at(start) });
    Object.assign(triggered.event.data, { title: name, created_at: at(start) });
    const created = await postPagerDuty(off.http, JSON.stringify(triggered));
    expect(created.status).toBe(201);
    ids[name] = created.body.eventId as string;
    const resolved = freshPagerDuty('pagerduty/incident.resolved.json', id, 'api');
    Object.assign(resolved.event, { occurred_at: at(end) });
    Object.assign(resolved.event.data, { title: name, created_at: at(start) });
    expect((await postPagerDuty(on.http, JSON.stringify(resolved))).status).toBe(200);
  };
  /** One alert on service `api` in production from Alertmanager (or Grafana): firing at `start`, resolved at `end`. */
  const alert = async (name: string, fixture: 'alertmanager/firing.json' | 'grafana/firing.json', start: string, end?: string) => {
    const print = fingerprint();
    const body = (status: 'firing' | 'resolved') => {
      const payload = freshAlerts(fixture, [print]);
      payload.alerts = payload.alerts.slice(0, 1);
      payload.status = status;
      Object.assign(payload.alerts[0], {
        status,
        labels: { alertname: name, service: 'api', environment: 'production', severity: 'critical' },
        annotations: { summary: name },
        startsAt: at(start),
        endsAt: status === 'resolved' && end ? at(end) : '0001-01-01T00:00:00Z',
      });
      return JSON.stringify(payload);
    };
    const fired = await postAlertmanager(off.http, body('firing'));
    expect(fired.status).toBe(200);
    ids[name] = fired.body.results[0].eventId as string;
    // Alertmanager resends the group every repeat_interval: nothing changes.
    expect((await postAlertmanager(on.http, body('firing'))).body.results[0]).toMatchObject({ outcome: 'duplicate' });
    if (end) expect((await postAlertmanager(on.http, body('resolved'))).status).toBe(200);
  };

  beforeAll(async () => {
    off = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000000', ...INCIDENT_ENV } });
    on = await startTestApp({
      database: off.database,
      env: { RATE_LIMIT_PER_MINUTE: '1000000', DORA_SUSPECTED_CAUSES: 'on', ...INCIDENT_ENV },
    });
    insights = grpcClient(
      off.grpc,
      join(PROTO_ROOT, 'tracker/insights/v1alpha1/insights.proto'),
      'tracker.insights.v1alpha1.InsightsService',
    );
    await deployment('A1', '02-03T10:00:00', 3, { endDate: at('02-03T10:10:00') });
    await deployment('A2', '02-05T10:00:00', 3, { endDate: at('02-05T10:05:00') });
    await deployment('A3', '02-07T10:00:00', 4);
    await deployment('A4', '02-09T10:00:00', 3);
    await pagerDuty('P1', '02-05T12:00:00', '02-05T13:00:00');
    await alert('M1', 'alertmanager/firing.json', '02-09T11:00:00', '02-09T14:30:00');
    const link = await http('PUT', `${off.http}${API}/event`, { body: { id: ids.M1, attributes: { relatedId: ids.A4 } } });
    expect(link.status).toBe(200);
    await deployment('A5', '02-09T14:00:00', 3, { relatedId: ids.M1 });
    await deployment('A6', '02-12T10:00:00', 3, { relatedId: ids.A1 });
    await deployment('A7', '02-15T10:00:00', 5);
    await alert('G1', 'grafana/firing.json', '02-18T09:00:00');
    await deployment('A8', '02-20T10:00:00', 6, { relatedId: ids.G1 });
    await deployment('A9', '02-25T10:00:00', 1);
    await incident('T1', 'opsgenie', '02-22T00:00:00', '02-22T00:30:00');
    await post('B1', { type: 1, service: 'web', environment: 6, status: 3, startDate: at('02-10T10:00:00') });
    await post('T2', {
      type: 4,
      service: 'api',
      environment: 6,
      status: 8,
      startDate: at('02-10T00:00:00'),
      endDate: at('02-10T01:00:00'),
    });
  });
  afterAll(async () => {
    insights?.close();
    await on?.close();
    await off?.close();
  });

  it('GET /insights/dora (DORA_SUSPECTED_CAUSES off): every number, monthly buckets', async () => {
    const res = await http('GET', `${off.http}${API}/insights/dora?${QUERY}&bucket=month`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      window: WINDOW,
      environment: 7,
      service: null,
      ...keys(false),
      buckets: [
        { start: '2025-02-01T00:00:00.000Z', deployments: 8, failed: 3, leadTimeMedianSeconds: null, recoveryMedianSeconds: 3600 },
        { start: '2025-03-01T00:00:00.000Z', deployments: 0, failed: 0, leadTimeMedianSeconds: null, recoveryMedianSeconds: null },
      ],
    });
  });

  it('DORA_SUSPECTED_CAUSES=on (a second instance, same store): the suspected deployment counts, nothing else moves', async () => {
    const res = await http('GET', `${on.http}${API}/insights/dora?${QUERY}&bucket=month`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ...keys(true),
      buckets: [
        { deployments: 8, failed: 4 },
        { deployments: 0, failed: 0 },
      ],
    });
  });

  it('GET /insights/dora/services: the same keys for api, the only service of production', async () => {
    const res = await http('GET', `${off.http}${API}/insights/dora/services?${QUERY}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ window: WINDOW, environment: 7, services: [{ service: 'api', ...keys(false) }] });
  });

  it('gRPC GetDora: the same numbers (unset where REST says null)', async () => {
    const dora = await insights.call<Record<string, unknown>>('GetDora', { environment: 7, from: '2025-02-01', to: '2025-03-02' });
    const k = keys(false);
    expect(dora).toMatchObject({
      window: WINDOW,
      changeFailureRate: { ...k.changeFailureRate },
      recoveryTime: { ...k.recoveryTime },
      deploymentReworkRate: k.deploymentReworkRate,
      deploymentFrequency: k.deploymentFrequency,
    });
  });

  it('GET /incidents: the causes and fixes behind the numbers', async () => {
    const res = await http('GET', `${off.http}${API}/incidents?environment=7&from=2025-02-01&to=2025-03-02`);
    expect(res.status).toBe(200);
    const byTitle = Object.fromEntries((res.body.incidents as { title: string }[]).map((i) => [i.title, i]));
    expect(res.body.incidents.map((i: { title: string }) => i.title)).toEqual(['G1', 'T1', 'M1', 'P1']);
    expect(byTitle.P1).toMatchObject({ source: 'pagerduty', recoverySeconds: 3600, causes: [{ deploymentId: ids.A2, how: 'suspected' }] });
    expect(byTitle.M1).toMatchObject({
      source: 'alertmanager',
      recoverySeconds: 12600,
      causes: [{ deploymentId: ids.A4, how: 'linked' }],
      fixes: [{ deploymentId: ids.A5 }],
    });
    expect(byTitle.G1).toMatchObject({ source: 'grafana', status: 'open', causes: [], fixes: [{ deploymentId: ids.A8 }] });
    expect(byTitle.T1).toMatchObject({ source: 'tracker', recoverySeconds: 1800, causes: [], fixes: [] });
  });

  it('/metrics: the rework rate gauge beside the others', async () => {
    await off.tracker.app.get(DoraMetrics).refresh(new Date('2025-03-03T00:00:00Z'));
    const text = (await http('GET', `${off.http}/metrics`)).text;
    const sample = (name: string) => new RegExp(`^${name}\\{service="api",environment="7"\\} (\\S+)$`, 'm').exec(text)?.[1];
    expect(Number(sample('tracker_dora_deployment_rework_rate'))).toBe(0.375);
    expect(Number(sample('tracker_dora_change_failure_rate'))).toBe(0.375);
    expect(Number(sample('tracker_dora_recovery_time_seconds'))).toBe(3600);
  });
});
