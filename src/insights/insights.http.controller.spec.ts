import { Module } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ThrottlerModule } from '@nestjs/throttler';
import { GLOBAL_ENHANCERS } from '../common/global-enhancers';
import { AppConfigModule } from '../config/config.module';
import { validateEnv } from '../config/env.schema';
import { MetricsService } from '../metrics/metrics.service';
import { InsightsHttpController } from './insights.http.controller';
import { InsightsService } from './insights.service';

/** The REST controller with the real global enhancers and a stand-in service (no store): validation and the answer's shape. */
describe('InsightsHttpController', () => {
  const keys = {
    deploymentFrequency: { count: 0, perDay: 0, tier: null },
    leadTimeForChanges: { medianSeconds: null, p90Seconds: null, samples: 0, deploymentsWithoutChanges: 0, tier: null },
    changeFailureRate: { failed: 0, total: 0, rate: null, tier: null },
    recoveryTime: { medianSeconds: null, samples: 0, unresolved: 0, tier: null },
  };
  const window = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-02T00:00:00Z') };
  const calls: unknown[][] = [];
  const service = {
    getDora: (...args: unknown[]) => {
      calls.push(['getDora', ...args]);
      return Promise.resolve({
        window,
        environment: 7,
        service: null,
        ...keys,
        buckets: [{ start: window.from, deployments: 0, failed: 0, leadTimeMedianSeconds: null, recoveryMedianSeconds: null }],
      });
    },
    listDoraByService: (...args: unknown[]) => (
      calls.push(['listDoraByService', ...args]),
      Promise.resolve({ window, environment: 7, services: [] })
    ),
  };
  let app: NestFastifyApplication;
  const get = (url: string) => app.getHttpAdapter().getInstance().inject({ method: 'GET', url });

  beforeAll(async () => {
    @Module({
      imports: [AppConfigModule.forRoot(validateEnv({})), ThrottlerModule.forRoot([{ ttl: 60_000, limit: 1000 }]), DiscoveryModule],
      controllers: [InsightsHttpController],
      providers: [...GLOBAL_ENHANCERS, MetricsService, { provide: InsightsService, useValue: service }],
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

  it('answers the report with ISO times and nulls, from parsed query values', async () => {
    const res = await get('/api/v1alpha1/insights/dora?environment=6&service=api&from=2024-03-01&to=2024-03-01&bucket=day');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      window: { from: '2024-03-01T00:00:00.000Z', to: '2024-03-02T00:00:00.000Z' },
      environment: 7,
      service: null,
      ...keys,
      buckets: [{ start: '2024-03-01T00:00:00.000Z', deployments: 0, failed: 0, leadTimeMedianSeconds: null, recoveryMedianSeconds: null }],
    });
    expect(calls[0][1]).toEqual({ environment: 6, service: 'api', from: '2024-03-01', to: '2024-03-01', bucket: 'day' });
  });

  it.each([
    ['/api/v1alpha1/insights/dora?environment=0', 'environment'],
    ['/api/v1alpha1/insights/dora?bucket=hour', 'bucket'],
    ['/api/v1alpha1/insights/dora?from=2024-03-02&to=2024-03-01', 'to'],
    ['/api/v1alpha1/insights/dora?to=soon', 'to'],
    ['/api/v1alpha1/insights/dora/services?bucket=day', 'bucket'],
  ])('%s -> 400 naming %s, the service untouched', async (url, field) => {
    const res = await get(url);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().invalidFields.map((f: { name: string }) => f.name)).toContain(field);
    expect(calls).toEqual([]);
  });
});
