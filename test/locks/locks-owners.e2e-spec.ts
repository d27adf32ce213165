import { status } from '@grpc/grpc-js';
import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { mintToken } from '../support/auth';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';

/*
 * TRACKER_AUTH=required binds a lock to the verified caller (issue 24, item 3): the holder is the token's `sub`
 * unless an admin acts on someone's behalf; renewing, cutting, releasing and forcing another's lock are refused
 * to a writer and allowed to an admin; the lock history (its generations) and the linked event's changelog
 * record who really did each change. With AUTO_LOCK=on, a writer cannot finish another caller's auto-locked
 * event (which would release that lock), and deleting an event releases the lock it took.
 */

const API = '/api/v1alpha1';

describe('lock owners bound to callers (TRACKER_AUTH=required, AUTO_LOCK=on)', () => {
  let app: TestApp;
  let store: MongoClient;
  let locks: UnaryClient;
  const [alice, bob, boss] = [randomUUID(), randomUUID(), randomUUID()];
  const as = (user: string, role: 'writer' | 'admin') => ({ authorization: `Bearer ${mintToken({}, { user, trackerRole: role })}` });
  const ALICE = as(alice, 'writer');
  const BOB = as(bob, 'writer');
  const ADMIN = as(boss, 'admin');
  const url = (path: string) => `${app.http}${API}${path}`;
  const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    http(method, url(path), { headers, body });
  const acquire = (headers: Record<string, string>, body: object) => call('POST', '/locks', headers, { environment: 7, ...body });
  const heldLocks = async (service: string) =>
    (await call('GET', `/locks?service=${service}`, ALICE)).body.locks as Record<string, string>[];
  const lockLog = async (eventId: string) =>
    (await call('GET', `/event/${eventId}/changelog`, ALICE)).body.changelog
      .filter((e: { field: string }) => e.field === 'lock')
      .map((e: { new: string; source: string }) => `${e.new} by ${e.source}`);
  /** Every change recorded in the key's history: what each generation says and who made it. */
  const history = async (service: string) =>
    (
      await store
        .db(app.database)
        .collection<{ state: string; lock?: { by?: string }; ended?: { how: string; by?: string } }>('lock_generations')
        .find({ key: JSON.stringify([service, 7, 'deployment']) }, { sort: { gen: 1 } })
        .toArray()
    ).map((g) => (g.state === 'held' ? `held by ${g.lock?.by}` : `${g.ended?.how} by ${g.ended?.by}`));
  const newEvent = async (service: string) =>
    (await call('POST', '/event', ALICE, { title: 'Release', attributes: { type: 5, service } })).body.id as string;

  beforeAll(async () => {
    app = await startTestApp({ env: { TRACKER_AUTH: 'required', AUTO_LOCK: 'on' } });
    store = await MongoClient.connect(app.storeUri);
    locks = grpcClient(app.grpc, join(PROTO_ROOT, 'tracker/lock/v1alpha1/lock.proto'), 'tracker.lock.v1alpha1.LockService');
  });
  afterAll(async () => {
    locks?.close();
    await store?.close();
    await app?.close();
  });

  it("holds a lock in the caller's name; naming another owner needs an admin (acting on their behalf)", async () => {
    const own = await acquire(ALICE, { service: 'own' });
    expect(own.status).toBe(201);
    expect(own.body.owner).toBe(alice);
    const posing = await acquire(BOB, { service: 'posing', owner: alice });
    expect(posing.status).toBe(403);
    expect(posing.body).toMatchObject({ type: 'urn:tracker:problems:forbidden', requiredRole: 'admin' });
    await expectGrpcError(locks.call('AcquireLock', { service: 'posing', environment: 7, owner: alice }, BOB), status.PERMISSION_DENIED);
    expect(await heldLocks('posing')).toEqual([]);
    const onBehalf = await acquire(ADMIN, { service: 'posing', owner: alice });
    expect(onBehalf.status).toBe(201);
    expect(onBehalf.body.owner).toBe(alice);
    expect(await history('posing')).toEqual([`held by user:${boss}`]);
  });

  it("a writer cannot renew, cut, release or force another's lock; an admin can; each change records the real caller", async () => {
    const eventId = await newEvent('guarded');
    const taken = await acquire(ALICE, { service: 'guarded', eventId, ttlSeconds: 600 });
    expect(taken.status).toBe(201);
    const id = taken.body.id as string;

    const refusals: [string, Promise<{ status: number; body: { type?: string } }>, number, string][] = [
      ['renew to 24 h', call('POST', `/locks/${id}/renew`, BOB, { ttlSeconds: 86_400 }), 403, 'not-lock-owner'],
      ['cut to 10 s', call('POST', `/locks/${id}/renew`, BOB, { ttlSeconds: 10 }), 403, 'not-lock-owner'],
      ['renew naming alice', call('POST', `/locks/${id}/renew`, BOB, { owner: alice, ttlSeconds: 10 }), 403, 'forbidden'],
      ['release', call('DELETE', `/locks/${id}`, BOB), 403, 'not-lock-owner'],
      ['release naming alice', call('DELETE', `/locks/${id}?owner=${alice}`, BOB), 403, 'forbidden'],
      ['force', call('DELETE', `/locks/${id}?force=true`, BOB), 403, 'forbidden'],
    ];
    for (const [what, answer, code, slug] of refusals) {
      const res = await answer;
      expect({ what, status: res.status, type: res.body.type }).toEqual({ what, status: code, type: `urn:tracker:problems:${slug}` });
    }
    await expectGrpcError(locks.call('RenewLock', { id, ttlSeconds: 10 }, BOB), status.PERMISSION_DENIED);
    await expectGrpcError(locks.call('RenewLock', { id, owner: alice, ttlSeconds: 10 }, BOB), status.PERMISSION_DENIED);
    await expectGrpcError(locks.call('ReleaseLock', { id }, BOB), status.PERMISSION_DENIED);
    await expectGrpcError(locks.call('ReleaseLock', { id, force: true }, BOB), status.PERMISSION_DENIED);
    expect(await heldLocks('guarded')).toEqual([expect.objectContaining({ id, owner: alice, expiresAt: taken.body.expiresAt })]);

    expect((await call('POST', `/locks/${id}/renew`, ALICE, { ttlSeconds: 900 })).status).toBe(200);
    const cut = await call('POST', `/locks/${id}/renew`, ADMIN, { owner: alice, ttlSeconds: 60 });
    expect(cut.status).toBe(200);
    expect(Date.parse(cut.body.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    await expect(locks.call('ReleaseLock', { id, owner: alice }, ADMIN)).resolves.toEqual({ id });
    expect(await heldLocks('guarded')).toEqual([]);
    expect(await history('guarded')).toEqual([
      `held by user:${alice}`,
      `held by user:${alice}`,
      `held by user:${boss}`,
      `released by user:${boss}`,
    ]);

    const again = await acquire(ALICE, { service: 'guarded', eventId });
    expect((await call('DELETE', `/locks/${again.body.id}?force=true`, ADMIN)).status).toBe(200);
    expect(await lockLog(eventId)).toEqual([
      `locked by user:${alice}`,
      `unlocked by user:${boss}`,
      `locked by user:${alice}`,
      `lock forced by user:${boss}`,
    ]);
  });

  it('the holder renews and releases its own lock without naming itself, over REST and gRPC', async () => {
    const { body } = await acquire(BOB, { service: 'mine' });
    await expect(locks.call('RenewLock', { id: body.id, ttlSeconds: 120 }, BOB)).resolves.toMatchObject({ owner: bob });
    expect((await call('DELETE', `/locks/${body.id}`, BOB)).status).toBe(200);
    expect(await history('mine')).toEqual([`held by user:${bob}`, `held by user:${bob}`, `released by user:${bob}`]);
  });

  describe('AUTO_LOCK', () => {
    const start = (headers: Record<string, string>, service: string) =>
      call('POST', '/event', headers, { title: 'Deploy', attributes: { type: 1, service, status: 1, environment: 7, owner: 'team-a' } });
    const finish = (headers: Record<string, string>, id: string) => call('PUT', '/event', headers, { id, attributes: { status: 3 } });

    it("takes the lock in the caller's name; another writer's PUT finishing the event is refused (403, nothing stored), the holder's releases", async () => {
      const { body: event } = await start(ALICE, 'auto-put');
      expect(await heldLocks('auto-put')).toEqual([expect.objectContaining({ owner: alice, eventId: event.id })]);

      const refused = await finish(BOB, event.id);
      expect(refused.status).toBe(403);
      expect(refused.body.type).toBe('urn:tracker:problems:not-lock-owner');
      expect((await call('GET', `/event/${event.id}`, BOB)).body.attributes.status).toBe(1);
      expect(await heldLocks('auto-put')).toHaveLength(1);
      // Changing anything else stays open to any writer.
      expect((await call('PUT', '/event', BOB, { id: event.id, attributes: { message: 'rolling' } })).status).toBe(200);

      expect((await finish(ALICE, event.id)).status).toBe(200);
      expect(await heldLocks('auto-put')).toEqual([]);
      expect(await lockLog(event.id)).toEqual([`locked by user:${alice}`, `unlocked by user:${alice}`]);
    });

    it("an admin's PUT finishes another's event and releases its lock, recorded as the admin", async () => {
      const { body: event } = await start(ALICE, 'auto-admin');
      expect((await finish(ADMIN, event.id)).status).toBe(200);
      expect(await heldLocks('auto-admin')).toEqual([]);
      expect(await lockLog(event.id)).toEqual([`locked by user:${alice}`, `unlocked by user:${boss}`]);
    });

    it('deleting an event releases the lock it took (REST and gRPC)', async () => {
      const events = grpcClient(app.grpc, join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto'), 'tracker.event.v1alpha1.EventService');
      try {
        const rest = await start(ALICE, 'auto-delete');
        expect((await call('DELETE', `/event/${rest.body.id}`, ADMIN)).status).toBe(200);
        expect(await heldLocks('auto-delete')).toEqual([]);
        expect(await history('auto-delete')).toEqual([`held by user:${alice}`, `released by user:${boss}`]);
        const grpc = await start(ALICE, 'auto-delete');
        expect(grpc.status).toBe(200);
        await expect(events.call('DeleteEvent', { id: grpc.body.id }, ADMIN)).resolves.toEqual({ id: grpc.body.id });
        expect(await heldLocks('auto-delete')).toEqual([]);
      } finally {
        events.close();
      }
    });
  });
});
