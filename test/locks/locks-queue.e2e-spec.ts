import { status } from '@grpc/grpc-js';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { LockExpirySweeper } from '../../src/features/locks/lock-expiry.sweeper';
import { freshDatabaseName, startTestApp, TestApp } from '../support/app-harness';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { eventually, http } from '../support/http';
import { openGrpcStream, openSse } from '../support/sse-client';

const API = '/api/v1alpha1';
const LOCK_PROTO = join(PROTO_ROOT, 'tracker/lock/v1alpha1/lock.proto');
const EVENT_PROTO = join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto');

/*
 * The lock queue over the API (docs/locks.md, "Queue"), two instances on one store: 202 with a position and a
 * ticket, asking again keeps the place, the line, leaving it, a ticket's own lease, the hand-off on release
 * (lock.acquired on the live streams, SSE and gRPC) and on lease expiry (the sweepers of both instances), gRPC.
 */
describe('lock queue: two instances on one store', () => {
  const database = freshDatabaseName('locks_queue_api');
  let apps: TestApp[];
  let clients: UnaryClient[];

  beforeAll(async () => {
    const env = { RATE_LIMIT_PER_MINUTE: '1000000', TTL_SWEEP_MS: '3600000' };
    apps = [await startTestApp({ database, env }), await startTestApp({ database, env })];
    clients = apps.map((app) => grpcClient(app.grpc, LOCK_PROTO, 'tracker.lock.v1alpha1.LockService'));
  });
  afterAll(async () => {
    clients?.forEach((c) => c.close());
    for (const app of apps ?? []) await app.close();
  });

  const post = (i: number, body: object) => http('POST', `${apps[i].http}${API}/locks`, { body });
  const line = async (i: number, service: string) =>
    (await http('GET', `${apps[i].http}${API}/locks/queue?service=${service}&environment=7`)).body;

  it('202 {queued, position, ticketId}; asking again keeps the place; the line; leaving it', async () => {
    const held = await post(0, { service: 'q-basic', environment: 7, owner: 'a', wait: true });
    expect(held.status).toBe(201);
    const b = await post(1, { service: 'q-basic', environment: 7, owner: 'b', wait: true });
    expect(b.status).toBe(202);
    expect(b.body).toEqual({ queued: true, position: 1, ticketId: expect.any(String), expiresAt: expect.any(String) });
    const c = await post(0, { service: 'q-basic', environment: 7, owner: 'c', wait: true, waitSeconds: 60 });
    expect(c.body).toMatchObject({ queued: true, position: 2 });
    // Without wait, still the 409 naming the holder.
    expect((await post(1, { service: 'q-basic', environment: 7, owner: 'd' })).status).toBe(409);
    // Asking again: same ticket, same place, lease renewed.
    const again = await post(1, { service: 'q-basic', environment: 7, owner: 'b', wait: true, waitSeconds: 600 });
    expect(again.body).toMatchObject({ queued: true, position: 1, ticketId: b.body.ticketId });
    expect(Date.parse(again.body.expiresAt)).toBeGreaterThan(Date.parse(b.body.expiresAt));

    const seen = await line(1, 'q-basic');
    expect(seen).toMatchObject({ service: 'q-basic', environment: 7, resource: 'deployment', holder: { id: held.body.id, owner: 'a' } });
    expect(seen.waiters.map((w: { ticketId: string; position: number; owner: string }) => [w.position, w.owner, w.ticketId])).toEqual([
      [1, 'b', b.body.ticketId],
      [2, 'c', c.body.ticketId],
    ]);
    // A waiter's ticket is not a lock yet.
    expect((await http('GET', `${apps[0].http}${API}/locks/${b.body.ticketId}`)).status).toBe(404);

    // Only its owner (or force) takes a ticket out.
    expect((await http('DELETE', `${apps[0].http}${API}/locks/queue/${b.body.ticketId}?owner=c`)).status).toBe(403);
    const left = await http('DELETE', `${apps[0].http}${API}/locks/queue/${b.body.ticketId}?owner=b`);
    expect(left).toMatchObject({ status: 200, body: { ticketId: b.body.ticketId } });
    expect((await http('DELETE', `${apps[1].http}${API}/locks/queue/${b.body.ticketId}?owner=b`)).status).toBe(404);
    expect((await line(0, 'q-basic')).waiters.map((w: { owner: string }) => w.owner)).toEqual(['c']);
    expect((await http('GET', `${apps[0].http}${API}/locks/queue?service=q-basic`)).status).toBe(400);
  });

  it('release hands the lock to the first waiter: lock.acquired on SSE and gRPC, GET /locks/{ticketId} answers it', async () => {
    const sse = await openSse(`${apps[1].http}${API}/events/stream?service=q-release`);
    const watch = openGrpcStream(apps[1].grpc, EVENT_PROTO, 'tracker.event.v1alpha1.EventService', 'WatchEvents', { service: 'q-release' });
    expect(await watch.opened).toBe('open');
    const held = await post(0, { service: 'q-release', environment: 7, owner: 'a' });
    const b = await post(1, { service: 'q-release', environment: 7, owner: 'b', wait: true, ttlSeconds: 120 });
    const c = await post(0, { service: 'q-release', environment: 7, owner: 'c', wait: true });
    expect([b.body.position, c.body.position]).toEqual([1, 2]);

    expect((await http('DELETE', `${apps[1].http}${API}/locks/${held.body.id}?owner=a`)).status).toBe(200);
    for (const app of apps) {
      const got = await http('GET', `${app.http}${API}/locks/${b.body.ticketId}`);
      expect(got.body).toMatchObject({ id: b.body.ticketId, owner: 'b', service: 'q-release' });
      expect(Date.parse(got.body.expiresAt) - Date.parse(got.body.acquiredAt)).toBe(120_000);
    }
    expect((await line(0, 'q-release')).waiters.map((w: { owner: string; position: number }) => [w.position, w.owner])).toEqual([[1, 'c']]);

    await sse.waitFor((m) => m.some((x) => x.event === 'lock.acquired'), 10_000);
    const change = sse.changes().find((x) => x.event === 'lock.acquired')!;
    expect(change.data).toMatchObject({ id: b.body.ticketId, owner: 'b', service: 'q-release', environment: 7 });
    await watch.waitFor((m) => m.some((x) => x.kind === 'lock.acquired'), 10_000);
    expect(watch.messages.find((x) => x.kind === 'lock.acquired').lock).toMatchObject({ id: b.body.ticketId, owner: 'b' });
    sse.close();
    watch.cancel();

    // The ticket became a lock: it is released like one, and the next waiter holds it.
    expect((await http('DELETE', `${apps[0].http}${API}/locks/queue/${b.body.ticketId}?owner=b`)).status).toBe(404);
    expect((await http('DELETE', `${apps[0].http}${API}/locks/${b.body.ticketId}?owner=b`)).status).toBe(200);
    expect((await http('GET', `${apps[1].http}${API}/locks/${c.body.ticketId}`)).body).toMatchObject({ owner: 'c' });
    expect((await line(1, 'q-release')).waiters).toEqual([]);
  });

  it('a lease that runs out hands the lock on at the sweep (of either instance, once); the changelog says so', async () => {
    const event = async (title: string) =>
      (await http('POST', `${apps[0].http}${API}/event`, { body: { title, attributes: { type: 1, service: 'q-expiry', environment: 7 } } }))
        .body.id as string;
    const [first, second] = [await event('first'), await event('second')];
    const held = await post(0, { service: 'q-expiry', environment: 7, owner: 'a', ttlSeconds: 10, eventId: first });
    const b = await post(1, { service: 'q-expiry', environment: 7, owner: 'b', wait: true, waitSeconds: 120, eventId: second });
    expect(b.status).toBe(202);
    await eventually(async () => (await http('GET', `${apps[0].http}${API}/locks/${held.body.id}`)).status === 404, 20_000, 250);
    // Ran out, not yet handed on: nobody holds it, the waiter is still first (no newcomer jumps the line).
    const waiting = await line(0, 'q-expiry');
    expect(waiting.holder).toBeUndefined();
    expect(waiting.waiters).toMatchObject([{ position: 1, owner: 'b' }]);
    expect((await post(0, { service: 'q-expiry', environment: 7, owner: 'intruder' })).body.holder).toMatchObject({
      id: b.body.ticketId,
    });
    await Promise.all(apps.map((app) => app.tracker.app.get(LockExpirySweeper).sweepOnce()));
    expect((await http('GET', `${apps[1].http}${API}/locks/${b.body.ticketId}`)).body).toMatchObject({ owner: 'b' });
    const lockEntries = async (id: string) =>
      (await http('GET', `${apps[0].http}${API}/event/${id}/changelog`)).body.changelog
        .filter((e: { field: string }) => e.field === 'lock')
        .map((e: { new: string }) => e.new);
    expect(await lockEntries(first)).toEqual(['locked', 'lock expired']);
    expect(await lockEntries(second)).toEqual(['locked']);
  }, 40_000);

  it("a waiter that stops renewing its ticket leaves the line when the ticket's lease runs out", async () => {
    const held = await post(0, { service: 'q-ticket', environment: 7, owner: 'a' });
    const b = await post(1, { service: 'q-ticket', environment: 7, owner: 'vanished', wait: true, waitSeconds: 10 });
    const c = await post(1, { service: 'q-ticket', environment: 7, owner: 'c', wait: true, waitSeconds: 600 });
    expect([b.body.position, c.body.position]).toEqual([1, 2]);
    await eventually(async () => (await line(0, 'q-ticket')).waiters.length === 1, 20_000, 250);
    expect((await line(1, 'q-ticket')).waiters).toMatchObject([{ position: 1, owner: 'c' }]);
    await http('DELETE', `${apps[0].http}${API}/locks/${held.body.id}?owner=a`);
    expect((await http('GET', `${apps[0].http}${API}/locks/${c.body.ticketId}`)).body).toMatchObject({ owner: 'c' });
    expect((await http('GET', `${apps[0].http}${API}/locks/${b.body.ticketId}`)).status).toBe(404);
  }, 40_000);

  it('gRPC: AcquireLock wait, GetLockQueue, LeaveLockQueue', async () => {
    await clients[0].call('AcquireLock', { service: 'q-grpc', environment: 7, owner: 'a' });
    const queued = await clients[1].call<{ queued: boolean; ticket: { position: number; ticketId: string } }>('AcquireLock', {
      service: 'q-grpc',
      environment: 7,
      owner: 'b',
      wait: true,
    });
    expect(queued).toMatchObject({ queued: true, ticket: { queued: true, position: 1 } });
    const got = await clients[0].call<{ holder: { owner: string }; waiters: { ticketId: string; owner: string }[] }>('GetLockQueue', {
      service: 'q-grpc',
      environment: 7,
    });
    expect(got.holder.owner).toBe('a');
    expect(got.waiters).toMatchObject([{ ticketId: queued.ticket.ticketId, owner: 'b', position: 1 }]);
    await expectGrpcError(clients[0].call('LeaveLockQueue', { ticketId: queued.ticket.ticketId, owner: 'x' }), status.PERMISSION_DENIED);
    expect(await clients[0].call('LeaveLockQueue', { ticketId: queued.ticket.ticketId, owner: 'b' })).toEqual({
      ticketId: queued.ticket.ticketId,
    });
    await expectGrpcError(clients[1].call('LeaveLockQueue', { ticketId: queued.ticket.ticketId, owner: 'b' }), status.NOT_FOUND);
    await expectGrpcError(
      clients[1].call('AcquireLock', { service: 'q-grpc', environment: 7, owner: 'b', wait: true, waitSeconds: 5 }),
      status.INVALID_ARGUMENT,
    );
    await expectGrpcError(clients[1].call('GetLockQueue', { service: 'q-grpc' }), status.INVALID_ARGUMENT);
  });
});
