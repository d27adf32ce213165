import { ControllerApp, startControllerApp, stubOf } from '../../../test/support/controller-app';
import { roleRow, trackerHeaders } from '../../../test/support/tracker-roles';
import { randomUUID } from 'node:crypto';
import type { TrackerRole } from '../../auth/tracker-roles';
import type { CallParts } from '../../platform/http/call-parts';
import { LockedError, LockQuotaError, NotLockOwnerError } from './domain/lock-errors';
import type { HeldLock } from './domain/lock-rules';
import type { KeyedLock } from './lock-leases';
import { LocksHttpController } from './locks.http.controller';
import { LocksService } from './locks.service';

/** The REST controller with the real HTTP adapter and global enhancers and a stand-in service (no store): statuses, headers, problems. */
describe('LocksHttpController', () => {
  const ID = '3b241101-e2bb-4255-8caf-4136c566a962';
  const held: HeldLock = {
    lockId: ID,
    owner: 'ci',
    acquiredAt: new Date('2024-01-01T00:00:00Z'),
    expiresAt: new Date('2024-01-01T01:00:00Z'),
    ttlSeconds: 3600,
  };
  const keyed: KeyedLock = { key: { service: 'api', environment: 7, resource: 'deployment' }, lock: held };
  const service = stubOf<LocksService, 'acquireOrWait' | 'release' | 'renew' | 'list'>('acquireOrWait', 'release', 'renew', 'list');
  let app: ControllerApp;

  beforeAll(async () => {
    app = await startControllerApp({ controllers: [LocksHttpController], providers: [{ provide: LocksService, useValue: service }] });
  });
  afterAll(async () => app?.close());
  beforeEach(() => jest.clearAllMocks());

  it('answers a place in the line 202 {queued, position, ticketId, expiresAt}, without Location', async () => {
    const ticket = { ticketId: ID, owner: 'ci', ttlSeconds: 60, waitSeconds: 300, queuedAt: new Date(0), expiresAt: new Date(300_000) };
    service.acquireOrWait.mockResolvedValueOnce({ queued: { key: keyed.key, ticket, position: 2 } });
    const queued = await app.request('POST', '/api/v1alpha1/locks', { body: { service: 'api', environment: 7, owner: 'ci', wait: true } });
    expect(queued.status).toBe(202);
    expect(queued.headers.get('location')).toBeNull();
    expect(queued.body).toEqual({ queued: true, position: 2, ticketId: ID, expiresAt: '1970-01-01T00:05:00.000Z' });
    const bad = await app.request('POST', '/api/v1alpha1/locks', { body: { service: 'api', environment: 7, owner: 'ci', waitSeconds: 5 } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('waitSeconds');
  });

  it('answers a new acquisition 201 with Location, a renewal 200 without', async () => {
    service.acquireOrWait.mockResolvedValueOnce({ held: { lock: keyed, created: true } });
    const created = await app.request('POST', '/api/v1alpha1/locks', { body: { service: 'api', environment: 7, owner: 'ci' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1alpha1/locks/${ID}`);
    expect(created.body).toMatchObject({
      id: ID,
      service: 'api',
      environment: 7,
      resource: 'deployment',
      owner: 'ci',
      reason: null,
      eventId: null,
    });
    service.acquireOrWait.mockResolvedValueOnce({ held: { lock: keyed, created: false } });
    const renewed = await app.request('POST', '/api/v1alpha1/locks', { body: { service: 'api', environment: 7, owner: 'ci' } });
    expect(renewed.status).toBe(200);
    expect(renewed.headers.get('location')).toBeNull();
  });

  it('turns the refusals into 409 locked (with holder) and 403 not-lock-owner problems', async () => {
    service.acquireOrWait.mockRejectedValueOnce(new LockedError(keyed.key, held));
    const locked = await app.request('POST', '/api/v1alpha1/locks', { body: { service: 'api', environment: 7, owner: 'other' } });
    expect(locked.status).toBe(409);
    expect(locked.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(locked.body).toMatchObject({ type: 'urn:tracker:problems:locked', holder: { id: ID, owner: 'ci' } });
    service.renew.mockRejectedValueOnce(new NotLockOwnerError(ID, held));
    const notOwner = await app.request('POST', `/api/v1alpha1/locks/${ID}/renew`, { body: { owner: 'other' } });
    expect(notOwner.status).toBe(403);
    expect(notOwner.body.type).toBe('urn:tracker:problems:not-lock-owner');
  });

  it('validates before the service is called, and hands release the caller and the parsed flags', async () => {
    const bad = await app.request('POST', '/api/v1alpha1/locks', { body: { service: 'api', environment: 0, owner: 'ci' } });
    expect(bad.status).toBe(400);
    expect(bad.body.invalidFields[0].name).toBe('environment');
    expect(service.acquireOrWait).not.toHaveBeenCalled();
    service.release.mockResolvedValueOnce({ id: ID });
    expect((await app.request('DELETE', `/api/v1alpha1/locks/${ID}?force=true`)).body).toEqual({ id: ID });
    const [id, flags, caller] = service.release.mock.calls[0] as unknown as [string, object, CallParts];
    expect([id, flags]).toEqual([ID, { force: true }]);
    expect(caller.address).toBe('127.0.0.1');
  });

  it('answers the per-caller quota 429, naming LOCKS_MAX_ACTIVE_PER_CALLER', async () => {
    service.acquireOrWait.mockRejectedValueOnce(new LockQuotaError(100, 30));
    const refused = await app.request('POST', '/api/v1alpha1/locks', { body: { service: 'api', environment: 7, owner: 'ci' } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ quota: 'LOCKS_MAX_ACTIVE_PER_CALLER', limit: 100 });
    expect(refused.body.detail).toContain('LOCKS_MAX_ACTIVE_PER_CALLER');
    expect(refused.headers.get('retry-after')).toBe('30');
  });

  it('pages the list: per_page at most 100, page from 1, both echoed', async () => {
    service.list.mockResolvedValueOnce({ locks: [keyed], totalCount: 31 });
    const page = await app.request('GET', '/api/v1alpha1/locks?per_page=10&page=4&owner=ci');
    expect(page.body).toMatchObject({ totalCount: 31, page: 4, perPage: 10, locks: [{ id: ID }] });
    expect(service.list).toHaveBeenCalledWith(expect.objectContaining({ owner: 'ci' }), { page: 4, perPage: 10 });
    const tooMany = await app.request('GET', '/api/v1alpha1/locks?per_page=101');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.detail).toContain('per_page');
  });
});

describe('LocksHttpController with TRACKER_AUTH=required: the role table, and the verified caller handed on', () => {
  const ID = '3b241101-e2bb-4255-8caf-4136c566a962';
  const keyed: KeyedLock = {
    key: { service: 'api', environment: 7, resource: 'deployment' },
    lock: { lockId: ID, owner: 'ci', acquiredAt: new Date(0), expiresAt: new Date(1000), ttlSeconds: 3600 },
  };
  const service = stubOf<LocksService, 'acquireOrWait' | 'release' | 'renew' | 'list' | 'get'>(
    'acquireOrWait',
    'release',
    'renew',
    'list',
    'get',
  );
  let app: ControllerApp;

  beforeAll(async () => {
    service.acquireOrWait.mockResolvedValue({ held: { lock: keyed, created: true } });
    service.renew.mockResolvedValue(keyed);
    service.release.mockResolvedValue({ id: ID });
    service.list.mockResolvedValue({ locks: [keyed], totalCount: 1 });
    service.get.mockResolvedValue(keyed);
    app = await startControllerApp({
      controllers: [LocksHttpController],
      providers: [{ provide: LocksService, useValue: service }],
      env: { TRACKER_AUTH: 'required' },
    });
  });
  afterAll(async () => app?.close());

  it.each([
    ['POST', '/api/v1alpha1/locks', 'writer', { service: 'api', environment: 7 }, 201],
    ['GET', '/api/v1alpha1/locks', 'reader', undefined, 200],
    ['GET', `/api/v1alpha1/locks/${ID}`, 'reader', undefined, 200],
    ['POST', `/api/v1alpha1/locks/${ID}/renew`, 'writer', {}, 200],
    ['DELETE', `/api/v1alpha1/locks/${ID}`, 'writer', undefined, 200],
  ] as [string, string, TrackerRole, unknown, number][])('%s %s needs %s', async (method, path, role, body, success) => {
    const { seen, expected } = await roleRow((headers) => app.request(method, path, { body, headers }), role, success);
    expect(seen).toEqual(expected);
  });

  it('hands the service the verified caller (its sub and role), never a body field', async () => {
    service.acquireOrWait.mockClear();
    const user = randomUUID();
    await app.request('POST', '/api/v1alpha1/locks', { body: { service: 'api', environment: 7 }, headers: trackerHeaders('writer', user) });
    expect(service.acquireOrWait.mock.calls[0][2]).toMatchObject({ userId: user, trackerRole: 'writer' });
  });
});
