import fc from 'fast-check';
import { startTestApp, TestApp } from '../support/app-harness';
import { mintToken } from '../support/auth';
import { http } from '../support/http';
import { rawRequest } from '../support/raw-http';

/*
 * TRACKER_AUTH=required protects every tracker route however the request line spells it. The guard decides from
 * the matched route's metadata, so any spelling the router resolves to a tracker route answers 401 without a
 * token, and any other spelling matches nothing (404). Never a 2xx, and never a 400 (which would mean
 * validation ran, i.e. the guard let the call through). Checked as a table over every route and many
 * spellings, then as a property over generated spellings, with the store checked for side effects.
 */
const LOCK_ID = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const BODY = JSON.stringify({ title: 'spelled', attributes: { type: 1, service: 'spellings' } });

describe('TRACKER_AUTH=required: every spelling of every tracker route needs a token', () => {
  let app: TestApp;
  let id: string;
  const token = { authorization: `Bearer ${mintToken({})}` };

  beforeAll(async () => {
    app = await startTestApp({ env: { TRACKER_AUTH: 'required' } });
    const created = await http('POST', `${app.http}/api/v1alpha1/event`, { body: JSON.parse(BODY), headers: token });
    expect(created.status).toBe(200);
    id = created.body.id;
  });
  afterAll(async () => app?.close());

  const routes = (): Array<[string, string]> => [
    ['POST', '/api/v1alpha1/event'],
    ['PUT', '/api/v1alpha1/event'],
    ['GET', `/api/v1alpha1/event/${id}`],
    ['DELETE', `/api/v1alpha1/event/${id}`],
    ['GET', `/api/v1alpha1/event/${id}/changelog`],
    ['GET', `/api/v1alpha1/event/${id}/notifications`],
    ['GET', '/api/v1alpha1/events/list'],
    ['GET', '/api/v1alpha1/events/search?service=spellings'],
    ['GET', '/api/v1alpha1/events/today'],
    ['GET', '/api/v1alpha1/events/stats'],
    ['GET', '/api/v1alpha1/events/stats/monthly'],
    ['GET', '/api/v1alpha1/events/overlaps?from=2024-01-01&to=2024-01-02'],
    ['POST', '/api/v1alpha1/locks'],
    ['GET', '/api/v1alpha1/locks'],
    ['GET', `/api/v1alpha1/locks/${LOCK_ID}`],
    ['POST', `/api/v1alpha1/locks/${LOCK_ID}/renew`],
    ['DELETE', `/api/v1alpha1/locks/${LOCK_ID}?owner=spellings`],
    ['POST', '/api/v1alpha1/changes'],
    ['GET', '/api/v1alpha1/changes'],
    // The GitHub webhook is not here on purpose: it is authenticated by its signature (test/intake/intake-github.e2e-spec.ts).
    ['POST', '/api/v1alpha1/cloudevents'],
    ['GET', '/api/v1alpha1/insights/dora'],
    ['GET', '/api/v1alpha1/insights/dora/services'],
  ];

  /**
   * 401 from the guard, 404 from the router, or a 400 from Node's HTTP parser for a request line it cannot read
   * (a bare response with no problem body): never a handler's answer, and never validation's problem.
   */
  const refused = (status: number, response: string) =>
    status === 401 || status === 404 || (status === 400 && !response.includes('application/problem+json'));
  const bodyFor = (method: string, path = '') =>
    method === 'PUT'
      ? JSON.stringify({ id, title: 'changed' })
      : method !== 'POST'
        ? undefined
        : path.includes('/renew')
          ? JSON.stringify({ owner: 'spellings' })
          : path.includes('/locks')
            ? JSON.stringify({ service: 'spellings', environment: 7, owner: 'spellings' })
            : path.includes('/changes')
              ? JSON.stringify({ service: 'spellings', sha: 'abcdef1', mergedAt: '2024-01-01T00:00:00Z' })
              : BODY;
  const pct = (c: string, upper = true) => `%${c.charCodeAt(0).toString(16)[upper ? 'toUpperCase' : 'toLowerCase']()}`;

  /** Spellings the router resolves to the same route: each must be refused with exactly 401. */
  const sameRoute = (path: string): string[] => [
    path,
    path.replace('/api/v1alpha1/', '/api/%761alpha1/'),
    path.replace('/api/v1alpha1/', '/%61pi/v1alpha1/'),
    path.replace('/api/v1alpha1/', '/api/v1alph%61' + '1/'),
    path.replace('/api/v1alpha1/', `/api/${pct('v', false)}1alpha1/`),
    path.replace(/\/(event|events)\//, (m) => `/${m.slice(1, -1).replace('e', '%65')}/`),
    `${app.http}${path}`,
    `http://attacker.example${path}`,
    path.includes('?') ? path.replace('?', '/?') : `${path}/`,
  ];

  /** Spellings that must not reach a tracker handler at all, or reach it only through the guard. */
  const otherSpellings = (path: string): string[] => [
    path.replace('/api/', '/API/'),
    path.replace('/api/v1alpha1/', '//api/v1alpha1/'),
    path.replace('/api/v1alpha1/', '/api//v1alpha1/'),
    path.replace('/api/v1alpha1/', '/api/./v1alpha1/'),
    path.replace('/api/v1alpha1/', '/x/../api/v1alpha1/'),
    path.replace('/api/v1alpha1/', '/api%2Fv1alpha1/'),
    path.replace('/api/v1alpha1/', '/api/v1alpha1;x=1/'),
    path.replace('/api/v1alpha1/', '/api/v1alpha1%00/'),
  ];

  it('the table: each route under every router-resolved spelling answers 401', async () => {
    const wrong: string[] = [];
    for (const [method, path] of routes()) {
      for (const target of sameRoute(path)) {
        const { status } = await rawRequest(app.http, method, target, {}, bodyFor(method, path));
        if (status !== 401) wrong.push(`${method} ${target} -> ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the table: spellings the router does not resolve answer 401 or 404, never reaching a handler', async () => {
    const wrong: string[] = [];
    for (const [method, path] of routes()) {
      for (const target of otherSpellings(path)) {
        const { status, response } = await rawRequest(app.http, method, target, {}, bodyFor(method, path));
        if (!refused(status, response)) wrong.push(`${method} ${target} -> ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('property: generated spellings (percent-encoding, case of hex, absolute forms, slashes) never pass without a token', async () => {
    const spelling = fc.record({
      route: fc.nat({ max: routes().length - 1 }),
      encode: fc.array(fc.boolean(), { minLength: 80, maxLength: 80 }),
      upperHex: fc.boolean(),
      absolute: fc.constantFrom('', 'http://127.0.0.1', 'http://attacker.example', 'HTTP://x'),
      trailing: fc.constantFrom('', '/', '//', '?', '?x=1', '#f'),
    });
    await fc.assert(
      fc.asyncProperty(spelling, async ({ route, encode, upperHex, absolute, trailing }) => {
        const [method, path] = routes()[route];
        const [pathname, query] = path.split('?');
        const spelled = [...pathname].map((c, i) => (c !== '/' && encode[i % encode.length] ? pct(c, upperHex) : c)).join('');
        const target = `${absolute}${spelled}${query ? `?${query}` : trailing}`;
        const { status, response } = await rawRequest(app.http, method, target, {}, bodyFor(method, path));
        return refused(status, response);
      }),
      { numRuns: 300 },
    );
  });

  it('nothing was created, changed or deleted by any of it; a token still works', async () => {
    const got = await http('GET', `${app.http}/api/v1alpha1/event/${id}`, { headers: token });
    expect(got.status).toBe(200);
    expect(got.body.title).toBe('spelled');
    const list = await http('GET', `${app.http}/api/v1alpha1/events/search?service=spellings`, { headers: token });
    expect(list.body.totalCount).toBe(1);
    const locks = await http('GET', `${app.http}/api/v1alpha1/locks?service=spellings`, { headers: token });
    expect(locks.status).toBe(200);
    expect(locks.body.totalCount).toBe(0);
    const changes = await http('GET', `${app.http}/api/v1alpha1/changes?service=spellings`, { headers: token });
    expect(changes.status).toBe(200);
    expect(changes.body.totalCount).toBe(0);
  });
});
