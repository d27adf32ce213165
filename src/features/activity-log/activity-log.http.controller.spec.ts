import { randomUUID } from 'node:crypto';
import { expectAstraAuth, expectAstraMethodNotAllowed } from '../../../test/support/astra-routes';
import { sampleEvent } from '../../../test/support/astra-events';
import { expectAstraProblem, expectAstraValid } from '../../../test/support/astra-schema';
import { bearer } from '../../../test/support/auth';
import { ControllerApp, startControllerApp, stubOf } from '../../../test/support/controller-app';
import { systemScope } from '../../auth/account-scope';
import { DomainError, ErrorKind, InvalidQueryError, StoreUnavailableError } from '../../platform/errors/domain-errors';
import { toAstraEvent, toRecord } from './activity-event.mapper';
import { ActivityLogHttpController } from './activity-log.http.controller';
import { ActivityLogService } from './activity-log.service';

const account = randomUUID();
const user = randomUUID();
const eventId = randomUUID();
const url = `/accounts/${account}/core/v1/events`;
const eventUrl = `${url}/${eventId}`;

/** A stored event as the real service returns it (built by the real mapper). */
function storedEvent() {
  const record = toRecord(sampleEvent() as never, systemScope(account), 1, new Date('2024-01-15T10:00:00Z'));
  return toAstraEvent({ ...record, _id: eventId, accountID: account });
}
const EMPTY_LIST = { type: 'application/astra-events', version: '1.4', items: [], metadata: {} };

