import { MongoClient } from 'mongodb';
import { startTestApp, TestApp } from '../support/app-harness';
import { http } from '../support/http';
import {
  ALERTMANAGER_TOKEN,
  fingerprint,
  freshAlerts,
  INCIDENT_ENV,
  incidentFixture,
  incidentFixtures,
  postAlertmanager,
} from '../support/incident-intake';

/*
 * POST /api/v1alpha1/webhooks/alertmanager over real HTTP and the real store, fed with the Alertmanager v4 and
 * Grafana fixtures (test/fixtures/incidents, written after Prometheus' and Grafana's docs), with the bearer token.
 */

const API = '/api/v1alpha1';

describe('Alertmanager and Grafana webhook intake', () => {
  let app: TestApp;
  let store: MongoClient;

  beforeAll(async () => {
    app = await startTestApp({ env: { ...INCIDENT_ENV, RATE_LIMIT_PER_MINUTE: '1000000' } });
    store = await MongoClient.connect(app.storeUri);
  });
  afterAll(async () => {
    await store?.close();
    await app?.close();
  });

  const events = () => store.db(app.database).collection('tracker_events');
  const receipts = () => store.db(app.database).collection('intake_receipts');
  const trackerEvent = async (id: string) => (await http('GET', `${app.http}${API}/event/${id}`)).body;
  const ignoredCount = async () => {
    const text = (await http('GET', `${app.http}/metrics`)).text;
    return [...text.matchAll(/^tracker_intake_ignored_total\{provider="alertmanager",type="[^"]+"\} (\d+)/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
  };

  it('takes every fixture with the token: 200 and one answer per alert', async () => {
    const outcomes: Record<string, string[]> = {};
    for (const path of [...incidentFixtures('alertmanager'), ...incidentFixtures('grafana')]) {
      const res = await postAlertmanager(app.http, JSON.stringify(incidentFixture(path)));
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      outcomes[path] = res.body.results.map((r: { outcome: string; result?: string }) => `${r.outcome}${r.result ? `:${r.result}` : ''}`);
      expect(res.body.source).toBe(path.startsWith('grafana') ? 'grafana' : 'alertmanager');
    }
    expect(outcomes).toEqual({
      'alertmanager/firing.json': ['recorded:created', 'recorded:created'],
      'alertmanager/resolved.json': ['recorded:updated'],
      'alertmanager/skipped.json': ['skipped', 'skipped'],
      // the docs' example names no service label: both alerts are skipped, saying why
      'grafana/docs-example.json': ['skipped', 'skipped'],
      'grafana/firing.json': ['recorded:created'],
      'grafana/resolved.json': ['recorded:updated'],
    });
    const grafana = await events().findOne({ 'intake.provider': 'grafana', 'intake.externalId': 'c6eadffa33fcdf37' });
    expect(grafana?.attributes).toMatchObject({
      type: 4,
      service: 'memory-cache',
      environment: 7,
      status: 8,
      source: 'grafana',
      priority: 3,
    });
    expect(grafana?.attributes.startDate).toEqual(new Date('2021-10-12T07:51:03.157Z'));
    expect(grafana?.attributes.endDate).toEqual(new Date('2021-10-12T08:21:03.157Z'));
  });

  it('opens one incident per alert, a resend changes nothing, the resolution closes it at endsAt', async () => {
    const prints = [fingerprint(), fingerprint()];
    const firing = JSON.stringify(freshAlerts('alertmanager/firing.json', prints, `svc-${prints[0]}`));
    const first = await postAlertmanager(app.http, firing);
    expect(first.status).toBe(200);
    expect(first.body.results).toEqual([
      {
        fingerprint: prints[0],
        startsAt: '2024-03-05T13:08:45.828Z',
        status: 'firing',
        outcome: 'recorded',
        result: 'created',
        eventId: expect.any(String),
      },
      {
        fingerprint: prints[1],
        startsAt: '2024-03-05T13:09:15.100Z',
        status: 'firing',
        outcome: 'recorded',
        result: 'created',
        eventId: expect.any(String),
      },
    ]);
    const [a, b] = first.body.results.map((r: { eventId: string }) => r.eventId);
    expect(a).not.toBe(b);
    expect(await trackerEvent(a)).toMatchObject({
      title: 'BlackBox probe failure: https://checkout.example.org',
      attributes: { type: 4, service: `svc-${prints[0]}`, environment: 7, status: 7, source: 'alertmanager', priority: 1 },
    });

    // repeat_interval: Alertmanager sends the same group again; nothing changes, no receipt is added.
    const stored = async () =>
      (
        await events()
          .find({ 'intake.externalId': { $in: prints } })
          .sort({ _id: 1 })
          .toArray()
      ).map((d) => d.rev);
    const revs = await stored();
    const receiptCount = await receipts().countDocuments({});
    const resend = await postAlertmanager(app.http, firing);
    expect(resend.body.results.map((r: { outcome: string; eventId: string }) => [r.outcome, r.eventId])).toEqual([
      ['duplicate', a],
      ['duplicate', b],
    ]);
    expect(await stored()).toEqual(revs);
    expect(await receipts().countDocuments({})).toBe(receiptCount);

    const resolved = freshAlerts('alertmanager/resolved.json', prints, `svc-${prints[0]}`);
    const closed = await postAlertmanager(app.http, JSON.stringify(resolved));
    expect(closed.body.results).toEqual([
      expect.objectContaining({ status: 'resolved', outcome: 'recorded', result: 'updated', eventId: a }),
    ]);
    expect((await trackerEvent(a)).attributes).toMatchObject({ status: 8, endDate: '2024-03-05T13:41:15.828Z' });
    // A firing resend after the resolution never reopens it.
    const late = await postAlertmanager(app.http, firing);
    expect(late.body.results[0]).toMatchObject({ outcome: 'duplicate', eventId: a });
    expect((await trackerEvent(a)).attributes.status).toBe(8);
    expect(await events().countDocuments({ 'intake.externalId': { $in: prints } })).toBe(2);
  });

  it('answers which alerts were skipped and why, and counts them as ignored', async () => {
    const before = await ignoredCount();
    const res = await postAlertmanager(app.http, JSON.stringify(freshAlerts('alertmanager/skipped.json', [fingerprint(), fingerprint()])));
    expect(res.body.results.map((r: { outcome: string; reason: string }) => [r.outcome, r.reason])).toEqual([
      ['skipped', 'the alert has no "service" label (ALERTMANAGER_SERVICE_LABEL)'],
      ['skipped', 'environment "sandbox-42" is not mapped by INGEST_ENVIRONMENTS'],
    ]);
    expect(await ignoredCount()).toBe(before + 2);
  });

  describe('refuses, storing nothing', () => {
    let count: number;
    beforeEach(async () => {
      count = await events().countDocuments({});
    });
    afterEach(async () => {
      expect(await events().countDocuments({})).toBe(count);
    });
    const body = () => JSON.stringify(freshAlerts('alertmanager/firing.json', [fingerprint(), fingerprint()]));

    it.each([
      ['no Authorization', null, 'urn:tracker:problems:unauthenticated'],
      ['another token', 'Bearer not-the-alertmanager-token', 'urn:tracker:problems:invalid-token'],
      ['the token with one character more', `Bearer ${ALERTMANAGER_TOKEN}x`, 'urn:tracker:problems:invalid-token'],
      ['the token as Basic credentials', `Basic ${ALERTMANAGER_TOKEN}`, 'urn:tracker:problems:invalid-token'],
    ])('%s: 401', async (_name, authorization, type) => {
      const res = await postAlertmanager(app.http, body(), { authorization });
      expect(res.status).toBe(401);
      expect(res.body.type).toBe(type);
    });

    it('an unauthenticated body that is not even JSON: 401, not 400', async () => {
      expect((await postAlertmanager(app.http, '{"alerts": [', { authorization: null })).status).toBe(401);
    });

    const broken = (change: (b: any) => void) => {
      const b = freshAlerts('alertmanager/firing.json', [fingerprint(), fingerprint()]);
      change(b);
      return JSON.stringify(b);
    };
    it.each([
      ['not JSON', 'body', '{"alerts": ['],
      ['no alerts', 'alerts', JSON.stringify({ receiver: 'x', status: 'firing' })],
      ['a second alert without fingerprint', 'alerts[1].fingerprint', broken((b) => delete b.alerts[1].fingerprint)],
      ['a resolved alert without endsAt', 'alerts[1].endsAt', broken((b) => (b.alerts[1].status = 'resolved'))],
      ['another version', 'version', broken((b) => (b.version = '3'))],
      ['a label that is no text', 'alerts[0].labels.severity', broken((b) => (b.alerts[0].labels.severity = 1))],
      ['too many alerts', 'alerts', JSON.stringify({ alerts: Array.from({ length: 1001 }, () => 0) })],
      ['too deep', 'alerts', `{"alerts":${'['.repeat(40)}${']'.repeat(40)}}`],
    ])('%s: 400 naming %s (the first alert is not stored either)', async (_name, field, raw) => {
      const res = await postAlertmanager(app.http, raw);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    });
  });

  it('answers 403 when ALERTMANAGER_WEBHOOK_TOKEN is unset; ALERTMANAGER_MIN_SEVERITY and ALERTMANAGER_SERVICE_LABEL apply', async () => {
    const other = await startTestApp({
      env: { ALERTMANAGER_WEBHOOK_TOKEN: ALERTMANAGER_TOKEN, ALERTMANAGER_MIN_SEVERITY: 'error', ALERTMANAGER_SERVICE_LABEL: 'job' },
    });
    const bare = await startTestApp({ env: {} });
    try {
      expect((await postAlertmanager(bare.http, JSON.stringify(incidentFixture('alertmanager/firing.json')))).status).toBe(403);
      const res = await postAlertmanager(other.http, JSON.stringify(incidentFixture('alertmanager/firing.json')));
      expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['recorded', 'skipped']);
      expect(res.body.results[1].reason).toBe('severity "warning" is below ALERTMANAGER_MIN_SEVERITY error');
      expect((await http('GET', `${other.http}${API}/event/${res.body.results[0].eventId}`)).body.attributes.service).toBe('http_checks');
    } finally {
      await other.close();
      await bare.close();
    }
  });
});
