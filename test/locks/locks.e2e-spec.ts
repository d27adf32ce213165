import { status } from '@grpc/grpc-js';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../src/platform/repo-root';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { mintToken } from '../support/auth';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';

/*
 * Deployment locks over REST and gRPC, one instance: acquire / renew / release / get / list semantics, refusals
 * (409 locked with the holder, 403 not-lock-owner, 404 once released), validation naming fields, changelog
 * entries of a linked tracker event, grpcurl through reflection, and TRACKER_AUTH=required.
 * Exclusivity under concurrency and expiry: locks-race.e2e-spec.ts; the rules against a model: locks-property.
 */

const API = '/api/v1alpha1';
const LOCK_PROTO = join(PROTO_ROOT, 'tracker/lock/v1alpha1/lock.proto');
const GRPCURL = join(REPO_ROOT, '.bin', 'grpcurl');
const run = promisify(execFile);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('deployment locks over REST and gRPC', () => {
  let app: TestApp;
  let locks: UnaryClient;
  const url = (path: string) => `${app.http}${API}${path}`;
  const acquire = (body: object) => http('POST', url('/locks'), { body });
  const changelog = async (eventId: string) =>
    (await http('GET', url(`/event/${eventId}/changelog`))).body.changelog.filter((e: { field: string }) => e.field === 'lock');

  beforeAll(async () => {
    app = await startTestApp();
    locks = grpcClient(app.grpc, LOCK_PROTO, 'tracker.lock.v1alpha1.LockService');
  });
  afterAll(async () => {
    locks?.close();
    await app?.close();
  });

  describe('REST', () => {
    it('acquires a free key: 201, the lock, Location; GET and list show it', async () => {
      const res = await acquire({ service: 'api', environment: 7, owner: 'ci-1', reason: 'deploy v2', ttlSeconds: 600 });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        service: 'api',
        environment: 7,
        resource: 'deployment',
        owner: 'ci-1',
        reason: 'deploy v2',
        eventId: null,
        acquiredAt: expect.stringMatching(ISO),
        expiresAt: expect.stringMatching(ISO),
      });
      expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.acquiredAt)).toBe(600_000);
      expect(res.headers.get('location')).toBe(`${API}/locks/${res.body.id}`);
      expect((await http('GET', `${app.http}${res.headers.get('location')}`)).body).toEqual(res.body);
      const list = await http('GET', url('/locks?service=api'));
      expect(list.body).toEqual({ locks: [res.body], totalCount: 1, page: 1, perPage: 100 });
    });

    it('renews for the same owner (200, same id, lease from now); refuses another owner with 409 naming the holder', async () => {
      const first = await acquire({ service: 'renewing', environment: 7, owner: 'ci-1', reason: 'r', ttlSeconds: 60 });
      const again = await acquire({ service: 'renewing', environment: 7, owner: 'ci-1', ttlSeconds: 3600 });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: first.body.id, reason: 'r', acquiredAt: first.body.acquiredAt });
      expect(Date.parse(again.body.expiresAt)).toBeGreaterThan(Date.parse(first.body.expiresAt));
      expect(again.headers.get('location')).toBeNull();

      const refused = await acquire({ service: 'renewing', environment: 7, owner: 'ci-2' });
      expect(refused.status).toBe(409);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({
        type: 'urn:tracker:problems:locked',
        status: '409',
        detail: expect.stringContaining('"ci-1"'),
        holder: { id: first.body.id, owner: 'ci-1', reason: 'r', acquiredAt: first.body.acquiredAt, expiresAt: again.body.expiresAt },
      });
      // nothing changed
      expect((await http('GET', url(`/locks/${first.body.id}`))).body).toEqual(again.body);
    });

    it('keys by (service, environment, resource): another environment or resource is a separate lock', async () => {
      const deploy = await acquire({ service: 'keyed', environment: 7, owner: 'a' });
      const migration = await acquire({ service: 'keyed', environment: 7, resource: 'migration', owner: 'b' });
      const staging = await acquire({ service: 'keyed', environment: 6, owner: 'c' });
      expect([deploy.status, migration.status, staging.status]).toEqual([201, 201, 201]);
      const list = await http('GET', url('/locks?service=keyed'));
      expect(list.body.locks.map((l: { environment: number; resource: string }) => `${l.environment}/${l.resource}`)).toEqual([
        '6/deployment',
        '7/deployment',
        '7/migration',
      ]);
      expect((await http('GET', url('/locks?service=keyed&environment=7&owner=b'))).body).toEqual({
        locks: [migration.body],
        totalCount: 1,
        page: 1,
        perPage: 100,
      });
    });

    it('renew: owner only (403 not-lock-owner), 404 for unknown ids, 400 for malformed ones', async () => {
      const { body: lock } = await acquire({ service: 'renew', environment: 1, owner: 'me', ttlSeconds: 30 });
      const renewed = await http('POST', url(`/locks/${lock.id}/renew`), { body: { owner: 'me', ttlSeconds: 120 } });
      expect(renewed.status).toBe(200);
      expect(Date.parse(renewed.body.expiresAt)).toBeGreaterThan(Date.parse(lock.expiresAt));
      const other = await http('POST', url(`/locks/${lock.id}/renew`), { body: { owner: 'you' } });
      expect(other.status).toBe(403);
      expect(other.body.type).toBe('urn:tracker:problems:not-lock-owner');
      expect((await http('POST', url(`/locks/${randomUUID()}/renew`), { body: { owner: 'me' } })).status).toBe(404);
      const malformed = await http('POST', url('/locks/not-a-uuid/renew'), { body: { owner: 'me' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.invalidFields).toEqual([{ name: 'id', reason: 'must be a lock id (a UUID)' }]);
    });

    it('release: owner only; then 404 for the old id, and a new acquisition gets a new id', async () => {
      const { body: lock } = await acquire({ service: 'release', environment: 2, owner: 'me' });
      expect((await http('DELETE', url(`/locks/${lock.id}?owner=you`))).status).toBe(403);
      const noOwner = await http('DELETE', url(`/locks/${lock.id}`));
      expect(noOwner.status).toBe(400);
      expect(noOwner.body.invalidFields[0].name).toBe('owner');
      const released = await http('DELETE', url(`/locks/${lock.id}?owner=me`));
      expect(released).toMatchObject({ status: 200, body: { id: lock.id } });
      expect((await http('GET', url(`/locks/${lock.id}`))).status).toBe(404);
      expect((await http('DELETE', url(`/locks/${lock.id}?owner=me`))).status).toBe(404);
      expect((await http('POST', url(`/locks/${lock.id}/renew`), { body: { owner: 'me' } })).status).toBe(404);
      const again = await acquire({ service: 'release', environment: 2, owner: 'me' });
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(lock.id);
      expect((await http('GET', url(`/locks/${lock.id}`))).status).toBe(404);
      expect((await http('GET', url('/locks?service=release'))).body.totalCount).toBe(1);
    });

    it("records locked / unlocked / lock forced in a linked event's changelog; force names the caller's address", async () => {
      const event = (
        await http('POST', url('/event'), {
          body: { title: 'Deploy', attributes: { type: 1, service: 'linked', status: 1, environment: 7 } },
        })
      ).body;
      const { body: lock } = await acquire({ service: 'linked', environment: 7, owner: 'pipeline', eventId: event.id });
      expect(lock.eventId).toBe(event.id);
      await http('DELETE', url(`/locks/${lock.id}?owner=pipeline`));
      const { body: second } = await acquire({ service: 'linked', environment: 7, owner: 'pipeline', eventId: event.id.toUpperCase() });
      const forced = await http('DELETE', url(`/locks/${second.id}?force=true`));
      expect(forced).toMatchObject({ status: 200, body: { id: second.id } });
      expect((await changelog(event.id)).map((e: { old: unknown; new: unknown; source: string }) => [e.old, e.new, e.source])).toEqual([
        [null, 'locked', 'pipeline'],
        ['locked', 'unlocked', 'pipeline'],
        [null, 'locked', 'pipeline'],
        ['locked', 'lock forced', 'address:127.0.0.1'],
      ]);
    });

    it.each([
      [{ environment: 7, owner: 'o' }, 'service'],
      [{ service: '', environment: 7, owner: 'o' }, 'service'],
      [{ service: 's', environment: 9, owner: 'o' }, 'environment'],
      [{ service: 's', environment: '7', owner: 'o' }, 'environment'],
      [{ service: 's', environment: 7 }, 'owner'],
      [{ service: 's', environment: 7, owner: 'o', ttlSeconds: 5 }, 'ttlSeconds'],
      [{ service: 's', environment: 7, owner: 'o', ttlSeconds: 86401 }, 'ttlSeconds'],
      [{ service: 's', environment: 7, owner: 'o', resource: '../x' }, 'resource'],
      [{ service: 's', environment: 7, owner: 'o', eventId: 'nope' }, 'eventId'],
      [{ service: 's', environment: 7, owner: 'o', eventId: 'ffffffffffffffffffffffff' }, 'eventId'],
      [{ service: 's', environment: 7, owner: 'o', holder: 'x' }, 'holder'],
      [{ service: 's'.repeat(301), environment: 7, owner: 'o' }, 'service'],
    ])('400 naming the field for %j', async (body, field) => {
      const res = await acquire(body);
      expect(res.status).toBe(400);
      expect(res.body.invalidFields.map((f: { name: string }) => f.name)).toContain(field);
    });

    it('400 for bad list filters and release flags', async () => {
      expect((await http('GET', url('/locks?environment=9'))).body.invalidFields[0].name).toBe('environment');
      expect((await http('GET', url(`/locks/${randomUUID()}`))).status).toBe(404);
      const flag = await http('DELETE', url(`/locks/${randomUUID()}?force=yes&owner=me`));
      expect(flag.body.invalidFields).toEqual([{ name: 'force', reason: 'must be true or false' }]);
    });
  });

  it('documents the lock routes and overlaps in Swagger', async () => {
    const doc = (await http('GET', `${app.http}/docs-json`)).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([`${API}/locks`, `${API}/locks/{id}`, `${API}/locks/{id}/renew`, `${API}/events/overlaps`]),
    );
    const acquire = doc.paths[`${API}/locks`].post;
    expect(acquire.operationId).toBe('acquireLock');
    expect(Object.keys(acquire.responses)).toEqual(expect.arrayContaining(['200', '201', '409']));
    expect(acquire.responses['201'].headers.Location.required).toBe(true);
    expect(acquire.responses['409'].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/LockedProblemDto' });
  });

  describe('gRPC tracker.lock.v1alpha1.LockService', () => {
    it('AcquireLock / GetLock / ListLocks / RenewLock / ReleaseLock, with the same refusals as REST', async () => {
      const first = await locks.call<{ lock: Record<string, any>; created: boolean }>('AcquireLock', {
        service: 'grpc-svc',
        environment: 7,
        owner: 'g1',
        reason: 'why',
        ttlSeconds: 60,
      });
      expect(first.created).toBe(true);
      expect(first.lock).toMatchObject({
        id: expect.stringMatching(UUID),
        service: 'grpc-svc',
        environment: 7,
        resource: 'deployment',
        owner: 'g1',
        reason: 'why',
      });
      const id = first.lock.id as string;
      expect((await locks.call('AcquireLock', { service: 'grpc-svc', environment: 7, owner: 'g1' })).created).toBe(false);

      const refused = await expectGrpcError(
        locks.call('AcquireLock', { service: 'grpc-svc', environment: 7, owner: 'g2' }),
        status.ALREADY_EXISTS,
      );
      expect(refused.details).toContain('"g1"');
      expect(refused.details).toContain(id);

      expect(await locks.call('GetLock', { id })).toMatchObject({ id, owner: 'g1' });
      expect(await locks.call('ListLocks', { service: 'grpc-svc' })).toMatchObject({
        totalCount: 1,
        locks: [{ id }],
        page: 1,
        perPage: 100,
      });
      const paged = await locks.call('ListLocks', { service: 'grpc-svc', perPage: 1, page: 2 });
      expect(paged).toMatchObject({ totalCount: 1, page: 2, perPage: 1 });
      expect(paged.locks ?? []).toEqual([]);
      await expectGrpcError(locks.call('ListLocks', { perPage: 101 }), status.INVALID_ARGUMENT);
      await expectGrpcError(locks.call('RenewLock', { id, owner: 'g2' }), status.PERMISSION_DENIED);
      expect(await locks.call('RenewLock', { id, owner: 'g1', ttlSeconds: 600 })).toMatchObject({ id });
      await expectGrpcError(locks.call('ReleaseLock', { id, owner: 'g2' }), status.PERMISSION_DENIED);
      expect(await locks.call('ReleaseLock', { id, owner: 'g1' })).toEqual({ id });
      await expectGrpcError(locks.call('GetLock', { id }), status.NOT_FOUND);
      await expectGrpcError(locks.call('ReleaseLock', { id, owner: 'g1' }), status.NOT_FOUND);
      const invalid = await expectGrpcError(
        locks.call('AcquireLock', { service: 'grpc-svc', environment: 12, owner: 'g1' }),
        status.INVALID_ARGUMENT,
      );
      expect(invalid.details).toContain('environment');
      await expectGrpcError(locks.call('GetLock', { id: 'x' }), status.INVALID_ARGUMENT);
    });

    it('is listed by reflection, and grpcurl calls it without proto files', async () => {
      const { stdout: services } = await run(GRPCURL, ['-plaintext', app.grpc, 'list']);
      expect(services.split('\n')).toContain('tracker.lock.v1alpha1.LockService');
      const { stdout } = await run(GRPCURL, [
        '-plaintext',
        '-d',
        '{"service": "grpcurl-svc", "environment": "7", "owner": "cli", "ttl_seconds": 60}',
        app.grpc,
        'tracker.lock.v1alpha1.LockService/AcquireLock',
      ]);
      expect(JSON.parse(stdout)).toMatchObject({
        lock: { service: 'grpcurl-svc', environment: 7, owner: 'cli', expires_at: expect.stringMatching(ISO) },
        created: true,
      });
      const refused = await run(GRPCURL, [
        '-plaintext',
        '-d',
        '{"service": "grpcurl-svc", "environment": 7, "owner": "other"}',
        app.grpc,
        'tracker.lock.v1alpha1.LockService/AcquireLock',
      ]).catch((err: { stderr: string }) => err.stderr);
      expect(refused).toContain('AlreadyExists');
    });
  });

  describe('TRACKER_AUTH=required', () => {
    let secured: TestApp;
    let securedLocks: UnaryClient;
    beforeAll(async () => {
      secured = await startTestApp({ env: { TRACKER_AUTH: 'required' } });
      securedLocks = grpcClient(secured.grpc, LOCK_PROTO, 'tracker.lock.v1alpha1.LockService');
    });
    afterAll(async () => {
      securedLocks?.close();
      await secured?.close();
    });

    it('needs a valid token on REST and gRPC; a forced release (an admin) is recorded with the token subject', async () => {
      expect((await http('POST', `${secured.http}${API}/locks`, { body: { service: 's', environment: 7, owner: 'o' } })).status).toBe(401);
      expect((await http('GET', `${secured.http}${API}/locks`)).status).toBe(401);
      await expectGrpcError(securedLocks.call('ListLocks', {}), status.UNAUTHENTICATED);

      const user = randomUUID();
      const authorization = `Bearer ${mintToken({}, { user })}`;
      const headers = { authorization };
      const event = (
        await http('POST', `${secured.http}${API}/event`, {
          body: { title: 'd', attributes: { type: 1, service: 's', environment: 7 } },
          headers,
        })
      ).body;
      const lock = await securedLocks.call<{ lock: { id: string; owner: string } }>(
        'AcquireLock',
        { service: 's', environment: 7, eventId: event.id },
        { authorization },
      );
      expect(lock.lock.owner).toBe(user);
      const admin = randomUUID();
      const adminHeaders = { authorization: `Bearer ${mintToken({}, { user: admin, trackerRole: 'admin' })}` };
      expect((await http('DELETE', `${secured.http}${API}/locks/${lock.lock.id}?force=true`, { headers: adminHeaders })).status).toBe(200);
      const log = (await http('GET', `${secured.http}${API}/event/${event.id}/changelog`, { headers })).body.changelog;
      expect(log.at(-1)).toMatchObject({ field: 'lock', new: 'lock forced', source: `user:${admin}` });
    });
  });
});