describe('ActivityLogHttpController', () => {
  let app: ControllerApp;
  const service = stubOf<ActivityLogService, 'list' | 'get' | 'create'>('list', 'get', 'create');

  beforeAll(async () => {
    app = await startControllerApp({
      controllers: [ActivityLogHttpController],
      providers: [{ provide: ActivityLogService, useValue: service }],
    });
  });
  afterAll(async () => app?.close());
  beforeEach(() => {
    jest.resetAllMocks();
    service.list.mockResolvedValue(EMPTY_LIST);
    service.get.mockResolvedValue(storedEvent());
    service.create.mockResolvedValue(storedEvent());
  });

  describe('auth: 401 problems/3 and /4, 403 problems/11 by account and role, then exactly the success status', () => {
    it.each([
      ['GET', 'events', 'viewer', url, undefined, 200],
      ['GET', 'events/{id}', 'viewer', eventUrl, undefined, 200],
      ['POST', 'events', 'admin', url, sampleEvent(), 201],
    ] as const)('%s %s (from %s up)', async (method, _name, minRole, path, body, success) => {
      await expectAstraAuth((headers) => app.request(method, path, { body, headers }), { account, user, minRole }, success);
    });

    it('checks the token before the account id format (401, then 400 problems/33)', async () => {
      expectAstraProblem(await app.request('GET', '/accounts/not-a-uuid/core/v1/events'), 3);
      expectAstraProblem(await app.request('GET', '/accounts/not-a-uuid/core/v1/events', { headers: bearer(account, 'owner') }), 33);
      expectAstraProblem(await app.request('GET', `/accounts/NOPE/core/v1/events/${eventId}`, { headers: bearer(account, 'owner') }), 33);
      expectAstraProblem(
        await app.request('POST', '/accounts/NOPE/core/v1/events', { body: sampleEvent(), headers: bearer(account, 'owner') }),
        33,
      );
    });

    it('refuses a member before looking at the body (403, not 400)', async () => {
      expectAstraProblem(await app.request('POST', url, { body: { bad: true }, headers: bearer(account, 'member') }), 11);
      expect(service.create).not.toHaveBeenCalled();
    });

    it('hands the service the account and caller the token grants', async () => {
      await app.request('GET', `${url}?limit=5&count=true`, { headers: bearer(account, 'member', { user }) });
      expect(service.list).toHaveBeenCalledWith(expect.objectContaining({ accountId: account, userId: user, role: 'member' }), {
        limit: '5',
        count: 'true',
      });
    });
  });

  describe('POST', () => {
    it('answers 201 with the created event and its Location', async () => {
      const res = await app.request('POST', url, { body: sampleEvent(), headers: bearer(account, 'admin') });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`/accounts/${account}/core/v1/events/${eventId}`);
      expectAstraValid('event_1.4_get_response_body', res.body);
    });

    it('rejects each invalid field with 400 problems/9 naming it, before the service', async () => {
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
        const res = await app.request('POST', url, { body: sampleEvent(overrides), headers: bearer(account, 'owner') });
        expectAstraProblem(res, 9);
        expect({ field, named: res.body.invalidFields.map((f: { name: string }) => f.name) }).toEqual({
          field,
          named: expect.arrayContaining([field]),
        });
      }
      const missing = await app.request('POST', url, { body: {}, headers: bearer(account, 'owner') });
      expectAstraProblem(missing, 9);
      const names = missing.body.invalidFields.map((f: { name: string }) => f.name);
      expect(names).toEqual(
        expect.arrayContaining(['name', 'summary', 'source', 'resourceID', 'resourceType', 'severity', 'class', 'description']),
      );
      expect(service.create).not.toHaveBeenCalled();
    });

    it('answers malformed JSON with 400 problems/7', async () => {
      expectAstraProblem(
        await app.request('POST', url, { raw: '{"name": ', headers: { ...bearer(account, 'admin'), 'content-type': 'application/json' } }),
        7,
      );
    });
  });

  describe('content negotiation and methods', () => {
    it.each([
      [undefined, 'application/json'],
      ['*/*', 'application/json'],
      ['application/json', 'application/json'],
      ['application/*', 'application/json'],
      ['application/astra-event+json', 'application/astra-event+json'],
      ['text/html;q=0.9, application/astra-event+json', 'application/astra-event+json'],
      ['application/json;q=0.5, application/astra-event+json', 'application/astra-event+json'],
    ])('GET one with Accept %p answers %s', async (accept, type) => {
      const res = await app.request('GET', eventUrl, { headers: { ...bearer(account, 'viewer'), ...(accept ? { accept } : {}) } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(new RegExp(`^${type.replace('+', '\\+')}`));
      expectAstraValid('event_1.4_get_response_body', JSON.parse(res.text));
    });

    it('lists as application/json, or application/astra-events+json when asked', async () => {
      const plain = await app.request('GET', url, { headers: { ...bearer(account, 'viewer'), accept: '*/*' } });
      expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
      const typed = await app.request('GET', url, { headers: { ...bearer(account, 'viewer'), accept: 'application/astra-events+json' } });
      expect(typed.headers.get('content-type')).toMatch(/^application\/astra-events\+json/);
    });

    it('answers an unservable Accept with 406 problems/32, and creates nothing', async () => {
      expectAstraProblem(await app.request('GET', eventUrl, { headers: { ...bearer(account, 'viewer'), accept: 'text/html' } }), 32);
      expectAstraProblem(
        await app.request('GET', eventUrl, { headers: { ...bearer(account, 'viewer'), accept: 'application/json;q=0' } }),
        32,
      );
      expectAstraProblem(await app.request('GET', url, { headers: { ...bearer(account, 'viewer'), accept: 'application/xml' } }), 32);
      expectAstraProblem(
        await app.request('POST', url, { body: sampleEvent(), headers: { ...bearer(account, 'owner'), accept: 'text/csv' } }),
        32,
      );
      expect(service.create).not.toHaveBeenCalled();
    });

    it('answers HEAD like GET, without a body', async () => {
      const res = await app.request('HEAD', eventUrl, { headers: bearer(account, 'viewer') });
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
    });

    it.each([
      ['PUT', 'events', 'GET, HEAD, POST'],
      ['PATCH', 'events', 'GET, HEAD, POST'],
      ['DELETE', 'events', 'GET, HEAD, POST'],
      ['OPTIONS', 'events', 'GET, HEAD, POST'],
      ['POST', 'events/{id}', 'GET, HEAD'],
      ['PUT', 'events/{id}', 'GET, HEAD'],
      ['PATCH', 'events/{id}', 'GET, HEAD'],
      ['DELETE', 'events/{id}', 'GET, HEAD'],
      ['OPTIONS', 'events/{id}', 'GET, HEAD'],
    ])('answers %s %s with 405 problems/69 and Allow: %s, whoever asks', async (method, target, allow) => {
      const path = target === 'events' ? url : eventUrl;
      await expectAstraMethodNotAllowed(
        (headers) => app.request(method, path, { body: sampleEvent(), headers }),
        bearer(account, 'owner'),
        allow,
      );
    });
  });

  describe('error mapping: domain errors from the service become the published Astra problems', () => {
    // Every kind, so a new one cannot be added without saying what it answers on Astra routes.
    const ASTRA_PROBLEMS: Record<ErrorKind, number | [number, string]> = {
      'invalid-input': 9,
      'invalid-query': 5,
      'unsupported-query': 6,
      'malformed-json': 7,
      'invalid-account-id': 33,
      'invalid-resource-id': 35,
      unauthenticated: 3,
      'invalid-token': 4,
      forbidden: 11,
      'not-found': 1,
      'collection-not-found': 2,
      'method-not-allowed': 69,
      'not-acceptable': 32,
      conflict: 10,
      'payload-too-large': 85,
      // Astra publishes no problem for these: its shape with Tracker's type.
      'unsupported-media-type': [415, 'unsupported-media-type'],
      'rate-limited': [429, 'rate-limited'],
      locked: [409, 'locked'],
      'invalid-signature': [401, 'invalid-signature'],
      'not-lock-owner': [403, 'not-lock-owner'],
      frozen: [409, 'frozen'],
      'cursor-expired': [410, 'cursor-expired'],
      unavailable: 41,
    };

    it.each(Object.entries(ASTRA_PROBLEMS))('%s is problems/%j, with the correlation id', async (kind, problem) => {
      service.get.mockRejectedValueOnce(new DomainError(kind as ErrorKind, `What went wrong (${kind}).`));
      const correlation = randomUUID();
      const res = await app.request('GET', eventUrl, { headers: { ...bearer(account, 'viewer'), 'x-request-id': correlation } });
      if (typeof problem === 'number') expectAstraProblem(res, problem);
      else {
        expect(res.status).toBe(problem[0]);
        expect(res.body).toMatchObject({
          type: `urn:tracker:problems:${problem[1]}`,
          status: String(problem[0]),
          detail: `What went wrong (${kind}).`,
        });
      }
      expect(res.body.correlationID).toBe(correlation);
    });

    it('names what was wrong: the published detail stays, the fields and parameters say more', async () => {
      service.list.mockRejectedValueOnce(InvalidQueryError.param('limit', 'must be a positive integer'));
      const query = await app.request('GET', url, { headers: bearer(account, 'viewer') });
      expectAstraProblem(query, 5);
      expect(query.body.invalidParams).toEqual([{ name: 'limit', reason: 'must be a positive integer' }]);
      service.get.mockRejectedValueOnce(new DomainError('invalid-input', 'data.ttl: too large'));
      expect((await app.request('GET', eventUrl, { headers: bearer(account, 'viewer') })).body.invalidFields).toEqual([
        { name: 'body', reason: 'data.ttl: too large' },
      ]);
      service.get.mockRejectedValueOnce(new StoreUnavailableError());
      expect(
        Number((await app.request('GET', eventUrl, { headers: bearer(account, 'viewer') })).headers.get('retry-after')),
      ).toBeGreaterThan(0);
    });

    it('answers an unclassified error with problems/34 and nothing of its message', async () => {
      service.list.mockRejectedValueOnce(new Error('secret internals'));
      const res = await app.request('GET', url, { headers: bearer(account, 'viewer') });
      expectAstraProblem(res, 34);
      expect(res.text).not.toContain('secret internals');
    });
  });
});

describe('ActivityLogHttpController without AUTH_JWT_SECRET', () => {
  it('boots, and refuses every token with problems/4 (no token: problems/3)', async () => {
    const service = stubOf<ActivityLogService, 'list'>('list');
    const app = await startControllerApp({
      controllers: [ActivityLogHttpController],
      providers: [{ provide: ActivityLogService, useValue: service }],
      env: { AUTH_JWT_SECRET: '' },
    });
    try {
      expectAstraProblem(await app.request('GET', url, { headers: bearer(account, 'owner') }), 4);
      expectAstraProblem(await app.request('GET', url), 3);
      expect(service.list).not.toHaveBeenCalled();
    } finally {
      await app.close();
    }
  });
});
