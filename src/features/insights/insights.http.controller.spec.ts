import { ControllerApp, startControllerApp, stubOf } from '../../../test/support/controller-app';
import { roleRow } from '../../../test/support/tracker-roles';
import { NotFoundError } from '../../platform/errors/domain-errors';
import { InsightsHttpController } from './insights.http.controller';
import { InsightsService } from './insights.service';

/** The REST controller with the real HTTP adapter and global enhancers and a stand-in service (no store): validation and the answer's shape. */
describe('InsightsHttpController', () => {
  const keys = {
    deploymentFrequency: { count: 0, perDay: 0, tier: null },
    leadTimeForChanges: { medianSeconds: null, p90Seconds: null, samples: 0, deploymentsWithoutChanges: 0, tier: null },
    changeFailureRate: {
      failed: 0,
      total: 0,
      rate: null,
      tier: null,
      byReason: { status: 0, rollback: 0, linkedIncident: 0, suspectedIncident: 0 },
    },
    recoveryTime: {
      medianSeconds: null,
      samples: 0,
      unresolved: 0,
      tier: null,
      bySource: { pagerduty: 0, alertmanager: 0, grafana: 0, tracker: 0 },
    },
    deploymentReworkRate: { rework: 0, total: 0, rate: null },
  };
  const window = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-02T00:00:00Z') };
  const service = stubOf<InsightsService, 'getDora' | 'listDoraByService'>('getDora', 'listDoraByService');
  let app: ControllerApp;

  beforeAll(async () => {
    service.getDora.mockResolvedValue({
      window,
      environment: 7,
      service: null,
      ...keys,
      buckets: [{ start: window.from, deployments: 0, failed: 0, leadTimeMedianSeconds: null, recoveryMedianSeconds: null }],
    });
    service.listDoraByService.mockResolvedValue({ window, environment: 7, services: [] });
    app = await startControllerApp({ controllers: [InsightsHttpController], providers: [{ provide: InsightsService, useValue: service }] });
  });
  afterAll(async () => app?.close());
  beforeEach(() => jest.clearAllMocks());

  it('answers the report with ISO times and nulls, from parsed query values', async () => {
    const res = await app.request('GET', '/api/v1alpha1/insights/dora?environment=6&service=api&from=2024-03-01&to=2024-03-01&bucket=day');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      window: { from: '2024-03-01T00:00:00.000Z', to: '2024-03-02T00:00:00.000Z' },
      environment: 7,
      service: null,
      ...keys,
      buckets: [{ start: '2024-03-01T00:00:00.000Z', deployments: 0, failed: 0, leadTimeMedianSeconds: null, recoveryMedianSeconds: null }],
    });
    expect(service.getDora.mock.calls[0][0]).toEqual({
      environment: 6,
      service: 'api',
      from: '2024-03-01',
      to: '2024-03-01',
      bucket: 'day',
    });
  });

  it.each([
    ['/api/v1alpha1/insights/dora?environment=0', 'environment'],
    ['/api/v1alpha1/insights/dora?bucket=hour', 'bucket'],
    ['/api/v1alpha1/insights/dora?from=2024-03-02&to=2024-03-01', 'to'],
    ['/api/v1alpha1/insights/dora?to=soon', 'to'],
    ['/api/v1alpha1/insights/dora/services?bucket=day', 'bucket'],
  ])('%s -> 400 naming %s, the service untouched', async (url, field) => {
    const res = await app.request('GET', url);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.invalidFields.map((f: { name: string }) => f.name)).toContain(field);
    expect(service.getDora).not.toHaveBeenCalled();
    expect(service.listDoraByService).not.toHaveBeenCalled();
  });
});

describe('InsightsHttpController with TRACKER_AUTH=required: the role table', () => {
  const service = stubOf<InsightsService, 'getDora' | 'listDoraByService'>('getDora', 'listDoraByService');
  let app: ControllerApp;

  beforeAll(async () => {
    service.getDora.mockRejectedValue(new NotFoundError('reached the service'));
    service.listDoraByService.mockRejectedValue(new NotFoundError('reached the service'));
    app = await startControllerApp({
      controllers: [InsightsHttpController],
      providers: [{ provide: InsightsService, useValue: service }],
      env: { TRACKER_AUTH: 'required' },
    });
  });
  afterAll(async () => app?.close());

  // The stub answers 404 once a call gets past the guard: the table is about who gets that far.
  it.each(['/api/v1alpha1/insights/dora', '/api/v1alpha1/insights/dora/services'])('GET %s needs reader', async (path) => {
    const { seen, expected } = await roleRow((headers) => app.request('GET', path, { headers }), 'reader', 404);
    expect(seen).toEqual(expected);
  });
});
