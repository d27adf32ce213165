import { ControllerApp, startControllerApp, stubOf } from '../../../test/support/controller-app';
import { roleRow } from '../../../test/support/tracker-roles';
import { NotFoundError } from '../../platform/errors/domain-errors';
import type { IncidentView } from './domain/incident-view';
import { IncidentsHttpController } from './incidents.http.controller';
import { IncidentsService } from './incidents.service';

const incident: IncidentView = {
  id: '65f0aaaabbbbccccddddeeee',
  title: 'Checkout errors',
  service: 'pay',
  environment: 7,
  status: 'resolved',
  source: 'pagerduty',
  startedAt: new Date('2025-01-10T14:00:00Z'),
  resolvedAt: new Date('2025-01-10T15:00:00Z'),
  recoverySeconds: 3600,
  causes: [{ deploymentId: '65f0aaaabbbbccccdddd0001', how: 'suspected' }],
  fixes: [{ deploymentId: '65f0aaaabbbbccccdddd0002' }],
};
const answer = {
  id: incident.id,
  title: 'Checkout errors',
  service: 'pay',
  environment: 7,
  status: 'resolved',
  source: 'pagerduty',
  startedAt: '2025-01-10T14:00:00.000Z',
  resolvedAt: '2025-01-10T15:00:00.000Z',
  recoverySeconds: 3600,
  causes: [{ deploymentId: '65f0aaaabbbbccccdddd0001', how: 'suspected' }],
  fixes: [{ deploymentId: '65f0aaaabbbbccccdddd0002' }],
};

/** The REST controller with the real HTTP adapter and global enhancers and a stand-in service (no store). */
describe('IncidentsHttpController', () => {
  const service = stubOf<IncidentsService, 'list' | 'get'>('list', 'get');
  let app: ControllerApp;

  beforeAll(async () => {
    service.list.mockResolvedValue({ items: [incident], total: 11, page: 2, perPage: 1 });
    service.get.mockResolvedValue(incident);
    app = await startControllerApp({
      controllers: [IncidentsHttpController],
      providers: [{ provide: IncidentsService, useValue: service }],
    });
  });
  afterAll(async () => app?.close());
  beforeEach(() => jest.clearAllMocks());

  it('GET /incidents: the page with ISO times, from parsed query values', async () => {
    const res = await app.request(
      'GET',
      '/api/v1alpha1/incidents?environment=7&service=pay&from=2025-01-01&to=2025-01-31&status=resolved&per_page=1&page=2',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ incidents: [answer], totalCount: 11, page: 2, perPage: 1 });
    expect(service.list.mock.calls[0][0]).toEqual({
      environment: 7,
      service: 'pay',
      from: '2025-01-01',
      to: '2025-01-31',
      status: 'resolved',
      page: 2,
      perPage: 1,
    });
  });

  it('GET /incidents/{id}', async () => {
    const res = await app.request('GET', `/api/v1alpha1/incidents/${incident.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(answer);
    expect(service.get).toHaveBeenCalledWith(incident.id);
  });

  it.each([
    ['/api/v1alpha1/incidents?status=closed', 'status'],
    ['/api/v1alpha1/incidents?environment=0', 'environment'],
    ['/api/v1alpha1/incidents?from=2025-01-02&to=2025-01-01', 'to'],
    ['/api/v1alpha1/incidents?per_page=101', 'per_page'],
    ['/api/v1alpha1/incidents?service=a%00b', 'service'],
    ['/api/v1alpha1/incidents/not-an-id', 'id'],
  ])('%s -> 400 naming %s, the service untouched', async (url, field) => {
    const res = await app.request('GET', url);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.invalidFields.map((f: { name: string }) => f.name)).toContain(field);
    expect(service.list).not.toHaveBeenCalled();
    expect(service.get).not.toHaveBeenCalled();
  });
});

describe('IncidentsHttpController with TRACKER_AUTH=required: the role table', () => {
  const service = stubOf<IncidentsService, 'list' | 'get'>('list', 'get');
  let app: ControllerApp;

  beforeAll(async () => {
    service.list.mockRejectedValue(new NotFoundError('reached the service'));
    service.get.mockRejectedValue(new NotFoundError('reached the service'));
    app = await startControllerApp({
      controllers: [IncidentsHttpController],
      providers: [{ provide: IncidentsService, useValue: service }],
      env: { TRACKER_AUTH: 'required' },
    });
  });
  afterAll(async () => app?.close());

  it.each(['/api/v1alpha1/incidents', `/api/v1alpha1/incidents/${incident.id}`])('GET %s needs reader', async (path) => {
    const { seen, expected } = await roleRow((headers) => app.request('GET', path, { headers }), 'reader', 404);
    expect(seen).toEqual(expected);
  });
});
