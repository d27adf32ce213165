import { MongoClient, ObjectId } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { correlatedEventId } from '../../src/features/intake/domain/correlation';
import { startTestApp, TestApp } from '../support/app-harness';
import { reportFigure } from '../support/figures';
import { http } from '../support/http';
import { GITHUB_EVENTS, githubExamples, postGithub, signatureOf, WEBHOOK_SECRET, withOneByteChanged } from '../support/intake';

/*
 * POST /api/v1alpha1/webhooks/github over real HTTP and the real store, fed with the deliveries of
 * @octokit/webhooks-examples (written by GitHub's community, not by us), signed with node:crypto.
 */

const API = '/api/v1alpha1';
const STATE_STATUS: Record<string, number> = {
  queued: 1,
  pending: 1,
  in_progress: 1,
  waiting: 1,
  success: 3,
  failure: 4,
  error: 6,
  inactive: 9,
};
const ENVIRONMENTS: Record<string, number> = { production: 7, staging: 6 };

describe('GitHub webhook intake', () => {
  let app: TestApp;
  let store: MongoClient;

  beforeAll(async () => {
    app = await startTestApp({ env: { GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET, RATE_LIMIT_PER_MINUTE: '1000000' } });
    store = await MongoClient.connect(app.storeUri);
  });
  afterAll(async () => {
    await store?.close();
    await app?.close();
  });

  const trackerEvent = async (id: string) => (await http('GET', `${app.http}${API}/event/${id}`)).body;
  const changelog = async (id: string) => (await http('GET', `${app.http}${API}/event/${id}/changelog`)).body;
  const stored = (id: string) =>
    store
      .db(app.database)
      .collection('tracker_events')
      .findOne({ _id: new ObjectId(id) });

  it('takes every ping, deployment, deployment_status and pull_request example with a valid signature (2xx, mapped)', async () => {
    const all = githubExamples();
    const accepted: Record<string, number> = {};
    const total: Record<string, number> = {};
    /** deployment id -> the status its tracker event should show now */
    const expectedStatus = new Map<number, number>();
    for (const { event, index, body, payload } of all) {
      total[event] = (total[event] ?? 0) + 1;
      const res = await postGithub(app.http, event, body);
      const where = `${event} example ${index}`;
      expect({ where, status: res.status >= 200 && res.status < 300, text: res.text }).toEqual({ where, status: true, text: res.text });
      accepted[event] = (accepted[event] ?? 0) + 1;

      if (event === 'ping') {
        expect({ where, status: res.status }).toEqual({ where, status: 204 });
        continue;
      }
      if (event === 'pull_request') {
        // No example is a merged pull request: each is 202 ignored with its reason.
        expect(payload.pull_request.merged).not.toBe(true);
        expect({ where, status: res.status, ignored: res.body.ignored }).toEqual({ where, status: 202, ignored: true });
        expect(res.body.reason).toContain(payload.action);
        continue;
      }
      const envName: string = payload.deployment_status?.environment ?? payload.deployment.environment;
      const environment = ENVIRONMENTS[envName.toLowerCase()];
      if (environment === undefined) {
        expect({ where, status: res.status, body: res.body }).toEqual({
          where,
          status: 202,
          body: { ignored: true, reason: expect.stringContaining(`"${envName}" is not mapped`) },
        });
        continue;
      }
      const id: number = payload.deployment.id;
      const state: string | undefined = payload.deployment_status?.state;
      if (state !== undefined) expectedStatus.set(id, STATE_STATUS[state]);
      else if (!expectedStatus.has(id)) expectedStatus.set(id, 1);
      expect([200, 201]).toContain(res.status);
      expect(res.body).toMatchObject({
        duplicate: false,
        eventId: correlatedEventId(['github', 'github.com', 'deployment', String(id)]).toHexString(),
      });

      const got = await trackerEvent(res.body.eventId);
      expect({ where, event: got }).toMatchObject({
        where,
        event: {
          attributes: {
            type: 1,
            service: payload.deployment.payload?.service ?? payload.repository.full_name,
            environment,
            status: expectedStatus.get(id),
            source: 'github',
          },
        },
      });
      const record = await stored(res.body.eventId);
      expect(record?.intake).toEqual({ provider: 'github', externalId: String(id), commitSha: payload.deployment.sha });
    }
    for (const event of GITHUB_EVENTS) expect({ event, accepted: accepted[event] }).toEqual({ event, accepted: total[event] });
    const count = Object.values(accepted).reduce((a, b) => a + b, 0);
    reportFigure(
      `GitHub examples accepted (2xx with the mapping): ${count} of ${all.length} (${GITHUB_EVENTS.map((e) => `${e} ${accepted[e]}/${total[e]}`).join(', ')})`,
    );
  });

  it('refuses every one of those bodies with one byte changed (401 invalid-signature), and unsigned or wrongly signed ones', async () => {
    const all = githubExamples();
    let refused = 0;
    for (const { event, index, body } of all) {
      const res = await postGithub(app.http, event, withOneByteChanged(body), { signature: signatureOf(body) });
      const where = `${event} example ${index}`;
      expect({ where, status: res.status, type: res.body.type }).toEqual({
        where,
        status: 401,
        type: expect.stringContaining('invalid-signature'),
      });
      refused++;
    }
    reportFigure(`GitHub examples with one byte changed refused with 401: ${refused} of ${all.length}`);
    const body = all.find((e) => e.event === 'deployment')!.body;
    for (const signature of [null, '', 'sha1=abc', signatureOf(body, 'another-secret'), `sha256=${'0'.repeat(64)}`]) {
      const res = await postGithub(app.http, 'deployment', body, { signature });
      expect({ signature, status: res.status }).toEqual({ signature, status: 401 });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('correlates a deployment and its statuses into one event and its changelog; a redelivery stores nothing new', async () => {
    const base = githubExamples().find((e) => e.event === 'deployment_status' && e.payload.deployment_status.state === 'success')!.payload;
    const id = 900_000_001;
    const deployment = {
      ...structuredClone(base),
      deployment: { ...base.deployment, id, payload: { service: 'billing', pull_request_url: 'https://github.com/o/r/pull/7' } },
    };
    delete deployment.deployment_status;
    const status = (state: string) => ({ ...structuredClone(deployment), deployment_status: { ...base.deployment_status, state } });

    const created = await postGithub(app.http, 'deployment', JSON.stringify(deployment));
    expect(created.status).toBe(201);
    const eventId = created.body.eventId;
    const delivery = randomUUID();
    const running = await postGithub(app.http, 'deployment_status', JSON.stringify(status('in_progress')), { delivery });
    expect(running.body).toMatchObject({ eventId, result: 'unchanged', duplicate: false });
    const done = await postGithub(app.http, 'deployment_status', JSON.stringify(status('success')));
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ eventId, result: 'updated', duplicate: false });

    const event = await trackerEvent(eventId);
    expect(event).toMatchObject({
      attributes: { service: 'billing', status: 3, environment: 7, source: 'github' },
      links: { pullRequestLink: 'https://github.com/o/r/pull/7' },
    });
    const before = await changelog(eventId);
    expect(before.changelog.filter((c: any) => c.field === 'attributes.status')).toEqual([
      expect.objectContaining({ old: 1, new: 3, source: 'github' }),
    ]);

    // GitHub's "Redeliver": the same delivery id again, body and all: 200, nothing new (not even a status move back).
    const again = await postGithub(app.http, 'deployment_status', JSON.stringify(status('in_progress')), { delivery });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, eventId });
    expect(await changelog(eventId)).toEqual(before);
    expect((await trackerEvent(eventId)).attributes.status).toBe(3);
    // A late in_progress under its own delivery id (deliveries can arrive out of order): the finished deployment stays.
    const late = await postGithub(app.http, 'deployment_status', JSON.stringify(status('in_progress')));
    expect(late.body).toMatchObject({ duplicate: false, result: 'unchanged', eventId });
    expect((await trackerEvent(eventId)).attributes.status).toBe(3);
  });

  it('records a merged pull request as a change (merge time, merge commit, PR URL, repository), once', async () => {
    const closed = githubExamples().find((e) => e.event === 'pull_request' && e.payload.action === 'closed')!.payload;
    const merged = structuredClone(closed);
    merged.pull_request.merged = true;
    merged.pull_request.merged_at = '2024-03-01T10:00:00Z';
    const body = JSON.stringify(merged);
    const delivery = randomUUID();
    const res = await postGithub(app.http, 'pull_request', body, { delivery });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ duplicate: false, result: 'created', changeId: expect.any(String) });
    const list = await http('GET', `${app.http}${API}/changes?service=${encodeURIComponent(merged.repository.full_name)}`);
    expect(list.body.changes).toEqual([
      expect.objectContaining({
        id: res.body.changeId,
        service: merged.repository.full_name,
        sha: merged.pull_request.merge_commit_sha,
        pullRequestLink: merged.pull_request.html_url,
        title: merged.pull_request.title,
        mergedAt: '2024-03-01T10:00:00.000Z',
        source: 'github',
      }),
    ]);
    // Redelivered: nothing new. Delivered again under another delivery id (a second webhook): the same change.
    expect((await postGithub(app.http, 'pull_request', body, { delivery })).body).toMatchObject({
      duplicate: true,
      changeId: res.body.changeId,
    });
    const other = await postGithub(app.http, 'pull_request', body);
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({ duplicate: false, result: 'unchanged', changeId: res.body.changeId });
    expect(
      (await http('GET', `${app.http}${API}/changes?service=${encodeURIComponent(merged.repository.full_name)}`)).body.totalCount,
    ).toBe(1);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await http('GET', `${app.http}/docs-json`)).body;
    expect(doc.paths['/api/v1alpha1/webhooks/github'].post.operationId).toBe('receiveGithubWebhook');
    expect(doc.paths['/api/v1alpha1/cloudevents'].post.operationId).toBe('receiveCloudEvents');
    expect(Object.keys(doc.paths['/api/v1alpha1/webhooks/github'].post.responses).sort()).toEqual([
      '200',
      '201',
      '202',
      '204',
      '400',
      '401',
      '403',
      // AUTO_LOCK=on and another owner holds the deployment lock
      '409',
      // what the platform adds to every operation with a body (addPlatformResponses)
      '413',
      '415',
      '429',
      '500',
      '503',
    ]);
  });

  it('answers 202 ignored for other events, and counts them by type in /metrics', async () => {
    const res = await postGithub(app.http, 'issues', JSON.stringify({ action: 'opened', issue: { number: 1 } }));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ ignored: true, reason: 'GitHub event "issues" is not one Tracker records' });
    const metrics = await http('GET', `${app.http}/metrics`);
    expect(metrics.text).toMatch(/tracker_intake_ignored_total\{provider="github",type="issues"\} 1/);
    expect(metrics.text).toMatch(/tracker_intake_ignored_total\{provider="github",type="pull_request"\} \d+/);
  });

  it('names what is wrong in a correctly signed delivery that is not one (400)', async () => {
    const broken = '{"deployment": {"id": "seven"}, "repository": {"full_name": "o/r"}}';
    const res = await postGithub(app.http, 'deployment', broken);
    expect(res.status).toBe(400);
    expect(res.body.invalidFields).toEqual([{ name: 'deployment.id', reason: 'must be an integer' }]);
    const notJson = await postGithub(app.http, 'deployment', '{"deployment": ');
    expect(notJson.status).toBe(400);
    const noDelivery = await http('POST', `${app.http}${API}/webhooks/github`, {
      raw: '{}',
      headers: { 'content-type': 'application/json', 'x-github-event': 'deployment', 'x-hub-signature-256': signatureOf('{}') },
    });
    expect(noDelivery.status).toBe(400);
    expect(noDelivery.body.invalidFields).toEqual([{ name: 'X-GitHub-Delivery', reason: 'must be the delivery GUID' }]);
  });
});

describe('GitHub webhook intake without a secret, under TRACKER_AUTH=required', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { TRACKER_AUTH: 'required' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 403 saying the secret is not configured (no bearer token is asked of GitHub)', async () => {
    const res = await postGithub(app.http, 'ping', '{"zen":"x"}');
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('GITHUB_WEBHOOK_SECRET is not configured');
    // The CloudEvents intake is an ordinary tracker API route: it wants the bearer token.
    const ce = await http('POST', `${app.http}${API}/cloudevents`, { body: {} });
    expect(ce.status).toBe(401);
  });
});
