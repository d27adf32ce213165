import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectAstraProblem, expectAstraValid } from '../support/astra-schema';
import { createEvent, eventsUrl, sampleEvent } from '../support/astra-events';
import { bearer } from '../support/auth';
import { http } from '../support/http';

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
      expect(e.metadata).toEqual({
        labels: [],
        creationTimestamp: expect.stringMatching(TIME),
        modificationTimestamp: e.metadata.creationTimestamp,
        createdBy: user,
      });
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

    it('answers an unknown event with 404 problems/2 and a malformed id with 400 problems/35', async () => {
      expectAstraProblem(await http('GET', `${url}/${randomUUID()}`, { headers: bearer(account, 'viewer') }), 2);
      expectAstraProblem(await http('GET', `${url}/not-a-uuid`, { headers: bearer(account, 'viewer') }), 35);
    });
  });
});
