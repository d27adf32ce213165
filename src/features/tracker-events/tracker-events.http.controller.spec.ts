import { randomUUID } from 'node:crypto';
import { GARBAGE_TOKEN, mintToken } from '../../../test/support/auth';
import { restVerdict, TRACKER_CALLERS, trackerHeaders, trackerVerdict } from '../../../test/support/tracker-roles';
import type { TrackerRole } from '../../auth/tracker-roles';
import { ControllerApp, startControllerApp } from '../../../test/support/controller-app';
import {
  TRACKER_EVENT_ID as ID,
  TRACKER_EVENT_STATS,
  patchedTrackerEvent,
  trackerEventsStub,
  VALID_TRACKER_EVENT,
} from '../../../test/support/tracker-events';
import { requestHash } from '../../idempotency/idempotency-key';
import { DomainError, ErrorKind, InvalidInputError, InvalidQueryError, StoreUnavailableError } from '../../platform/errors/domain-errors';
import { TrackerEventsHttpController } from './tracker-events.http.controller';
import { TrackerEventsService } from './tracker-events.service';

const API = '/api/v1alpha1';

const fieldNames = (problem: { invalidFields?: { name: string }[] }) => (problem.invalidFields ?? []).map((f) => f.name);

describe('TrackerEventsHttpController', () => {
  let app: ControllerApp;
  const service = trackerEventsStub();

  beforeAll(async () => {
    app = await startControllerApp({
      controllers: [TrackerEventsHttpController],
      providers: [{ provide: TrackerEventsService, useValue: service }],
    });
  });
  afterAll(async () => app?.close());
  beforeEach(() => jest.clearAllMocks());

  describe('create: body validation (400 naming the field, before the service)', () => {
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
      [
        'endDate before startDate',
        { attributes: { startDate: '2024-01-15T10:00:00Z', endDate: '2024-01-15T09:59:59Z' } },
        'attributes.endDate',
      ],
      [
        'unknown notification channel',
        { attributes: { notification: true, notifications: ['slack', 'pager'] } },
        'attributes.notifications',
      ],
      ['notification not a boolean', { attributes: { notification: 'yes' } }, 'attributes.notification'],
      ['stakeHolders not strings', { attributes: { stakeHolders: [1] } }, 'attributes.stakeHolders'],
    ])('rejects %s: %j names %s', async (_case, patch, field) => {
      const res = await app.request('POST', `${API}/event`, { body: patchedTrackerEvent(patch) });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'urn:tracker:problems:invalid-input', status: '400' });
      expect(fieldNames(res.body)).toContain(field);
      expect(res.body.detail).toContain(field);
      expect(service.create).not.toHaveBeenCalled();
    });

    it.each([
      ['attributes', { title: 'x', attributes: [] }],
      ['links', { title: 'x', attributes: { type: 1, service: 's' }, links: [] }],
    ])('rejects %s given as an array (found by the OpenAPI response check: [] passed as an empty object)', async (field, body) => {
      const res = await app.request('POST', `${API}/event`, { body });
      expect(res.status).toBe(400);
      expect(fieldNames(res.body)).toContain(field);
      expect(service.create).not.toHaveBeenCalled();
    });

    it.each([
      ['every enum bound', { attributes: { type: 5, priority: 5, status: 9, environment: 8, impact: 3 } }],
      ['status 1 and environment 1', { attributes: { status: 1, environment: 1, priority: 1, impact: 1 } }],
      ['a bare start date and equal end', { attributes: { startDate: '2024-01-15', endDate: '2024-01-15T00:00:00Z' } }],
      ['a service with a slash', { attributes: { service: 'org/repo' } }],
    ])('passes %s to the service and answers 200 with the created event', async (_case, patch) => {
      const res = await app.request('POST', `${API}/event`, { body: patchedTrackerEvent(patch) });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: ID, title: 'Deploy x', createdAt: '2024-01-15T10:00:00.000Z' });
      expect(service.create).toHaveBeenCalledWith(expect.objectContaining({ title: 'Deploy x' }), 'rest', {
        caller: undefined,
        context: { intake: false, warnings: [] },
      });
    });

    it('hands X-Freeze-Override to the service as the write context, and answers its warnings in a Warning header', async () => {
      const stored = await trackerEventsStub().get(ID);
      service.create.mockImplementationOnce((_dto, _via, origin) => {
        origin?.context?.warnings.push('frozen by "Release night"');
        return Promise.resolve(stored.event);
      });
      const res = await app.request('POST', `${API}/event`, {
        body: VALID_TRACKER_EVENT,
        headers: { 'x-freeze-override': '  hotfix INC-42  ' },
      });
      expect(res.status).toBe(200);
      expect(service.create).toHaveBeenCalledWith(expect.anything(), 'rest', {
        caller: undefined,
        context: { intake: false, override: 'hotfix INC-42', warnings: ['frozen by "Release night"'] },
      });
      expect(res.headers.get('warning')).toBe('199 tracker "frozen by \\"Release night\\""');
    });

    it('answers malformed JSON with 400 malformed-json and an unsupported media type with 415', async () => {
      const broken = await app.request('POST', `${API}/event`, { raw: '{"title": ', headers: { 'content-type': 'application/json' } });
      expect(broken.status).toBe(400);
      expect(broken.body.type).toBe('urn:tracker:problems:malformed-json');
      const xml = await app.request('POST', `${API}/event`, { raw: '<event/>', headers: { 'content-type': 'application/xml' } });
      expect(xml.status).toBe(415);
      expect(xml.body.type).toBe('urn:tracker:problems:unsupported-media-type');
      expect(service.create).not.toHaveBeenCalled();
    });
  });

  describe('create: idempotency keys (the global IdempotencyInterceptor)', () => {
    beforeEach(() => app.idempotency.clear());

    it('refuses a malformed Idempotency-Key with 400 naming the header, before the service', async () => {
      const res = await app.request('POST', `${API}/event`, { body: VALID_TRACKER_EVENT, headers: { 'idempotency-key': 'two words' } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        type: 'urn:tracker:problems:invalid-input',
        invalidFields: [{ name: 'Idempotency-Key', reason: 'must be 1-255 visible ASCII characters' }],
      });
      expect(app.idempotency.calls).toEqual([]);
      expect(service.create).not.toHaveBeenCalled();
    });

    it('scopes a key to the operation and the caller, and answers a replay with idempotent-replayed: true', async () => {
      const first = await app.request('POST', `${API}/event`, { body: VALID_TRACKER_EVENT, headers: { 'idempotency-key': 'key-1' } });
      expect(first.status).toBe(200);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(app.idempotency.calls).toEqual([
        { scope: 'tracker.event.create|anonymous|-', key: 'key-1', hash: requestHash({ body: VALID_TRACKER_EVENT, query: {} }) },
      ]);

      app.idempotency.replayNext({ status: 200, body: first.body });
      const again = await app.request('POST', `${API}/event`, { body: VALID_TRACKER_EVENT, headers: { 'idempotency-key': 'key-1' } });
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(service.create).toHaveBeenCalledTimes(1);
    });
  });

  describe('update and the id routes', () => {
    it('rejects enum and unknown-field mistakes the same way as create', async () => {
      const res = await app.request('PUT', `${API}/event`, { body: { id: ID, attributes: { status: 2, mood: 'ok' } } });
      expect(res.status).toBe(400);
      expect(fieldNames(res.body).sort()).toEqual(['attributes.mood', 'attributes.status']);
      expect(service.update).not.toHaveBeenCalled();
    });

    it.each([
      ['no id', { title: 'x' }, 'id'],
      ['an id that is not 24 hex', { id: 'abc', title: 'x' }, 'id'],
      ['a title that is not a string', { id: ID, title: 7 }, 'title'],
    ])('rejects an update with %s: %j names %s', async (_case, update, field) => {
      const res = await app.request('PUT', `${API}/event`, { body: update });
      expect(res.status).toBe(400);
      expect(fieldNames(res.body)).toContain(field);
    });

    it.each([
      ['GET', `/event/not-an-id`],
      ['DELETE', `/event/123`],
      ['GET', `/event/zzzzzzzzzzzzzzzzzzzzzzzz/changelog`],
    ])('%s %s: a malformed id is 400 naming id', async (method, path) => {
      const res = await app.request(method, `${API}${path}`);
      expect(res.status).toBe(400);
      expect(fieldNames(res.body)).toEqual(['id']);
      expect(service.get).not.toHaveBeenCalled();
      expect(service.delete).not.toHaveBeenCalled();
      expect(service.changelog).not.toHaveBeenCalled();
    });
  });

  describe('query parameters', () => {
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
      ['/events/today?per_page=0', 'per_page'],
      ['/events/stats?start_date=2024-13-01', 'start_date'],
      ['/events/stats?page=2', 'page'],
      ['/events/stats/monthly?end_date=soon', 'end_date'],
    ])('GET %s is 400 naming %s', async (path, field) => {
      const res = await app.request('GET', `${API}${path}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(fieldNames(res.body)).toContain(field);
    });

    it('turns valid parameters into paging and criteria for the service', async () => {
      expect((await app.request('GET', `${API}/events/list?page=3&per_page=7`)).status).toBe(200);
      expect(service.list).toHaveBeenCalledWith({ page: 3, perPage: 7 });

      const found = await app.request(
        'GET',
        `${API}/events/search?service=svc&priority=2&type=1&start_date=2024-01-01&end_date=2024-01-31`,
      );
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ totalCount: 1, page: 1, perPage: 20, events: [{ id: ID }] });
      const [criteria, paging] = service.search.mock.calls[0];
      expect(criteria).toMatchObject({ service: 'svc', priority: 2, type: 1 });
      // A bare end date covers its whole UTC day.
      expect(criteria.window).toEqual({ from: new Date('2024-01-01T00:00:00Z'), before: new Date('2024-02-01T00:00:00Z') });
      expect(paging).toEqual({ page: 1, perPage: 10 });

      expect((await app.request('GET', `${API}/events/today?tz=Europe/Paris`)).status).toBe(200);
      expect(service.today).toHaveBeenCalledWith({ page: 1, perPage: 10 }, 'Europe/Paris');

      const stats = await app.request('GET', `${API}/events/stats?service=svc`);
      expect({ status: stats.status, body: stats.body }).toEqual({ status: 200, body: TRACKER_EVENT_STATS });
      expect(service.stats).toHaveBeenCalledWith(expect.objectContaining({ service: 'svc' }));
    });

    it('passes search values on as literal strings, never as operators', async () => {
      for (const q of ['service=.*', 'service=%7B%22%24ne%22%3A%22x%22%7D', 'service=^literal-svc$']) {
        expect((await app.request('GET', `${API}/events/search?${q}`)).status).toBe(200);
      }
      expect(service.search.mock.calls.map(([criteria]) => criteria.service)).toEqual(['.*', '{"$ne":"x"}', '^literal-svc$']);
    });
  });

  describe('error mapping: domain errors from the service become Tracker problems', () => {
    // Every kind, so a new one cannot be added without saying what it answers.
    const TRACKER_PROBLEMS: Record<ErrorKind, [number, string]> = {
      'invalid-input': [400, 'invalid-input'],
      'invalid-query': [400, 'invalid-query'],
      'unsupported-query': [400, 'unsupported-query'],
      'malformed-json': [400, 'malformed-json'],
      'invalid-account-id': [400, 'invalid-account-id'],
      'invalid-resource-id': [400, 'invalid-resource-id'],
      unauthenticated: [401, 'unauthenticated'],
      'invalid-token': [401, 'invalid-token'],
      'invalid-signature': [401, 'invalid-signature'],
      forbidden: [403, 'forbidden'],
      'not-found': [404, 'not-found'],
      'collection-not-found': [404, 'not-found'],
      'method-not-allowed': [405, 'method-not-allowed'],
      'not-acceptable': [406, 'not-acceptable'],
      conflict: [409, 'conflict'],
      'payload-too-large': [413, 'payload-too-large'],
      'unsupported-media-type': [415, 'unsupported-media-type'],
      'rate-limited': [429, 'rate-limited'],
      locked: [409, 'locked'],
      'not-lock-owner': [403, 'not-lock-owner'],
      frozen: [409, 'frozen'],
      'cursor-expired': [410, 'cursor-expired'],
      unavailable: [503, 'unavailable'],
    };

    it.each(Object.entries(TRACKER_PROBLEMS))(
      '%s: %j problem+json with the message as detail and the correlation id',
      async (kind, [status, slug]) => {
        const error = new DomainError(kind as ErrorKind, `What went wrong (${kind}).`);
        service.get.mockRejectedValueOnce(error);
        const correlation = randomUUID();
        const res = await app.request('GET', `${API}/event/${ID}`, { headers: { 'x-request-id': correlation } });
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.body).toEqual({
          type: `urn:tracker:problems:${slug}`,
          title: expect.any(String),
          detail: error.message,
          status: String(status),
          correlationID: correlation,
        });
      },
    );

    it('passes the named fields and parameters on, and a retry hint as Retry-After', async () => {
      const fields = InvalidInputError.field('attributes.relatedId', 'no such event');
      service.update.mockRejectedValueOnce(fields);
      expect((await app.request('PUT', `${API}/event`, { body: { id: ID, title: 'x' } })).body.invalidFields).toEqual([
        { name: 'attributes.relatedId', reason: 'no such event' },
      ]);
      service.today.mockRejectedValueOnce(InvalidQueryError.param('tz', 'unknown zone'));
      expect((await app.request('GET', `${API}/events/today`)).body.invalidParams).toEqual([{ name: 'tz', reason: 'unknown zone' }]);
      service.list.mockRejectedValueOnce(new DomainError('rate-limited', 'Slow down.', { retryAfterSeconds: 7 }));
      expect((await app.request('GET', `${API}/events/list`)).headers.get('retry-after')).toBe('7');
      service.list.mockRejectedValueOnce(new StoreUnavailableError());
      expect(Number((await app.request('GET', `${API}/events/list`)).headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('classifies a driver outage as 503 unavailable with Retry-After', async () => {
      service.list.mockRejectedValueOnce(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { name: 'MongoServerSelectionError' }),
      );
      const res = await app.request('GET', `${API}/events/list`);
      expect(res.status).toBe(503);
      expect(res.body.type).toBe('urn:tracker:problems:unavailable');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('answers an unclassified error with a bare 500 that reveals nothing', async () => {
      service.stats.mockRejectedValueOnce(new TypeError("Cannot read properties of undefined (reading 'secretField')"));
      const res = await app.request('GET', `${API}/events/stats`);
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ type: 'urn:tracker:problems:internal', title: 'Internal server error', status: '500' });
      expect(res.text).not.toContain('secretField');
    });

    it('answers an unknown route with a 404 problem', async () => {
      const res = await app.request('GET', `${API}/nothing-here`);
      expect(res.status).toBe(404);
      expect(res.body.type).toBe('urn:tracker:problems:not-found');
    });
  });

  it('TRACKER_AUTH off (the default): no token needed, as in the seed guide', async () => {
    expect((await app.request('POST', `${API}/event`, { body: VALID_TRACKER_EVENT })).status).toBe(200);
    expect((await app.request('GET', `${API}/event/${ID}`)).status).toBe(200);
  });
});

describe('TrackerEventsHttpController with TRACKER_AUTH=required', () => {
  let app: ControllerApp;
  const service = trackerEventsStub();

  beforeAll(async () => {
    app = await startControllerApp({
      controllers: [TrackerEventsHttpController],
      providers: [{ provide: TrackerEventsService, useValue: service }],
      env: { TRACKER_AUTH: 'required' },
    });
  });
  afterAll(async () => app?.close());

  // Every row has its body slot: jest hands a callback with more parameters than the row a `done` instead.
  const ROUTES: [string, string, TrackerRole, unknown][] = [
    ['POST', '/event', 'writer', VALID_TRACKER_EVENT],
    ['PUT', '/event', 'writer', { id: ID, title: 'Deploy (updated)' }],
    ['GET', `/event/${ID}`, 'reader', undefined],
    ['DELETE', `/event/${ID}`, 'admin', undefined],
    ['GET', `/event/${ID}/changelog`, 'reader', undefined],
    ['GET', '/events/list', 'reader', undefined],
    ['GET', '/events/search?service=svc', 'reader', undefined],
    ['GET', '/events/today', 'reader', undefined],
    ['GET', '/events/stats', 'reader', undefined],
    ['GET', '/events/stats/monthly', 'reader', undefined],
  ];
  const BAD_TOKENS: [string, string | undefined, string][] = [
    ['no token', undefined, 'unauthenticated'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'unauthenticated'],
    ['not a JWT', GARBAGE_TOKEN, 'invalid-token'],
    ['expired', `Bearer ${mintToken({}, { expired: true })}`, 'invalid-token'],
    ['bad signature', `Bearer ${mintToken({}, { badSignature: true })}`, 'invalid-token'],
    ['malformed claims', `Bearer ${mintToken({}, { malformedClaims: true })}`, 'invalid-token'],
  ];

  it.each(ROUTES)('%s %s: 401 for every bad token (before validation)', async (method, path, _role, payload) => {
    for (const [name, authorization, slug] of BAD_TOKENS) {
      // An invalid body too: 401 must come before validation says anything about it.
      for (const body of [payload, payload === undefined ? undefined : { nonsense: true }]) {
        const res = await app.request(method, `${API}${path}`, { body, headers: authorization ? { authorization } : {} });
        expect({ name, status: res.status, type: res.body.type }).toEqual({ name, status: 401, type: `urn:tracker:problems:${slug}` });
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    }
  });

  it.each(ROUTES)(
    '%s %s needs the tracker role %s: 403 naming it below (before validation), 200 from it up',
    async (method, path, role, payload) => {
      for (const caller of TRACKER_CALLERS) {
        const headers = trackerHeaders(caller);
        const refused = await app.request(method, `${API}${path}`, {
          body: payload === undefined ? undefined : { nonsense: true },
          headers,
        });
        const res = await app.request(method, `${API}${path}`, { body: payload, headers });
        const expected = trackerVerdict(caller, role);
        expect({ caller, verdict: restVerdict(res, role) }).toEqual({ caller, verdict: expected });
        if (expected === 'forbidden') {
          expect(refused.status).toBe(403);
          expect(res.body.detail).toContain(`needs the tracker role ${role}`);
        }
        if (expected === 'allowed') expect(res.status).toBe(200);
      }
    },
  );

  it('no service method ran for a refused call', async () => {
    service.create.mockClear();
    await app.request('POST', `${API}/event`, { body: VALID_TRACKER_EVENT });
    expect(service.create).not.toHaveBeenCalled();
  });
});
