import { startTestApp, TestApp } from '../support/app-harness';
import { http } from '../support/http';
import { patchedTrackerEvent } from '../support/tracker-events';
import { CURL, githubActionsCurl, jenkinsCurl, runCurl } from '../support/tracker-event-examples';

const API = '/api/v1alpha1';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('tracker events over REST: the guide examples, CRUD, related events, changelog, stored values', () => {
  let app: TestApp;
  const url = (path: string) => `${app.http}${API}${path}`;
  const create = (body: object) => http('POST', url('/event'), { body });

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('creates with the guide example: 200, 24-hex id, title and createdAt at top level, whole event stored', async () => {
    const res = await runCurl(CURL.create, app);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      title: 'Deploy user-service v2.1.0 to production',
      createdAt: expect.stringMatching(ISO),
    });
    const got = await runCurl(CURL.get, { http: app.http, id: res.body.id });
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      id: res.body.id,
      title: 'Deploy user-service v2.1.0 to production',
      attributes: {
        message: 'Deployed via GitHub Actions',
        type: 1,
        priority: 2,
        service: 'user-service',
        status: 3,
        environment: 7,
        owner: 'platform-team',
      },
      links: { pullRequestLink: 'https://github.com/org/repo/pull/123', ticket: 'PROJ-456' },
      metadata: { createdAt: res.body.createdAt, updatedAt: res.body.createdAt },
    });
  });

  it('runs the four use-case creates as written', async () => {
    for (const command of [CURL.trackDeployment, CURL.reportIncident, CURL.trackDrift, CURL.monitorRpa]) {
      const res = await runCurl(command, app);
      expect(res.status).toBe(200);
      expect(res.body.id).toMatch(/^[0-9a-f]{24}$/);
    }
    const incident = await runCurl(CURL.searchP1Incidents, app);
    expect(incident.body.events.map((e: { title: string }) => e.title)).toContain('Database connection pool exhausted');
    const rpa = (await runCurl(CURL.searchService.replace('user-service', 'invoice-automation'), app)).body.events[0];
    expect(rpa.metadata).toMatchObject({ duration: '15m0s', durationSeconds: 900 });
    const deployment = (await runCurl(CURL.searchService.replace('user-service', 'api-service'), app)).body.events[0];
    expect(deployment.attributes).toMatchObject({ startDate: '2024-01-15T14:00:00.000Z', endDate: '2024-01-15T14:10:00.000Z' });
    expect(deployment.metadata.duration).toBe('10m0s');
  });

  it('updates with the guide example: merges, keeps every other field, returns the event', async () => {
    const created = await create({
      title: 'Deploy user-service v2.1.0 to production',
      attributes: { type: 1, service: 'user-service', status: 1, priority: 2, owner: 'platform-team', startDate: '2024-01-15T10:00:00Z' },
      links: { ticket: 'PROJ-456' },
    });
    const res = await runCurl(CURL.update, { http: app.http, id: created.body.id });
    expect(res.status).toBe(200);
    expect(res.body.attributes).toEqual({
      type: 1,
      service: 'user-service',
      status: 3,
      priority: 2,
      owner: 'platform-team',
      startDate: '2024-01-15T10:00:00.000Z',
      endDate: '2024-01-15T10:05:00.000Z',
    });
    expect(res.body.links).toEqual({ ticket: 'PROJ-456' });
    expect(res.body.metadata).toMatchObject({ createdAt: created.body.createdAt, duration: '5m0s', durationSeconds: 300 });
    expect(Date.parse(res.body.metadata.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.createdAt));
    expect((await http('GET', url(`/event/${created.body.id}`))).body).toEqual(res.body);
  });

  it('merges nested objects field by field and replaces arrays whole', async () => {
    const { body: c } = await create({
      title: 'Incident',
      attributes: { type: 4, service: 'db', status: 7, impact: 2, stakeHolders: ['a', 'b'], message: 'm' },
      links: { ticket: 'INC-1', pullRequestLink: 'https://x/pr/1' },
    });
    const res = await http('PUT', url('/event'), {
      body: { id: c.id, attributes: { impact: 3, stakeHolders: ['c'] }, links: { ticket: 'INC-2' } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      title: 'Incident',
      attributes: { type: 4, service: 'db', status: 7, impact: 3, stakeHolders: ['c'], message: 'm' },
      links: { ticket: 'INC-2', pullRequestLink: 'https://x/pr/1' },
    });
    const empty = await http('PUT', url('/event'), { body: { id: c.id, links: { ticket: '' }, attributes: { owner: '' } } });
    expect(empty.body.links.ticket).toBe('INC-2');
    expect(empty.body.attributes.owner).toBeUndefined();
  });

  it('keeps every one of concurrent updates to different fields (revision check, retried merge)', async () => {
    const { body: c } = await create({ title: 'Busy', attributes: { type: 1, service: 'busy', status: 1 } });
    const patches = [
      { attributes: { status: 3 } },
      { attributes: { priority: 2 } },
      { attributes: { owner: 'team' } },
      { links: { ticket: 'T-9' } },
      { attributes: { environment: 7 } },
    ];
    const results = await Promise.all(patches.map((p) => http('PUT', url('/event'), { body: { id: c.id, ...p } })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const got = await http('GET', url(`/event/${c.id}`));
    expect(got.body.attributes).toMatchObject({ status: 3, priority: 2, owner: 'team', environment: 7 });
    expect(got.body.links).toEqual({ ticket: 'T-9' });
    const log = await http('GET', url(`/event/${c.id}/changelog`));
    expect(log.body.changelog.map((e: { field: string }) => e.field).sort()).toEqual([
      'attributes.owner',
      'attributes.priority',
      'attributes.status',
      'event',
      'links.ticket',
    ]);
  });

  it('update: unknown id 404, end before the stored start 400', async () => {
    const missing = await http('PUT', url('/event'), { body: { id: '507f1f77bcf86cd799439011', attributes: { status: 3 } } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const { body: c } = await create({ title: 'Timed', attributes: { type: 2, service: 's', startDate: '2024-01-15T10:00:00Z' } });
    const inverted = await http('PUT', url('/event'), { body: { id: c.id, attributes: { endDate: '2024-01-15T09:00:00Z' } } });
    expect(inverted.status).toBe(400);
    expect(inverted.body.invalidFields[0].name).toBe('attributes.endDate');
  });

  it('deletes with the guide example: 200 with the id, then get and delete are 404', async () => {
    const { body: c } = await create({ title: 'Short-lived', attributes: { type: 2, service: 'ops' } });
    const res = await runCurl(CURL.delete, { http: app.http, id: c.id });
    expect(res).toEqual({ status: 200, body: { id: c.id } });
    expect((await runCurl(CURL.get, { http: app.http, id: c.id })).status).toBe(404);
    const again = await http('DELETE', url(`/event/${c.id}`));
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ type: 'urn:tracker:problems:not-found', status: '404' });
  });

  it('get: unknown id 404', async () => {
    expect((await http('GET', url('/event/507f1f77bcf86cd799439011'))).status).toBe(404);
  });

  it('links a related event and measures from its start to this end (or creation)', async () => {
    const { body: original } = await create({
      title: 'Deploy user-service v2.1.0',
      attributes: { type: 1, service: 'user-service', status: 3, startDate: '2024-01-15T10:00:00Z' },
    });
    // The guide's related-events fragment omits the required service: as written it is rejected, naming it.
    const fragment = await create({
      title: 'Rollback user-service to v2.0.9',
      attributes: { relatedId: 'original-deployment-id', type: 1, status: 1 },
    });
    expect(fragment.status).toBe(400);
    expect(fragment.body.invalidFields.map((f: { name: string }) => f.name)).toEqual(['attributes.service']);
    const { body: rollback } = await create({
      title: 'Rollback user-service to v2.0.9',
      attributes: { relatedId: original.id, type: 1, status: 1, service: 'user-service', endDate: '2024-01-15T11:30:00Z' },
    });
    const got = await http('GET', url(`/event/${rollback.id}`));
    expect(got.body.related).toEqual({ id: original.id, title: 'Deploy user-service v2.1.0', duration: '1h30m0s', durationSeconds: 5400 });
    const { body: open } = await create({
      title: 'Rollback, no end yet',
      attributes: { relatedId: original.id, type: 1, service: 'user-service' },
    });
    const openGot = await http('GET', url(`/event/${open.id}`));
    expect(openGot.body.related.durationSeconds).toBeCloseTo((Date.parse(open.createdAt) - Date.parse('2024-01-15T10:00:00Z')) / 1000, 3);
    const { body: dangling } = await create({
      title: 'Names something else',
      attributes: { relatedId: 'original-deployment-id', type: 1, service: 's' },
    });
    const danglingGot = await http('GET', url(`/event/${dangling.id}`));
    expect(danglingGot.body.attributes.relatedId).toBe('original-deployment-id');
    expect(danglingGot.body.related).toBeUndefined();
  });

  it('records the changelog of creation and of status, priority, title, owner, dates and links', async () => {
    const { body: c } = await create({ title: 'Deploy A', attributes: { type: 1, service: 'a', status: 1, priority: 3, message: 'x' } });
    await http('PUT', url('/event'), {
      body: {
        id: c.id,
        title: 'Deploy A v2',
        attributes: { status: 3, priority: 2, owner: 'team', endDate: '2024-01-15T10:05:00Z', message: 'not tracked', source: 'jenkins' },
        links: { ticket: 'T-1' },
      },
    });
    await http('PUT', url('/event'), { body: { id: c.id, attributes: { status: 3 } } });
    const res = await http('GET', url(`/event/${c.id}/changelog`));
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(c.id);
    const entries = res.body.changelog.map((e: Record<string, unknown>) => [e.field, e.old, e.new, e.source]);
    // Creation first; the entries of one update share its timestamp, in no promised order.
    expect(entries[0]).toEqual(['event', null, 'created', 'rest']);
    expect(entries.slice(1).sort()).toEqual(
      [
        ['title', 'Deploy A', 'Deploy A v2', 'jenkins'],
        ['attributes.status', 1, 3, 'jenkins'],
        ['attributes.priority', 3, 2, 'jenkins'],
        ['attributes.endDate', null, '2024-01-15T10:05:00.000Z', 'jenkins'],
        ['attributes.owner', null, 'team', 'jenkins'],
        ['links.ticket', null, 'T-1', 'jenkins'],
      ].sort(),
    );
    expect(res.body.changelog.every((e: { at: string }) => ISO.test(e.at))).toBe(true);
    expect((await http('GET', url('/event/507f1f77bcf86cd799439011/changelog'))).status).toBe(404);
  });

  it('accepts the GitHub Actions step with realistic values, with and without a pull request', async () => {
    const push = await runCurl(githubActionsCurl({ repository: 'acme/payments-api', refName: 'main', actor: 'octocat', prUrl: '' }), app);
    expect(push.status).toBe(200);
    const got = await http('GET', url(`/event/${push.body.id}`));
    expect(got.body).toMatchObject({
      title: 'Deploy acme/payments-api main',
      attributes: { type: 1, service: 'acme/payments-api', status: 3, environment: 7, owner: 'octocat' },
      links: {},
    });
    const pr = await runCurl(
      githubActionsCurl({
        repository: 'acme/payments-api',
        refName: 'feature/x',
        actor: 'octocat',
        prUrl: 'https://github.com/acme/payments-api/pull/42',
      }),
      app,
    );
    expect(pr.status).toBe(200);
    const found = await http('GET', url('/events/search?service=acme/payments-api'));
    expect(found.body.totalCount).toBe(2);
    expect(found.body.events.map((e: { links: object }) => e.links)).toContainEqual({
      pullRequestLink: 'https://github.com/acme/payments-api/pull/42',
    });
  });

  it('accepts the Jenkins post-success step with a folder job name', async () => {
    const res = await runCurl(jenkinsCurl('platform/deploy-frontend', 128), app);
    expect(res.status).toBe(200);
    expect(res.body.title).toBe('Deploy platform/deploy-frontend #128');
    const got = await http('GET', url(`/event/${res.body.id}`));
    expect(got.body.attributes).toEqual({ type: 1, service: 'platform/deploy-frontend', status: 3, environment: 7 });
  });

  it('keeps notification fields for the notifications feature', async () => {
    const { body: c } = await create({
      title: 'Notify me',
      attributes: { type: 1, service: 's', notification: true, notifications: ['slack', 'email'] },
    });
    expect((await http('GET', url(`/event/${c.id}`))).body.attributes).toMatchObject({
      notification: true,
      notifications: ['slack', 'email'],
    });
  });

  // What validation means for stored events (the rejection tables need no store: tracker-events.http.controller.spec.ts).
  it.each([
    ['every enum bound', { attributes: { type: 5, priority: 5, status: 9, environment: 8, impact: 3 } }],
    ['status 1 and environment 1', { attributes: { status: 1, environment: 1, priority: 1, impact: 1 } }],
    [
      'empty optional strings (absent)',
      {
        attributes: { message: '', owner: '', source: '', relatedId: '', startDate: '', endDate: '' },
        links: { pullRequestLink: '', ticket: '' },
      },
    ],
    ['a bare start date and equal end', { attributes: { startDate: '2024-01-15', endDate: '2024-01-15T00:00:00Z' } }],
    ['a service with a slash', { attributes: { service: 'org/repo' } }],
  ])('create accepts %s', async (_case, patch) => {
    const res = await http('POST', url('/event'), { body: patchedTrackerEvent(patch) });
    expect(res.status).toBe(200);
    const got = await http('GET', url(`/event/${res.body.id}`));
    for (const key of ['message', 'owner', 'source', 'relatedId', 'startDate', 'endDate']) {
      if ((patch.attributes as Record<string, unknown>)[key] === '') expect(got.body.attributes[key]).toBeUndefined();
    }
  });

  it('treats search values as literal values, never as operators or patterns', async () => {
    await http('POST', url('/event'), { body: patchedTrackerEvent({ attributes: { service: 'literal-svc' } }) });
    for (const q of ['service=.*', 'service=literal.*', 'service=%7B%22%24ne%22%3A%22x%22%7D', 'service=^literal-svc$']) {
      const res = await http('GET', url(`/events/search?${q}`));
      expect(res.status).toBe(200);
      expect(res.body.totalCount).toBe(0);
    }
    expect((await http('GET', url('/events/search?service=literal-svc'))).body.totalCount).toBe(1);
  });
});
