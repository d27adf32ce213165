import { ControllerApp, startControllerApp, stubOf } from '../../../test/support/controller-app';
import { roleRow } from '../../../test/support/tracker-roles';
import type { TrackerRole } from '../../auth/tracker-roles';
import { CodeChangesHttpController } from './code-changes.http.controller';
import { CodeChangesService, CodeChangeView } from './code-changes.service';

/** The REST controller with the real HTTP adapter and global enhancers and a stand-in service (no store): statuses, shapes, validation. */
describe('CodeChangesHttpController', () => {
  const change: CodeChangeView = {
    id: 'f'.repeat(32),
    service: 'api',
    sha: 'abcdef1',
    changedAt: new Date('2024-03-01T00:00:00Z'),
    mergedAt: new Date('2024-03-01T00:00:00Z'),
    source: 'rest',
    createdAt: new Date('2024-03-02T00:00:00Z'),
  };
  const service = stubOf<CodeChangesService, 'create' | 'list'>('create', 'list');
  let app: ControllerApp;

  beforeAll(async () => {
    app = await startControllerApp({
      controllers: [CodeChangesHttpController],
      providers: [{ provide: CodeChangesService, useValue: service }],
    });
  });
  afterAll(async () => app?.close());
  beforeEach(() => jest.clearAllMocks());

  it('answers a new change 201 and a recognised one 200, in the same shape (nulls for absent fields)', async () => {
    const body = { service: 'api', sha: 'abcdef1', mergedAt: '2024-03-01' };
    service.create.mockResolvedValueOnce({ change, created: true });
    const created = await app.request('POST', '/api/v1alpha1/changes', { body });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
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
    service.create.mockResolvedValueOnce({ change, created: false });
    const repeat = await app.request('POST', '/api/v1alpha1/changes', { body });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(created.body);
    expect(service.create.mock.calls[0]).toEqual([body, 'rest']);
  });

  it('validates before the service is called: a change needs mergedAt or committedAt', async () => {
    const bad = await app.request('POST', '/api/v1alpha1/changes', { body: { service: 'api', sha: 'abcdef1' } });
    expect(bad.status).toBe(400);
    expect(bad.body.invalidFields).toEqual([{ name: 'mergedAt', reason: 'is required when committedAt is not given' }]);
    // A null committedAt is no time either (the REST fuzz found it answered 500).
    const nullTime = await app.request('POST', '/api/v1alpha1/changes', { body: { service: 'api', sha: 'abcdef1', committedAt: null } });
    expect(nullTime.status).toBe(400);
    expect(nullTime.body.invalidFields).toEqual([{ name: 'mergedAt', reason: 'is required when committedAt is not given' }]);
    expect(service.create).not.toHaveBeenCalled();
  });

  it('hands the list its paging and filters, and pages like the events list', async () => {
    service.list.mockResolvedValueOnce({ items: [change], total: 11, page: 2, perPage: 10 });
    const res = await app.request('GET', '/api/v1alpha1/changes?service=api&from=2024-03-01&page=2');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ totalCount: 11, page: 2, perPage: 10, changes: [{ id: change.id }] });
    expect(service.list.mock.calls[0]).toEqual([{ service: 'api', from: '2024-03-01', to: undefined, page: 2, perPage: undefined }]);
  });
});

describe('CodeChangesHttpController with TRACKER_AUTH=required: the role table', () => {
  const service = stubOf<CodeChangesService, 'create' | 'list'>('create', 'list');
  let app: ControllerApp;

  beforeAll(async () => {
    service.create.mockResolvedValue({
      change: {
        id: 'f'.repeat(32),
        service: 'api',
        sha: 'abcdef1',
        changedAt: new Date(0),
        mergedAt: new Date(0),
        source: 'rest',
        createdAt: new Date(0),
      },
      created: true,
    });
    service.list.mockResolvedValue({ items: [], total: 0, page: 1, perPage: 20 });
    app = await startControllerApp({
      controllers: [CodeChangesHttpController],
      providers: [{ provide: CodeChangesService, useValue: service }],
      env: { TRACKER_AUTH: 'required' },
    });
  });
  afterAll(async () => app?.close());

  it.each([
    ['POST', '/api/v1alpha1/changes', 'writer', { service: 'api', sha: 'abcdef1', mergedAt: '2024-03-01' }, 201],
    ['GET', '/api/v1alpha1/changes', 'reader', undefined, 200],
  ] as [string, string, TrackerRole, unknown, number][])('%s %s needs %s', async (method, path, role, body, success) => {
    const { seen, expected } = await roleRow((headers) => app.request(method, path, { body, headers }), role, success);
    expect(seen).toEqual(expected);
  });
});
