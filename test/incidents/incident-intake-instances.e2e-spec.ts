import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { freshDatabaseName, startTestApp, TestApp } from '../support/app-harness';
import { reportFigure } from '../support/figures';
import { fingerprint, freshAlerts, freshPagerDuty, INCIDENT_ENV, postAlertmanager, postPagerDuty } from '../support/incident-intake';

/*
 * Exactly once across instances: two apps on one store receive the same PagerDuty event, and the same
 * Alertmanager group, many times at once (a sender's retries racing, a load balancer spreading them). One copy
 * records the incident; every other copy answers 2xx as its duplicate; the store holds one incident.
 */

const COPIES = 16;

describe('incident intake exactly once: two instances on one store', () => {
  const database = freshDatabaseName('incident_once');
  let apps: TestApp[];
  let store: MongoClient;

  beforeAll(async () => {
    const env = { ...INCIDENT_ENV, RATE_LIMIT_PER_MINUTE: '1000000' };
    apps = [await startTestApp({ database, env }), await startTestApp({ database, env })];
    store = await MongoClient.connect(apps[0].storeUri);
  });
  afterAll(async () => {
    await store?.close();
    for (const app of apps ?? []) await app.close();
  });

  const events = () => store.db(database).collection('tracker_events');

  it('records one PagerDuty event once, however many copies reach the two instances at the same time', async () => {
    const incident = `X${randomUUID().slice(0, 8).toUpperCase()}`;
    const body = JSON.stringify(freshPagerDuty('pagerduty/incident.triggered.json', incident));
    const answers = await Promise.all(Array.from({ length: COPIES }, (_, i) => postPagerDuty(apps[i % 2].http, body)));
    expect(answers.map((a) => a.status).filter((s) => s !== 200 && s !== 201)).toEqual([]);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.eventId)).size).toBe(1);
    expect(await events().countDocuments({ 'intake.provider': 'pagerduty', 'intake.externalId': incident })).toBe(1);
    reportFigure(`same PagerDuty event x${COPIES} across 2 instances: 1 recorded, ${COPIES - 1} duplicates`);
  });

  it('correlates different events of one PagerDuty incident racing on both instances into one incident that ends resolved', async () => {
    const incident = `Y${randomUUID().slice(0, 8).toUpperCase()}`;
    const bodies = ['triggered', 'acknowledged', 'resolved'].map((t) =>
      JSON.stringify(freshPagerDuty(`pagerduty/incident.${t}.json`, incident)),
    );
    const answers = await Promise.all(Array.from({ length: COPIES }, (_, i) => postPagerDuty(apps[i % 2].http, bodies[i % 3])));
    expect(answers.map((a) => a.status).filter((s) => s !== 200 && s !== 201)).toEqual([]);
    expect(new Set(answers.map((a) => a.body.eventId)).size).toBe(1);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(3);
    const docs = await events().find({ 'intake.provider': 'pagerduty', 'intake.externalId': incident }).toArray();
    expect(docs).toHaveLength(1);
    // Whatever order the three arrived in, a trigger or an acknowledgement never reopens the resolution.
    expect(docs[0].attributes.status).toBe(8);
  });

  it('records one Alertmanager group once when its copies race on the two instances', async () => {
    const prints = [fingerprint(), fingerprint()];
    const body = JSON.stringify(freshAlerts('alertmanager/firing.json', prints));
    const answers = await Promise.all(Array.from({ length: COPIES }, (_, i) => postAlertmanager(apps[i % 2].http, body)));
    expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
    const results = answers.flatMap((a) => a.body.results as { fingerprint: string; outcome: string; eventId: string }[]);
    for (const print of prints) {
      const mine = results.filter((r) => r.fingerprint === print);
      expect(mine.filter((r) => r.outcome === 'recorded')).toHaveLength(1);
      expect(new Set(mine.map((r) => r.eventId)).size).toBe(1);
      expect(await events().countDocuments({ 'intake.provider': 'alertmanager', 'intake.externalId': print })).toBe(1);
    }
    reportFigure(`same Alertmanager group x${COPIES} across 2 instances: 1 incident per alert`);
  });
});
