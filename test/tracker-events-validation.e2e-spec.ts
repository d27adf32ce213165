import { startTestApp, TestApp } from './support/app-harness';
import { http } from './support/http';
import { patchedTrackerEvent } from './support/tracker-events';

const API = '/api/v1alpha1';

/*
 * What validation means for the stored event: accepted bodies read back as sent (empty optional strings
 * absent), search values stay literal against real documents. The rejection tables (400 naming the field)
 * need no store: src/tracker-events/tracker-events.http.controller.spec.ts.
 */
describe('tracker events: validation over REST', () => {
  let app: TestApp;
  const url = (path: string) => `${app.http}${API}${path}`;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ['every enum bound', { attributes: { type: 5, priority: 5, status: 9, environment: 8, impact: 3 } }],
    ['status 1 and environment 1', { attributes: { status: 1, environment: 1, priority: 1, impact: 1 } }],
    ['empty optional strings (absent)', { attributes: { message: '', owner: '', source: '', relatedId: '', startDate: '', endDate: '' }, links: { pullRequestLink: '', ticket: '' } }],
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
