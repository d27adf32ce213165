import { Module } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ThrottlerModule } from '@nestjs/throttler';
import type { CallParts } from '../common/auth/caller';
import { GLOBAL_ENHANCERS } from '../common/global-enhancers';
import { AppConfigModule } from '../config/config.module';
import { validateEnv } from '../config/env.schema';
import { MetricsService } from '../metrics/metrics.service';
import { LockedError, NotLockOwnerError } from './domain/lock-errors';
import type { HeldLock } from './domain/lock-rules';
import type { KeyedLock } from './lock-leases';
import { LocksHttpController } from './locks.http.controller';
import { LocksService } from './locks.service';

/** The REST controller with the real global enhancers and a stand-in service (no store): statuses, headers, problems. */
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
  const calls: unknown[][] = [];
  let next: () => Promise<unknown>;
  const service = {
    acquire: (...args: unknown[]) => (calls.push(['acquire', ...args]), next()),
    release: (...args: unknown[]) => (calls.push(['release', ...args]), next()),
    renew: (...args: unknown[]) => (calls.push(['renew', ...args]), next()),
  };
  let app: NestFastifyApplication;
  const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    app.getHttpAdapter().getInstance().inject({ method, url, payload });

  beforeAll(async () => {
    @Module({
      imports: [AppConfigModule.forRoot(validateEnv({})), ThrottlerModule.forRoot([{ ttl: 60_000, limit: 1000 }]), DiscoveryModule],
      controllers: [LocksHttpController],
      providers: [...GLOBAL_ENHANCERS, MetricsService, { provide: LocksService, useValue: service }],
    })
    class ControllerOnly {}
    app = await NestFactory.create<NestFastifyApplication>(ControllerOnly, new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => (calls.length = 0));

  it('answers a new acquisition 201 with Location, a renewal 200 without', async () => {
    next = () => Promise.resolve({ lock: keyed, created: true });
    const created = await inject('POST', '/api/v1alpha1/locks', { service: 'api', environment: 7, owner: 'ci' });
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe(`/api/v1alpha1/locks/${ID}`);
    expect(created.json()).toMatchObject({
      id: ID,
      service: 'api',
      environment: 7,
      resource: 'deployment',
      owner: 'ci',
      reason: null,
      eventId: null,
    });
    next = () => Promise.resolve({ lock: keyed, created: false });
    const renewed = await inject('POST', '/api/v1alpha1/locks', { service: 'api', environment: 7, owner: 'ci' });
    expect(renewed.statusCode).toBe(200);
    expect(renewed.headers.location).toBeUndefined();
  });

  it('turns the refusals into 409 locked (with holder) and 403 not-lock-owner problems', async () => {
    next = () => Promise.reject(new LockedError(keyed.key, held));
    const locked = await inject('POST', '/api/v1alpha1/locks', { service: 'api', environment: 7, owner: 'other' });
    expect(locked.statusCode).toBe(409);
    expect(locked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(locked.json()).toMatchObject({ type: 'urn:tracker:problems:locked', holder: { id: ID, owner: 'ci' } });
    next = () => Promise.reject(new NotLockOwnerError(ID, held));
    const notOwner = await inject('POST', `/api/v1alpha1/locks/${ID}/renew`, { owner: 'other' });
    expect(notOwner.statusCode).toBe(403);
    expect(notOwner.json().type).toBe('urn:tracker:problems:not-lock-owner');
  });

  it('validates before the service is called, and hands release the caller and the parsed flags', async () => {
    const bad = await inject('POST', '/api/v1alpha1/locks', { service: 'api', environment: 0, owner: 'ci' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().invalidFields[0].name).toBe('environment');
    expect(calls).toEqual([]);
    next = () => Promise.resolve({ id: ID });
    expect((await inject('DELETE', `/api/v1alpha1/locks/${ID}?force=true`)).json()).toEqual({ id: ID });
    const [, id, flags, caller] = calls[0] as [string, string, object, CallParts];
    expect([id, flags]).toEqual([ID, { force: true }]);
    expect(caller.address).toBe('127.0.0.1');
  });
});
