import { status } from '@grpc/grpc-js';
import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectAstraProblem, expectAstraValid } from '../support/astra-schema';
import { eventsUrl, sampleEvent } from '../support/astra-events';
import { bearer, mintToken } from '../support/auth';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';

/*
 * Idempotency keys on every create: tracker REST POST, Astra POST, gRPC Create*. The first response is stored
 * and replayed (idempotent-replayed: true), a different request with the same key is 409, concurrent
 * duplicates store one event, a malformed key is 400, and an expired key (24 h) counts as unused.
 */
describe('idempotency keys', () => {
  let app: TestApp;
  let store: MongoClient;
  let trackerGrpc: UnaryClient;
  let astraGrpc: UnaryClient;
  const account = randomUUID();
  const admin = bearer(account, 'admin');

  beforeAll(async () => {
    app = await startTestApp();
    store = await MongoClient.connect(app.storeUri);
    trackerGrpc = grpcClient(app.grpc, join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto'), 'tracker.event.v1alpha1.EventService');
    astraGrpc = grpcClient(app.grpc, join(PROTO_ROOT, 'astra/core/v1/event.proto'), 'astra.core.v1.EventService');
  });
  afterAll(async () => {
    trackerGrpc?.close();
    astraGrpc?.close();
    await store?.close();
    await app?.close();
  });

  const trackerEvent = (service: string, title = 'Deploy v1') => ({ title, attributes: { type: 1, service, priority: 2 } });
  const countTracker = async (service: string) =>
    (await http('GET', `${app.http}/api/v1alpha1/events/search?service=${service}&per_page=1`)).body.totalCount as number;

  describe('tracker REST POST /api/v1alpha1/event', () => {
    it('replays the first response (same id) with idempotent-replayed, and stores one event', async () => {
      const service = `idem-${randomUUID()}`;
      const key = randomUUID();
      const first = await http('POST', `${app.http}/api/v1alpha1/event`, {
        body: trackerEvent(service),
        headers: { 'idempotency-key': key },
      });
      expect(first.status).toBe(200);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      // key order does not make it a different request
      const again = await http('POST', `${app.http}/api/v1alpha1/event`, {
        raw: JSON.stringify({ attributes: { priority: 2, service, type: 1 }, title: 'Deploy v1' }),
        headers: { 'idempotency-key': key, 'content-type': 'application/json' },
      });
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await countTracker(service)).toBe(1);
    });

    it('answers 409 for the same key with a different body, and stores nothing more', async () => {
      const service = `idem-${randomUUID()}`;
      const key = randomUUID();
      expect(
        (await http('POST', `${app.http}/api/v1alpha1/event`, { body: trackerEvent(service), headers: { 'idempotency-key': key } })).status,
      ).toBe(200);
      const other = await http('POST', `${app.http}/api/v1alpha1/event`, {
        body: trackerEvent(service, 'Deploy v2'),
        headers: { 'idempotency-key': key },
      });
      expect(other.status).toBe(409);
      expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(other.body).toMatchObject({ type: 'urn:tracker:problems:conflict', status: '409' });
      expect(await countTracker(service)).toBe(1);
    });

    it('stores exactly one event for 50 concurrent identical requests, all answered with its id', async () => {
      const service = `idem-${randomUUID()}`;
      const key = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          http('POST', `${app.http}/api/v1alpha1/event`, { body: trackerEvent(service), headers: { 'idempotency-key': key } }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(49);
      expect(await countTracker(service)).toBe(1);
      // one key record, guarded by the unique primary key (not read-then-write)
      const keys = await store
        .db()
        .collection('idempotency_keys')
        .countDocuments({ _id: { $regex: `\\|${key}$` } } as never);
      expect(keys).toBe(1);
    });

    it.each([['has a space'], ['x'.repeat(256)], ['naïve']])('answers 400 for the malformed key %p', async (key) => {
      const res = await http('POST', `${app.http}/api/v1alpha1/event`, {
        body: trackerEvent('idem-bad'),
        headers: { 'idempotency-key': Buffer.from(key, 'utf8').toString('latin1') },
      });
      expect(res.status).toBe(400);
      expect(res.body.detail).toMatch(/Idempotency-Key/);
    });

    it('treats a key past its 24 h expiry as unused', async () => {
      const service = `idem-${randomUUID()}`;
      const key = randomUUID();
      const first = await http('POST', `${app.http}/api/v1alpha1/event`, {
        body: trackerEvent(service),
        headers: { 'idempotency-key': key },
      });
      // what 24 h later looks like: the stored key's expiry has passed (the sweeper may not have run yet)
      await store
        .db()
        .collection('idempotency_keys')
        .updateMany({ _id: { $regex: `\\|${key}$` } } as never, { $set: { expiresAt: new Date(Date.now() - 1000) } });
      const later = await http('POST', `${app.http}/api/v1alpha1/event`, {
        body: trackerEvent(service, 'Deploy v2'),
        headers: { 'idempotency-key': key },
      });
      expect(later.status).toBe(200);
      expect(later.body.id).not.toBe(first.body.id);
      expect(later.headers.get('idempotent-replayed')).toBeNull();
    });
  });

  describe('Astra POST /accounts/{id}/core/v1/events', () => {
    it('replays 201, the resource and its Location', async () => {
      const key = randomUUID();
      const body = sampleEvent();
      const first = await http('POST', eventsUrl(app.http, account), { body, headers: { ...admin, 'idempotency-key': key } });
      expect(first.status).toBe(201);
      const again = await http('POST', eventsUrl(app.http, account), { body, headers: { ...admin, 'idempotency-key': key } });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('location')).toBe(first.headers.get('location'));
      expect(again.body).toEqual(first.body);
      expectAstraValid('event_1.4_get_response_body', again.body);
    });

    it('answers 409 problems/10 for the same key with a different body', async () => {
      const key = randomUUID();
      expect(
        (await http('POST', eventsUrl(app.http, account), { body: sampleEvent(), headers: { ...admin, 'idempotency-key': key } })).status,
      ).toBe(201);
      const other = await http('POST', eventsUrl(app.http, account), {
        body: sampleEvent({ summary: 'Another summary' }),
        headers: { ...admin, 'idempotency-key': key },
      });
      expectAstraProblem(other, 10);
    });

    it('stores exactly one event for 50 concurrent identical requests', async () => {
      const key = randomUUID();
      const correlationID = randomUUID();
      const body = sampleEvent({ correlationID });
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          http('POST', eventsUrl(app.http, account), { body, headers: { ...admin, 'idempotency-key': key } }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      const list = await http(
        'GET',
        `${eventsUrl(app.http, account)}?filter=${encodeURIComponent(`correlationID eq '${correlationID}'`)}&count=true`,
        { headers: admin },
      );
      expect(list.status).toBe(200);
      expect(list.body.metadata.count).toBe(1);
    });

    it('answers 400 (Astra shape) for a malformed key', async () => {
      const res = await http('POST', eventsUrl(app.http, account), {
        body: sampleEvent(),
        headers: { ...admin, 'idempotency-key': 'two words' },
      });
      expectAstraProblem(res, 9);
    });

    it('scopes a key to its caller: another token with the same key creates its own event', async () => {
      const key = randomUUID();
      const body = sampleEvent();
      const a = await http('POST', eventsUrl(app.http, account), {
        body,
        headers: { ...bearer(account, 'admin'), 'idempotency-key': key },
      });
      const b = await http('POST', eventsUrl(app.http, account), {
        body,
        headers: { ...bearer(account, 'owner'), 'idempotency-key': key },
      });
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(b.body.id).not.toBe(a.body.id);
    });
  });

  describe('gRPC Create* with idempotency-key metadata', () => {
    it('tracker CreateEvent: replays the same id, ALREADY_EXISTS for another request, INVALID_ARGUMENT for a bad key', async () => {
      const service = `idem-grpc-${randomUUID()}`;
      const key = randomUUID();
      const first = await trackerGrpc.call<{ id: string }>('CreateEvent', trackerEvent(service), { 'idempotency-key': key });
      const again = await trackerGrpc.call<{ id: string }>('CreateEvent', trackerEvent(service), { 'idempotency-key': key });
      expect(again).toEqual(first);
      await expectGrpcError(
        trackerGrpc.call('CreateEvent', trackerEvent(service, 'Deploy v2'), { 'idempotency-key': key }),
        status.ALREADY_EXISTS,
      );
      await expectGrpcError(
        trackerGrpc.call('CreateEvent', trackerEvent(service), { 'idempotency-key': 'has space' }),
        status.INVALID_ARGUMENT,
      );
      const many = await Promise.all(
        Array.from({ length: 20 }, () =>
          trackerGrpc.call<{ id: string }>('CreateEvent', trackerEvent(service, 'Burst'), { 'idempotency-key': `${key}-burst` }),
        ),
      );
      expect(new Set(many.map((m) => m.id)).size).toBe(1);
      expect(await countTracker(service)).toBe(2);
    });

    it('a key is scoped by the verified caller, not the header text: re-spelled tokens replay one event', async () => {
      const service = `idem-spelled-${randomUUID()}`;
      const key = randomUUID();
      const token = mintToken({});
      const ids = new Set<string>();
      for (const authorization of [`Bearer ${token}`, `bearer ${token}`, `Bearer  ${token}`]) {
        const res = await http('POST', `${app.http}/api/v1alpha1/event`, {
          body: trackerEvent(service),
          headers: { authorization, 'idempotency-key': key },
        });
        expect(res.status).toBe(200);
        ids.add(res.body.id);
      }
      expect(ids.size).toBe(1);
      expect(await countTracker(service)).toBe(1);
    });

    it('gRPC scopes a key by account as REST does: one key in two accounts makes two events', async () => {
      const other = randomUUID();
      const both = { authorization: `Bearer ${mintToken({ [account]: 'admin', [other]: 'admin' })}` };
      const key = randomUUID();
      const event = { ...sampleEvent(), resourceId: randomUUID() };
      delete (event as Record<string, unknown>).resourceID;
      const md = { ...both, 'idempotency-key': key };
      const first = await astraGrpc.call<{ id: string }>('CreateEvent', { accountId: account, event }, md);
      const second = await astraGrpc.call<{ id: string }>('CreateEvent', { accountId: other, event }, md);
      expect(second.id).not.toBe(first.id);
      const rest = await http('POST', eventsUrl(app.http, other), {
        body: sampleEvent(),
        headers: { ...both, 'idempotency-key': randomUUID() },
      });
      expect(rest.status).toBe(201);
    });

    it('astra CreateEvent: replays the same event', async () => {
      const key = randomUUID();
      const request = { accountId: account, event: { ...sampleEvent(), resourceId: randomUUID() } };
      delete (request.event as Record<string, unknown>).resourceID;
      const md = { ...admin, 'idempotency-key': key };
      const first = await astraGrpc.call<{ id: string }>('CreateEvent', request, md);
      const again = await astraGrpc.call<{ id: string }>('CreateEvent', request, md);
      expect(again.id).toBe(first.id);
      await expectGrpcError(
        astraGrpc.call('CreateEvent', { ...request, event: { ...request.event, summary: 'Another summary' } }, md),
        status.ALREADY_EXISTS,
      );
    });
  });
});
