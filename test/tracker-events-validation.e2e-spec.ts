import { startTestApp, TestApp } from './support/app-harness';
import { http } from './support/http';

const API = '/api/v1alpha1';
const valid = { title: 'Deploy x', attributes: { type: 1, service: 'svc' } };

/** Deep-merges `patch` into a copy of the valid body; `undefined` removes a key. */
function body(patch: Record<string, unknown>, base: Record<string, unknown> = valid): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else if (v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object') out[k] = body(v as Record<string, unknown>, out[k] as Record<string, unknown>);
    else out[k] = v;
  }
  return out;
}

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
    ['type 0', { attributes: { type: 0 } }, 'attributes.type'],
    ['type 6', { attributes: { type: 6 } }, 'attributes.type'],
    ['type as text', { attributes: { type: '1' } }, 'attributes.type'],
    ['type 1.5', { attributes: { type: 1.5 } }, 'attributes.type'],
    ['priority 0', { attributes: { priority: 0 } }, 'attributes.priority'],
    ['priority 6', { attributes: { priority: 6 } }, 'attributes.priority'],
    ['status 2 (not in the guide)', { attributes: { status: 2 } }, 'attributes.status'],
    ['status 10', { attributes: { status: 10 } }, 'attributes.status'],
    ['environment 9', { attributes: { environment: 9 } }, 'attributes.environment'],
    ['environment 0', { attributes: { environment: 0 } }, 'attributes.environment'],
    ['impact 4', { attributes: { impact: 4 } }, 'attributes.impact'],
    ['no title', { title: undefined }, 'title'],
    ['empty title', { title: '' }, 'title'],
    ['title not a string', { title: 42 }, 'title'],
    ['no attributes', { attributes: undefined }, 'attributes'],
    ['no type', { attributes: { type: undefined } }, 'attributes.type'],
    ['no service', { attributes: { service: undefined } }, 'attributes.service'],
    ['empty service', { attributes: { service: '' } }, 'attributes.service'],
    ['unknown top-level field', { colour: 'red' }, 'colour'],
    ['unknown attribute', { attributes: { severity: 1 } }, 'attributes.severity'],
    ['unknown link', { links: { docs: 'https://x' } }, 'links.docs'],
    ['startDate not ISO 8601', { attributes: { startDate: '15/01/2024' } }, 'attributes.startDate'],
    ['impossible date', { attributes: { startDate: '2024-02-30' } }, 'attributes.startDate'],
    ['endDate before startDate', { attributes: { startDate: '2024-01-15T10:00:00Z', endDate: '2024-01-15T09:59:59Z' } }, 'attributes.endDate'],
    ['unknown notification channel', { attributes: { notification: true, notifications: ['slack', 'pager'] } }, 'attributes.notifications'],
    ['notification not a boolean', { attributes: { notification: 'yes' } }, 'attributes.notification'],
    ['stakeHolders not strings', { attributes: { stakeHolders: [1] } }, 'attributes.stakeHolders'],
  ])('create rejects %s with 400 naming %s', async (_case, patch, field) => {
    const res = await http('POST', url('/event'), { body: body(patch) });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.invalidFields.map((f: { name: string }) => f.name)).toContain(field);
    expect(res.body.detail).toContain(field);
  });

  it.each([
    ['every enum bound', { attributes: { type: 5, priority: 5, status: 9, environment: 8, impact: 3 } }],
    ['status 1 and environment 1', { attributes: { status: 1, environment: 1, priority: 1, impact: 1 } }],
    ['empty optional strings (absent)', { attributes: { message: '', owner: '', source: '', relatedId: '', startDate: '', endDate: '' }, links: { pullRequestLink: '', ticket: '' } }],
    ['a bare start date and equal end', { attributes: { startDate: '2024-01-15', endDate: '2024-01-15T00:00:00Z' } }],
    ['a service with a slash', { attributes: { service: 'org/repo' } }],
  ])('create accepts %s', async (_case, patch) => {
    const res = await http('POST', url('/event'), { body: body(patch) });
    expect(res.status).toBe(200);
    const got = await http('GET', url(`/event/${res.body.id}`));
    for (const key of ['message', 'owner', 'source', 'relatedId', 'startDate', 'endDate']) {
      if ((patch.attributes as Record<string, unknown>)[key] === '') expect(got.body.attributes[key]).toBeUndefined();
    }
  });

  it('update rejects enum and unknown-field mistakes the same way', async () => {
    const { body: c } = await http('POST', url('/event'), { body: valid });
    const res = await http('PUT', url('/event'), { body: { id: c.id, attributes: { status: 2, mood: 'ok' } } });
    expect(res.status).toBe(400);
    expect(res.body.invalidFields.map((f: { name: string }) => f.name).sort()).toEqual(['attributes.mood', 'attributes.status']);
  });

  it.each([
    ['/events/list?per_page=101', 'per_page'],
    ['/events/list?per_page=0', 'per_page'],
    ['/events/list?per_page=abc', 'per_page'],
    ['/events/list?page=0', 'page'],
    ['/events/list?page=-1', 'page'],
    ['/events/list?limit=5', 'limit'],
    ['/events/search?priority=0', 'priority'],
    ['/events/search?type=6', 'type'],
    ['/events/search?status=2', 'status'],
    ['/events/search?environment=9', 'environment'],
    ['/events/search?priority=1&priority=2', 'priority'],
    ['/events/search?start_date=yesterday', 'start_date'],
    ['/events/search?start_date=2024-02-01&end_date=2024-01-31', 'end_date'],
    ['/events/search?service[$ne]=x', 'service[$ne]'],
    ['/events/search?service=a&service=b', 'service'],
    ['/events/today?tz=Mars/Olympus', 'tz'],
    ['/events/stats?start_date=2024-13-01', 'start_date'],
  ])('GET %s is 400 naming %s', async (path, field) => {
    const res = await http('GET', url(path));
    expect(res.status).toBe(400);
    expect(res.body.invalidFields.map((f: { name: string }) => f.name)).toContain(field);
  });

  it('treats search values as literal values, never as operators or patterns', async () => {
    await http('POST', url('/event'), { body: body({ attributes: { service: 'literal-svc' } }) });
    for (const q of ['service=.*', 'service=literal.*', 'service=%7B%22%24ne%22%3A%22x%22%7D', 'service=^literal-svc$']) {
      const res = await http('GET', url(`/events/search?${q}`));
      expect(res.status).toBe(200);
      expect(res.body.totalCount).toBe(0);
    }
    expect((await http('GET', url('/events/search?service=literal-svc'))).body.totalCount).toBe(1);
  });
});
