import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from './support/app-harness';
import { expectAstraProblem, expectAstraValid } from './support/astra-schema';
import { createEvent, eventsUrl, sampleEvent } from './support/astra-events';
import { bearer, GARBAGE_TOKEN, mintToken } from './support/auth';
import { http } from './support/http';

// The project-level testTimeout is not applied under jest 30 projects; these tests hit the real store.
jest.setTimeout(60_000);

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

describe('activity log REST: the Astra event resource', () => {
  let app: TestApp;
  const account = randomUUID();
  let url: string;
  beforeAll(async () => {
    app = await startTestApp();
    url = eventsUrl(app.http, account);
  });
  afterAll(async () => {
    await app?.close();
  });

  describe('POST and GET one', () => {
    it('creates with system-assigned fields and defaults, answers 201 + Location, and reads it back', async () => {
      const user = randomUUID();
      const res = await http('POST', url, { body: sampleEvent(), headers: bearer(account, 'admin', { user }) });
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expectAstraValid('event_1.4_get_response_body', res.body);
      const e = res.body;
      expect(e).toMatchObject({ type: 'application/astra-event', version: '1.4', accountID: account, additionalResourceIDs: [] });
      expect(e.metadata).toEqual({ labels: [], creationTimestamp: expect.stringMatching(TIME), modificationTimestamp: e.metadata.creationTimestamp, createdBy: user });
      expect(e.eventTime).toMatch(TIME);
      expect(e.correlationID).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('location')).toBe(`/accounts/${account}/core/v1/events/${e.id}`);

      const got = await http('GET', `${app.http}${res.headers.get('location')}`, { headers: bearer(account, 'viewer') });
      expect(got.status).toBe(200);
      expectAstraValid('event_1.4_get_response_body', got.body);
      expect(got.body).toEqual(e);
    });

    it('stores every optional field as given', async () => {
      const full = sampleEvent({
        eventTime: '2020-08-06T12:24:51.846Z',
        additionalResourceIDs: [randomUUID(), randomUUID()],
        correlationID: randomUUID(),
        descriptionURL: 'https://docs.example/x',
        correctiveAction: 'Retry the discovery',
        correctiveActionURL: '/apps/fix',
        visibility: ['member'],
        destinations: ['notification', 'banner'],
        resourceURI: '/accounts/x/topology/v1/apps/y',
        resourceCollectionURL: ['https://www.astra.io/accounts/x/apps/y'],
        resourceMethod: 'post',
        resourceMethodResult: '201',
        userID: randomUUID(),
        data: { ttl: 0, isAcknowledgeable: 'true' },
      });
      const e = await createEvent(app.http, account, full);
      expect(e).toMatchObject({ ...full });
      const got = await http('GET', `${url}/${e.id}`, { headers: bearer(account, 'member') });
      expect(got.body).toEqual(e);
    });

    it('keeps sub-millisecond eventTimes to the millisecond', async () => {
      const e = await createEvent(app.http, account, { eventTime: '2020-08-06T12:24:51.846543Z' });
      expect(e.eventTime).toBe('2020-08-06T12:24:51.846Z');
    });

    it('rejects each invalid field with 400 problems/9 naming it', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ name: 'NoDots' }, 'name'],
        [{ name: 'a.' + 'b'.repeat(130) }, 'name'],
        [{ summary: 'ab' }, 'summary'],
        [{ summary: 'x'.repeat(80) }, 'summary'],
        [{ source: 'Bad_Source' }, 'source'],
        [{ source: 'x'.repeat(20) }, 'source'],
        [{ resourceType: 'application/json' }, 'resourceType'],
        [{ severity: 'major' }, 'severity'],
        [{ class: 'other' }, 'class'],
        [{ description: 'ab' }, 'description'],
        [{ destinations: ['email'] }, 'destinations'],
        [{ destinations: ['banner', 'banner'] }, 'destinations'],
        [{ visibility: [''] }, 'visibility'],
        [{ visibility: ['admin', 'admin'] }, 'visibility'],
        [{ data: { ttl: -1 } }, 'data.ttl'],
        [{ data: { ttl: '60' } }, 'data.ttl'],
        [{ data: { isAcknowledgeable: true } }, 'data.isAcknowledgeable'],
        [{ data: { other: 1 } }, 'data.other'],
        [{ descriptionURL: 'ab' }, 'descriptionURL'],
        [{ correctiveActionURL: 'x'.repeat(4096) }, 'correctiveActionURL'],
        [{ resourceMethod: 'patch' }, 'resourceMethod'],
        [{ resourceMethodResult: '600' }, 'resourceMethodResult'],
        [{ resourceID: 'not-a-uuid' }, 'resourceID'],
        [{ correlationID: 'ABC' }, 'correlationID'],
        [{ userID: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' }, 'userID'],
        [{ additionalResourceIDs: ['x'] }, 'additionalResourceIDs'],
        [{ eventTime: '2024-01-01T00:00:00+02:00' }, 'eventTime'],
        [{ eventTime: '2023-02-30T00:00:00Z' }, 'eventTime'],
        [{ id: randomUUID() }, 'id'],
        [{ sequenceCount: 5 }, 'sequenceCount'],
        [{ metadata: {} }, 'metadata'],
        [{ accountID: account }, 'accountID'],
        [{ unknownField: 1 }, 'unknownField'],
      ];
      for (const [overrides, field] of cases) {
        const res = await http('POST', url, { body: sampleEvent(overrides), headers: bearer(account, 'owner') });
        expectAstraProblem(res, 9);
        expect(res.body.invalidFields.map((f: { name: string }) => f.name)).toContain(field);
      }
      const missing = await http('POST', url, { body: {}, headers: bearer(account, 'owner') });
      expectAstraProblem(missing, 9);
      const names = missing.body.invalidFields.map((f: { name: string }) => f.name);
      expect(names).toEqual(expect.arrayContaining(['name', 'summary', 'source', 'resourceID', 'resourceType', 'severity', 'class', 'description']));
    });

    it('answers malformed JSON with 400 problems/7', async () => {
      const res = await http('POST', url, { raw: '{"name": ', headers: { ...bearer(account, 'admin'), 'content-type': 'application/json' } });
      expectAstraProblem(res, 7);
    });

    it('answers an unknown event with 404 problems/2 and a malformed id with 400 problems/35', async () => {
      expectAstraProblem(await http('GET', `${url}/${randomUUID()}`, { headers: bearer(account, 'viewer') }), 2);
      expectAstraProblem(await http('GET', `${url}/not-a-uuid`, { headers: bearer(account, 'viewer') }), 35);
    });
  });

  describe('auth and roles', () => {
    let eventUrl: string;
    beforeAll(async () => {
      eventUrl = `${url}/${(await createEvent(app.http, account)).id}`;
    });

    it.each([
      ['no token', {}, 3],
      ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 3],
      ['an empty bearer', { authorization: 'Bearer ' }, 3],
      ['garbage', { authorization: GARBAGE_TOKEN }, 4],
      ['a bad signature', { authorization: `Bearer ${mintToken({ [account]: 'owner' }, { badSignature: true })}` }, 4],
      ['an expired token', { authorization: `Bearer ${mintToken({ [account]: 'owner' }, { expired: true })}` }, 4],
      ['malformed claims', { authorization: `Bearer ${mintToken({ [account]: 'owner' }, { malformedClaims: true })}` }, 4],
    ])('answers %s with 401 on every operation', async (_what, headers, problem) => {
      expectAstraProblem(await http('GET', url, { headers }), problem);
      expectAstraProblem(await http('GET', eventUrl, { headers }), problem);
      expectAstraProblem(await http('POST', url, { body: sampleEvent(), headers }), problem);
    });

    it('checks the token before the account id format (401, then 400 problems/33)', async () => {
      expectAstraProblem(await http('GET', eventsUrl(app.http, 'not-a-uuid')), 3);
      expectAstraProblem(await http('GET', eventsUrl(app.http, 'not-a-uuid'), { headers: bearer(account, 'owner') }), 33);
      expectAstraProblem(await http('GET', `${eventsUrl(app.http, 'NOPE')}/${randomUUID()}`, { headers: bearer(account, 'owner') }), 33);
    });

    it('answers 403 problems/11 for an account not in the token', async () => {
      const other = randomUUID();
      expectAstraProblem(await http('GET', eventsUrl(app.http, other), { headers: bearer(account, 'owner') }), 11);
      expectAstraProblem(await http('GET', `${eventsUrl(app.http, other)}/${randomUUID()}`, { headers: bearer(account, 'owner') }), 11);
      expectAstraProblem(await http('POST', eventsUrl(app.http, other), { body: sampleEvent(), headers: bearer(account, 'owner') }), 11);
    });

    it('lets every role read and only admin and owner create (403 before body validation)', async () => {
      for (const role of ['viewer', 'member', 'admin', 'owner'] as const) {
        expect((await http('GET', url, { headers: bearer(account, role) })).status).toBe(200);
        expect((await http('GET', eventUrl, { headers: bearer(account, role) })).status).toBe(200);
      }
      expectAstraProblem(await http('POST', url, { body: sampleEvent(), headers: bearer(account, 'viewer') }), 11);
      expectAstraProblem(await http('POST', url, { body: { bad: true }, headers: bearer(account, 'member') }), 11);
      expect((await http('POST', url, { body: sampleEvent(), headers: bearer(account, 'admin') })).status).toBe(201);
      expect((await http('POST', url, { body: sampleEvent(), headers: bearer(account, 'owner') })).status).toBe(201);
    });

    it('refuses every token with problems/4 when AUTH_JWT_SECRET is unset (the app still boots)', async () => {
      const bare = await startTestApp({ env: { AUTH_JWT_SECRET: '' } });
      try {
        expectAstraProblem(await http('GET', eventsUrl(bare.http, account), { headers: bearer(account, 'owner') }), 4);
        expectAstraProblem(await http('GET', eventsUrl(bare.http, account)), 3);
        expect((await http('GET', `${bare.http}/health/live`)).status).toBe(200);
      } finally {
        await bare.close();
      }
    });
  });

  describe('content negotiation and methods', () => {
    let eventUrl: string;
    beforeAll(async () => {
      eventUrl = `${url}/${(await createEvent(app.http, account)).id}`;
    });

    it.each([
      [undefined, 'application/json'],
      ['*/*', 'application/json'],
      ['application/json', 'application/json'],
      ['application/*', 'application/json'],
      ['application/astra-event+json', 'application/astra-event+json'],
      ['text/html;q=0.9, application/astra-event+json', 'application/astra-event+json'],
      ['application/json;q=0.5, application/astra-event+json', 'application/astra-event+json'],
    ])('GET one with Accept %p answers %s', async (accept, type) => {
      const res = await http('GET', eventUrl, { headers: { ...bearer(account, 'viewer'), ...(accept ? { accept } : {}) } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(new RegExp(`^${type.replace('+', '\\+')}`));
      expectAstraValid('event_1.4_get_response_body', JSON.parse(res.text));
    });

    it('lists as application/json, or application/astra-events+json when asked', async () => {
      const plain = await http('GET', url, { headers: { ...bearer(account, 'viewer'), accept: '*/*' } });
      expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
      expectAstraValid('event_1.4_list_response_body', plain.body);
      const typed = await http('GET', url, { headers: { ...bearer(account, 'viewer'), accept: 'application/astra-events+json' } });
      expect(typed.headers.get('content-type')).toMatch(/^application\/astra-events\+json/);
      expectAstraValid('event_1.4_list_response_body', JSON.parse(typed.text));
    });

    it('answers an unservable Accept with 406 problems/32 (and creates nothing)', async () => {
      expectAstraProblem(await http('GET', eventUrl, { headers: { ...bearer(account, 'viewer'), accept: 'text/html' } }), 32);
      expectAstraProblem(await http('GET', eventUrl, { headers: { ...bearer(account, 'viewer'), accept: 'application/json;q=0' } }), 32);
      expectAstraProblem(await http('GET', url, { headers: { ...bearer(account, 'viewer'), accept: 'application/xml' } }), 32);
      const before = (await http('GET', `${url}?count=true&limit=1`, { headers: bearer(account, 'owner') })).body.metadata.count;
      expectAstraProblem(await http('POST', url, { body: sampleEvent(), headers: { ...bearer(account, 'owner'), accept: 'text/csv' } }), 32);
      expect((await http('GET', `${url}?count=true&limit=1`, { headers: bearer(account, 'owner') })).body.metadata.count).toBe(before);
    });

    it('answers HEAD like GET, without a body', async () => {
      const res = await http('HEAD', eventUrl, { headers: bearer(account, 'viewer') });
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
    });

    it.each([
      ['PUT', 'collection'],
      ['PATCH', 'collection'],
      ['DELETE', 'collection'],
      ['POST', 'item'],
      ['PUT', 'item'],
      ['PATCH', 'item'],
      ['DELETE', 'item'],
    ])('answers %s on the %s with 405 problems/69 and Allow', async (method, target) => {
      const res = await http(method, target === 'item' ? eventUrl : url, { body: sampleEvent(), headers: bearer(account, 'owner') });
      expectAstraProblem(res, 69);
      expect(res.headers.get('allow')).toBe(target === 'item' ? 'GET, HEAD' : 'GET, HEAD, POST');
    });
  });
});
