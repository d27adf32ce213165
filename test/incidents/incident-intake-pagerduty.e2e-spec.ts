import { MongoClient, ObjectId } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../support/app-harness';
import { http } from '../support/http';
import { withOneByteChanged } from '../support/intake';
import {
  freshPagerDuty,
  INCIDENT_ENV,
  incidentFixture,
  incidentFixtures,
  pagerDutySignature,
  postPagerDuty,
} from '../support/incident-intake';

/*
 * POST /api/v1alpha1/webhooks/pagerduty over real HTTP and the real store, fed with the PagerDuty V3 fixtures
 * (test/fixtures/incidents/pagerduty, written after PagerDuty's docs) signed with node:crypto.
 */

const API = '/api/v1alpha1';

describe('PagerDuty V3 webhook intake', () => {
  let app: TestApp;
  let store: MongoClient;

  beforeAll(async () => {
    app = await startTestApp({
      env: { ...INCIDENT_ENV, INCIDENT_SERVICES: 'Checkout API=checkout', INCIDENT_ENVIRONMENT: '6', RATE_LIMIT_PER_MINUTE: '1000000' },
    });
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
    return [...text.matchAll(/^tracker_intake_ignored_total\{provider="pagerduty",type="([^"]+)"\} (\d+)/gm)].reduce(
      (sum, m) => sum + Number(m[2]),
      0,
    );
  };

  it('takes every fixture as PagerDuty signs it: incident events recorded, the others 202 ignored and counted', async () => {
    const before = await ignoredCount();
    const answers: Record<string, number> = {};
    for (const path of incidentFixtures('pagerduty')) {
      const res = await postPagerDuty(app.http, JSON.stringify(incidentFixture(path)));
      answers[path] = res.status;
    }
    expect(answers).toEqual({
      // files in name order: acknowledged is the first about the incident, so it creates it
      'pagerduty/incident.acknowledged.json': 201,
      'pagerduty/incident.annotated.json': 202,
      'pagerduty/incident.priority_updated.json': 200,
      'pagerduty/incident.reopened.json': 200,
      'pagerduty/incident.resolved.json': 200,
      'pagerduty/service.updated.json': 202,
      'pagerduty/incident.triggered.json': 200,
    });
    // Files in name order: acknowledged arrives first and creates the incident, open; resolved closes it; the
    // (alphabetically) later triggered is older than the resolution and never reopens it.
    const docs = await events().find({ 'intake.provider': 'pagerduty', 'intake.externalId': 'PGR0VU2' }).toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0].attributes).toMatchObject({
      type: 4,
      service: 'API Service',
      environment: 6,
      status: 8,
      source: 'pagerduty',
      priority: 1,
    });
    expect(docs[0].attributes.endDate).toEqual(new Date('2020-10-02T19:02:41.350Z'));
    expect(await ignoredCount()).toBe(before + 2);
  });

  it('opens, acknowledges, prioritises and resolves one incident in order; a replay stores nothing new', async () => {
    const incident = `Q${randomUUID().slice(0, 8).toUpperCase()}`;
    const triggered = JSON.stringify(freshPagerDuty('pagerduty/incident.triggered.json', incident, 'Checkout API'));
    const created = await postPagerDuty(app.http, triggered);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ duplicate: false, result: 'created', eventId: expect.stringMatching(/^[0-9a-f]{24}$/) });
    const eventId: string = created.body.eventId;
    expect(await trackerEvent(eventId)).toMatchObject({
      title: 'A little bump in the road',
      attributes: {
        type: 4,
        service: 'checkout',
        environment: 6,
        status: 7,
        source: 'pagerduty',
        priority: 2,
        startDate: '2020-04-09T15:16:27.000Z',
      },
      links: { ticket: 'https://acme.pagerduty.com/incidents/PGR0VU2' },
    });

    const replay = await postPagerDuty(app.http, triggered);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ duplicate: true, result: 'created', eventId });
    const stored = await events().findOne({ _id: new ObjectId(eventId) });
    expect(stored?.rev).toBeDefined();

    for (const type of ['acknowledged', 'priority_updated']) {
      const res = await postPagerDuty(
        app.http,
        JSON.stringify(freshPagerDuty(`pagerduty/incident.${type}.json`, incident, 'Checkout API')),
      );
      expect({ type, status: res.status, eventId: res.body.eventId }).toEqual({ type, status: 200, eventId });
    }
    expect((await trackerEvent(eventId)).attributes).toMatchObject({ status: 7, priority: 1 });

    const resolved = JSON.stringify(freshPagerDuty('pagerduty/incident.resolved.json', incident, 'Checkout API'));
    const closed = await postPagerDuty(app.http, resolved);
    expect(closed.body).toEqual({ duplicate: false, result: 'updated', eventId });
    expect((await trackerEvent(eventId)).attributes).toMatchObject({ status: 8, endDate: '2020-10-02T19:02:41.350Z' });

    // A replay of the resolution, and a late trigger, leave the event exactly as it is.
    const revBefore = (await events().findOne({ _id: new ObjectId(eventId) }))?.rev;
    const receiptsBefore = await receipts().countDocuments({});
    expect((await postPagerDuty(app.http, resolved)).body).toEqual({ duplicate: true, result: 'updated', eventId });
    expect(await receipts().countDocuments({})).toBe(receiptsBefore);
    const late = await postPagerDuty(
      app.http,
      JSON.stringify(freshPagerDuty('pagerduty/incident.triggered.json', incident, 'Checkout API')),
    );
    expect(late.body).toEqual({ duplicate: false, result: 'unchanged', eventId });
    expect((await events().findOne({ _id: new ObjectId(eventId) }))?.rev).toBe(revBefore);
    expect(await events().countDocuments({ 'intake.externalId': incident })).toBe(1);

    // Reopened after the resolution reopens it.
    const reopened = await postPagerDuty(
      app.http,
      JSON.stringify(freshPagerDuty('pagerduty/incident.reopened.json', incident, 'Checkout API')),
    );
    expect(reopened.body).toEqual({ duplicate: false, result: 'updated', eventId });
    expect((await trackerEvent(eventId)).attributes.status).toBe(7);
    // The incidents API reads it as open again, though the event keeps the earlier endDate.
    const view = await http('GET', `${app.http}${API}/incidents/${eventId}`);
    expect(view.body).toMatchObject({ status: 'open', resolvedAt: null, recoverySeconds: null, source: 'pagerduty' });
  });

  it('accepts any matching signature of several (a secret rotation)', async () => {
    const body = JSON.stringify(freshPagerDuty('pagerduty/incident.triggered.json', `R${randomUUID().slice(0, 8)}`));
    const signature = `${pagerDutySignature(body, 'the-old-secret')},${pagerDutySignature(body)}`;
    expect((await postPagerDuty(app.http, body, { signature })).status).toBe(201);
  });

  describe('refuses, storing nothing', () => {
    const body = () => JSON.stringify(freshPagerDuty('pagerduty/incident.triggered.json', `T${randomUUID().slice(0, 8)}`));
    let count: number;
    beforeEach(async () => {
      count = await events().countDocuments({});
    });
    afterEach(async () => {
      expect(await events().countDocuments({})).toBe(count);
    });

    it.each([
      ['no signature', (b: string) => ({ raw: b, signature: null })],
      ['a signature with another secret', (b: string) => ({ raw: b, signature: pagerDutySignature(b, 'not-the-secret') })],
      ['a signature in another scheme', (b: string) => ({ raw: b, signature: pagerDutySignature(b).replace('v1=', 'v0=') })],
      ['one tampered byte', (b: string) => ({ raw: withOneByteChanged(b), signature: pagerDutySignature(b) })],
    ])('%s: 401 invalid-signature', async (_name, make) => {
      const { raw, signature } = make(body()) as { raw: string | Buffer; signature: string | null };
      const res = await postPagerDuty(app.http, raw, { signature });
      expect(res.status).toBe(401);
      expect(res.body.type).toBe('urn:tracker:problems:invalid-signature');
    });

    it.each([
      ['not JSON', 'body', '{"event": '],
      ['an array', 'body', '[]'],
      ['no event', 'event', '{"evnt": {}}'],
      [
        'an incident without a service',
        'event.data.service.summary',
        JSON.stringify({ event: { id: 'e1', event_type: 'incident.triggered', occurred_at: '2024-01-01T00:00:00Z', data: { id: 'P1' } } }),
      ],
      [
        'a bad occurred_at',
        'event.occurred_at',
        JSON.stringify({ event: { id: 'e2', event_type: 'incident.resolved', occurred_at: 'now', data: { id: 'P1' } } }),
      ],
      ['too deep', 'event', `{"event":${'['.repeat(40)}${']'.repeat(40)}}`],
      ['a string past the cap', 'event.event_type', JSON.stringify({ event: { id: 'e3', event_type: 'x'.repeat(70_000) } })],
    ])('%s, correctly signed: 400 naming %s', async (_name, field, raw) => {
      const res = await postPagerDuty(app.http, raw);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    });
  });

  it('refuses a body past the 1 MB body limit (413) before reading it, storing nothing', async () => {
    const count = await events().countDocuments({});
    const body = JSON.stringify({ ...freshPagerDuty('pagerduty/incident.triggered.json', 'HUGE1'), padding: 'x'.repeat(1_100_000) });
    expect((await postPagerDuty(app.http, body)).status).toBe(413);
    expect(await events().countDocuments({})).toBe(count);
  });

  it('answers 403 when PAGERDUTY_WEBHOOK_SECRET is unset', async () => {
    const bare = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
    try {
      const res = await postPagerDuty(bare.http, JSON.stringify(incidentFixture('pagerduty/incident.triggered.json')));
      expect(res.status).toBe(403);
    } finally {
      await bare.close();
    }
  });
});
