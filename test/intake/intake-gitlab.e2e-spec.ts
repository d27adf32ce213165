import { MongoClient, ObjectId } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../support/app-harness';
import { reportFigure } from '../support/figures';
import { http } from '../support/http';
import { CD_INTAKE_ENV, cdFixtures, GITLAB_TOKEN, postGitlab } from '../support/cd-intake';

/*
 * POST /api/v1alpha1/webhooks/gitlab over real HTTP and the real store, fed with deliveries written from GitLab's
 * published webhook examples (test/fixtures/cd-intake/SOURCES.md).
 */

const API = '/api/v1alpha1';
const fixtures = cdFixtures('gitlab');
const body = (file: string, over: Record<string, unknown> = {}) => JSON.stringify({ ...fixtures.get(file), ...over });

/** file -> what Tracker answers and stores, in the order posted (running arrives after success: a late status). */
const EXPECTED: [file: string, event: string, answer: number, stored?: { status: number; environment: number }][] = [
  ['deployment-success.json', 'Deployment Hook', 201, { status: 3, environment: 6 }],
  ['deployment-running.json', 'Deployment Hook', 200, { status: 3, environment: 6 }],
  ['deployment-failed-review.json', 'Deployment Hook', 201, { status: 4, environment: 1 }],
  ['deployment-canceled-production.json', 'Deployment Hook', 201, { status: 9, environment: 7 }],
  ['deployment-other-tier.json', 'Deployment Hook', 202],
  ['merge-request-merge.json', 'Merge Request Hook', 201],
  ['merge-request-open.json', 'Merge Request Hook', 202],
];

describe('GitLab webhook intake', () => {
  let app: TestApp;
  let store: MongoClient;

  beforeAll(async () => {
    app = await startTestApp({ env: CD_INTAKE_ENV });
    store = await MongoClient.connect(app.storeUri);
  });
  afterAll(async () => {
    await store?.close();
    await app?.close();
  });

  const events = () => store.db(app.database).collection('tracker_events');

  it('takes every fixture with the token, mapped as docs/intake.md says', async () => {
    const accepted: string[] = [];
    for (const [file, event, answer, stored] of EXPECTED) {
      const res = await postGitlab(app.http, event, body(file));
      expect({ file, status: res.status }).toEqual({ file, status: answer });
      accepted.push(`${file} ${res.status}`);
      if (answer === 202) {
        expect(res.body.ignored).toBe(true);
        continue;
      }
      if (file.startsWith('merge-request')) {
        expect(res.body.changeId).toEqual(expect.any(String));
        const changes = (await http('GET', `${app.http}${API}/changes?service=gitlabhq/gitlab-test`)).body;
        expect(JSON.stringify(changes)).toContain('ee0a3fb31ac16e11b9dbb596ad16d4af654d08f8');
        continue;
      }
      const doc = await events().findOne({ _id: new ObjectId(res.body.eventId as string) });
      expect({ file, status: doc?.attributes.status, environment: doc?.attributes.environment }).toEqual({ file, ...stored });
      expect(doc?.attributes.service).toBe('root/test-deployment-webhooks');
      expect(doc?.attributes.source).toBe('gitlab');
      expect(doc?.intake.commitSha).toBe('279484c09fbe69ededfced8c1bb6e6d24616b468');
    }
    // success and running are one GitLab deployment: one event, ended at the success's time.
    const deployment = await events().findOne({ 'intake.provider': 'gitlab', 'intake.externalId': '30/15' });
    expect(deployment?.attributes.endDate.toISOString()).toBe('2021-04-28T19:50:00.000Z');
    expect(deployment?.attributes.owner).toBe('root');
    reportFigure(`GitLab fixtures: ${accepted.join(', ')}`);
  });

  it('stores nothing for a redelivery (same X-Gitlab-Event-UUID)', async () => {
    const uuid = randomUUID();
    const text = body('deployment-success.json', { deployment_id: 900_001 });
    const first = await postGitlab(app.http, 'Deployment Hook', text, { uuid });
    const stored = await events().findOne({ _id: new ObjectId(first.body.eventId as string) });
    const again = await postGitlab(app.http, 'Deployment Hook', text, { uuid });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    expect(await events().findOne({ _id: new ObjectId(first.body.eventId as string) })).toEqual(stored);
    expect(await events().countDocuments({ 'intake.externalId': '30/900001' })).toBe(1);
  });

  it.each([
    ['the token with one byte changed', `${GITLAB_TOKEN.slice(0, -1)}X`],
    ['another token', 'not-the-token'],
    ['no token', null],
  ])('refuses %s with 401 invalid-signature, storing nothing', async (_what, token) => {
    const before = await events().countDocuments({});
    const res = await postGitlab(app.http, 'Deployment Hook', body('deployment-success.json', { deployment_id: 900_002 }), { token });
    expect(res.status).toBe(401);
    expect(res.body.type).toContain('invalid-signature');
    expect(await events().countDocuments({})).toBe(before);
  });

  it('answers other events 202 ignored, and an unreadable authenticated body 400 naming the field', async () => {
    expect((await postGitlab(app.http, 'Push Hook', '{"object_kind":"push"}')).status).toBe(202);
    const wrongKind = await postGitlab(app.http, 'Deployment Hook', '{"object_kind":"push"}');
    expect(wrongKind.status).toBe(400);
    expect(JSON.stringify(wrongKind.body)).toContain('object_kind');
    expect((await postGitlab(app.http, 'Deployment Hook', '[1]')).status).toBe(400);
    expect((await postGitlab(app.http, 'Deployment Hook', '{"object_kind":')).status).toBe(400);
    const noId = await postGitlab(app.http, 'Deployment Hook', body('deployment-success.json', { deployment_id: 'x' }));
    expect(noId.status).toBe(400);
    expect(JSON.stringify(noId.body)).toContain('deployment_id');
  });

  it('documents the three CD webhooks in the OpenAPI document (every answer above was checked against it)', async () => {
    const doc = (await http('GET', `${app.http}/docs-json`)).body;
    for (const [path, operationId] of [
      ['gitlab', 'receiveGitlabWebhook'],
      ['flux', 'receiveFluxEvent'],
      ['argocd', 'receiveArgocdNotification'],
    ]) {
      const post = doc.paths[`${API}/webhooks/${path}`].post;
      expect(post.operationId).toBe(operationId);
      expect(Object.keys(post.responses).sort()).toEqual([
        '200',
        '201',
        '202',
        '400',
        '401',
        '403',
        '409',
        '413',
        '415',
        '429',
        '500',
        '503',
      ]);
      expect(post['x-tracker-role']).toBeUndefined();
    }
  });
});
