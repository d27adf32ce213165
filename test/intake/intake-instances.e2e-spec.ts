import { MongoClient, ObjectId } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { DEFAULT_INGEST_ENVIRONMENTS } from '../../src/platform/config/env.schema';
import { freshDatabaseName, startTestApp, TestApp } from '../support/app-harness';
import { reportFigure } from '../support/figures';
import { http } from '../support/http';
import {
  CLOUDEVENTS_PATH,
  conformanceExamples,
  githubExamples,
  postGithub,
  squattedPair,
  structured,
  WEBHOOK_SECRET,
  withFreshId,
} from '../support/intake';

/*
 * Exactly once across instances: two apps on one store receive the same delivery many times at once (a sender's
 * retries racing, a load balancer spreading them). Exactly one copy is recorded; every other copy answers 2xx
 * as a duplicate of it; the store holds one tracker event, with one creation in its changelog.
 */

const COPIES = 16;

describe('intake exactly once: two instances on one store', () => {
  const database = freshDatabaseName('intake_once');
  let apps: TestApp[];
  let store: MongoClient;
  const examples = new Map(conformanceExamples().map((e) => [e.file, e.cdevent]));

  beforeAll(async () => {
    const env = {
      GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
      INGEST_ENVIRONMENTS: `${DEFAULT_INGEST_ENVIRONMENTS},test123=2`,
      RATE_LIMIT_PER_MINUTE: '1000000',
    };
    apps = [await startTestApp({ database, env }), await startTestApp({ database, env })];
    store = await MongoClient.connect(apps[0].storeUri);
  });
  afterAll(async () => {
    await store?.close();
    for (const app of apps ?? []) await app.close();
  });

  const events = () => store.db(database).collection('tracker_events');
  const postCe = (i: number, body: unknown) =>
    http('POST', `${apps[i % 2].http}${CLOUDEVENTS_PATH}`, {
      raw: JSON.stringify(body),
      headers: { 'content-type': 'application/cloudevents+json' },
    });

  it('records one CloudEvent once, however many copies reach the two instances at the same time', async () => {
    const cdevent = withFreshId(examples.get('service_deployed.json'));
    const answers = await Promise.all(Array.from({ length: COPIES }, (_, i) => postCe(i, structured(cdevent))));
    expect(answers.map((a) => a.status).filter((s) => s !== 200 && s !== 201)).toEqual([]);
    const firsts = answers.filter((a) => a.body.duplicate === false);
    expect(firsts).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.eventId)).size).toBe(1);
    const eventId = firsts[0].body.eventId;
    expect(
      await events().countDocuments({
        'intake.provider': 'cdevents',
        'attributes.service': 'mySubject123',
        'intake.externalId': 'mySubject123',
      }),
    ).toBe(1);
    const doc = await events().findOne({ _id: new ObjectId(eventId) });
    expect(doc?.changelog.filter((c: { field: string }) => c.field === 'event')).toHaveLength(1);
    reportFigure(`same CloudEvent x${COPIES} across 2 instances: 1 recorded, ${COPIES - 1} duplicates`);
  });

  it('records one of two different CloudEvents racing under one (source, id); the other content is refused 409', async () => {
    const { decoy, real } = squattedPair(examples.get('service_deployed.json'));
    const answers = await Promise.all(Array.from({ length: COPIES }, (_, i) => postCe(i, structured(i % 4 < 2 ? decoy : real))));
    const created = answers.filter((a) => a.status === 201);
    expect(created).toHaveLength(1);
    const winner = created[0].body.eventId;
    const rest = answers.filter((a) => a.status !== 201).map((a) => (a.status === 200 ? a.body.eventId : a.status));
    // Each copy of the winner's content is its duplicate, each copy of the other's a conflict: half and half.
    expect(rest.sort()).toEqual([...Array(COPIES / 2 - 1).fill(winner), ...Array(COPIES / 2).fill(409)].sort());
  });

  it('correlates a pipeline run started and finished racing on both instances into one event that ends finished', async () => {
    const run = `run-${randomUUID()}`;
    const started = withFreshId(examples.get('pipelinerun_started.json'));
    const finished = withFreshId(examples.get('pipelinerun_finished.json'));
    started.subject.id = run;
    finished.subject.id = run;
    finished.subject.content.outcome = 'success';
    const answers = await Promise.all(
      Array.from({ length: COPIES }, (_, i) => postCe(i, structured(Math.floor(i / 2) % 2 === 0 ? started : finished))),
    );
    expect(answers.map((a) => a.status).filter((s) => s !== 200 && s !== 201)).toEqual([]);
    expect(new Set(answers.map((a) => a.body.eventId)).size).toBe(1);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(2);
    const docs = await events().find({ 'intake.externalId': run }).toArray();
    expect(docs).toHaveLength(1);
    // A late "started" never moves a finished run back.
    expect(docs[0].attributes.status).toBe(3);
  });

  it('records one GitHub delivery once when its redeliveries race on the two instances', async () => {
    const payload = structuredClone(
      githubExamples().find((e) => e.event === 'deployment' && e.payload.deployment.environment === 'production')!.payload,
    );
    payload.deployment.id = 700_000_123;
    const body = JSON.stringify(payload);
    const delivery = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: COPIES }, (_, i) => postGithub(apps[i % 2].http, 'deployment', body, { delivery })),
    );
    expect(answers.map((a) => a.status).filter((s) => s !== 200 && s !== 201)).toEqual([]);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    expect(await events().countDocuments({ 'intake.provider': 'github', 'intake.externalId': '700000123' })).toBe(1);
    expect(
      await store
        .db(database)
        .collection('intake_receipts')
        .countDocuments({ _id: JSON.stringify(['github', 'github.com', delivery]) } as never),
    ).toBe(1);
  });
});
