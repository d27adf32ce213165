import { Module } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ThrottlerModule } from '@nestjs/throttler';
import { GLOBAL_ENHANCERS } from '../common/global-enhancers';
import { AppConfigModule } from '../config/config.module';
import { validateEnv } from '../config/env.schema';
import { MetricsService } from '../metrics/metrics.service';
import { ChangesHttpController } from './changes.http.controller';
import { ChangesService, ChangeView } from './changes.service';

/** The REST controller with the real global enhancers and a stand-in service (no store): statuses, shapes, validation. */
describe('ChangesHttpController', () => {
  const change: ChangeView = {
    id: 'f'.repeat(32),
    service: 'api',
    sha: 'abcdef1',
    changedAt: new Date('2024-03-01T00:00:00Z'),
    mergedAt: new Date('2024-03-01T00:00:00Z'),
    source: 'rest',
    createdAt: new Date('2024-03-02T00:00:00Z'),
  };
  const calls: unknown[][] = [];
  let next: () => Promise<unknown>;
  const service = {
    create: (...args: unknown[]) => (calls.push(['create', ...args]), next()),
    list: (...args: unknown[]) => (calls.push(['list', ...args]), next()),
  };
  let app: NestFastifyApplication;
  const inject = (method: 'GET' | 'POST', url: string, payload?: object) =>
    app.getHttpAdapter().getInstance().inject({ method, url, payload });

  beforeAll(async () => {
    @Module({
      imports: [AppConfigModule.forRoot(validateEnv({})), ThrottlerModule.forRoot([{ ttl: 60_000, limit: 1000 }]), DiscoveryModule],
      controllers: [ChangesHttpController],
      providers: [...GLOBAL_ENHANCERS, MetricsService, { provide: ChangesService, useValue: service }],
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

  it('answers a new change 201 and a recognised one 200, in the same shape (nulls for absent fields)', async () => {
    const body = { service: 'api', sha: 'abcdef1', mergedAt: '2024-03-01' };
    next = () => Promise.resolve({ change, created: true });
    const created = await inject('POST', '/api/v1alpha1/changes', body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      id: change.id,
      service: 'api',
      sha: 'abcdef1',
      pullRequestLink: null,
      title: null,
      mergedAt: '2024-03-01T00:00:00.000Z',
      committedAt: null,
      changedAt: '2024-03-01T00:00:00.000Z',
      source: 'rest',
      createdAt: '2024-03-02T00:00:00.000Z',
    });
    next = () => Promise.resolve({ change, created: false });
    const repeat = await inject('POST', '/api/v1alpha1/changes', body);
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json()).toEqual(created.json());
    expect(calls[0]).toEqual(['create', body, 'rest']);
  });

  it('validates before the service is called: a change needs mergedAt or committedAt', async () => {
    const bad = await inject('POST', '/api/v1alpha1/changes', { service: 'api', sha: 'abcdef1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().invalidFields).toEqual([{ name: 'mergedAt', reason: 'is required when committedAt is not given' }]);
    expect(calls).toEqual([]);
  });

  it('hands the list its paging and filters, and pages like the events list', async () => {
    next = () => Promise.resolve({ items: [change], total: 11, page: 2, perPage: 10 });
    const res = await inject('GET', '/api/v1alpha1/changes?service=api&from=2024-03-01&page=2');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ totalCount: 11, page: 2, perPage: 10, changes: [{ id: change.id }] });
    expect(calls[0]).toEqual(['list', { service: 'api', from: '2024-03-01', to: undefined, page: 2, perPage: undefined }]);
  });
});
