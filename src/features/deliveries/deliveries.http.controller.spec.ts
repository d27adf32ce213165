import { status } from '@grpc/grpc-js';
import { GARBAGE_TOKEN, mintToken } from '../../../test/support/auth';
import { grpcVerdict, restVerdict, TRACKER_CALLERS, trackerHeaders, trackerVerdict } from '../../../test/support/tracker-roles';
import { ControllerApp, startControllerApp, stubOf } from '../../../test/support/controller-app';
import { expectGrpcError } from '../../../test/support/grpc-client';
import { NotFoundError } from '../../platform/errors/domain-errors';
import { DeliveriesGrpcController } from './deliveries.grpc.controller';
import { DeliveriesHttpController } from './deliveries.http.controller';
import { DeliveriesService } from './deliveries.service';
import type { DeliveryRecord } from './delivery/delivery-record';

const ID = '65a0f0c2e4b0a1b2c3d4e5f6';
const PATH = `/api/v1alpha1/event/${ID}/notifications`;

const DELIVERED: DeliveryRecord = {
  dedupKey: `${ID}:slack:created#1`,
  channel: 'slack',
  trigger: 'created',
  seq: 1,
  state: 'delivered',
  attempts: [{ at: new Date('2024-01-15T10:00:01Z'), ok: true }],
  createdAt: new Date('2024-01-15T10:00:00Z'),
};
const SKIPPED: DeliveryRecord = {
  ...DELIVERED,
  dedupKey: `${ID}:email:created#1`,
  channel: 'email',
  state: 'skipped',
  attempts: [],
  reason: 'email is not configured',
};

/** The event's deliveries on REST and gRPC (GetEventNotifications), with the delivery service stubbed. */
async function start(env: Record<string, string> = {}) {
  const service = stubOf<DeliveriesService, 'deliveries'>('deliveries');
  service.deliveries.mockResolvedValue([DELIVERED, SKIPPED]);
  const app = await startControllerApp({
    controllers: [DeliveriesHttpController, DeliveriesGrpcController],
    providers: [{ provide: DeliveriesService, useValue: service }],
    env,
    grpc: { proto: 'tracker/event/v1alpha1/event.proto', service: 'tracker.event.v1alpha1.EventService' },
  });
  return { app, service };
}

describe('DeliveriesHttpController and DeliveriesGrpcController', () => {
  let app: ControllerApp;
  let service: jest.Mocked<Pick<DeliveriesService, 'deliveries'>>;

  beforeAll(async () => {
    ({ app, service } = await start());
  });
  afterAll(async () => app?.close());
  beforeEach(() => jest.clearAllMocks());

  it('maps the deliveries alike on both transports (absent fields stay absent)', async () => {
    const expected = {
      id: ID,
      notifications: [
        {
          dedupKey: DELIVERED.dedupKey,
          channel: 'slack',
          trigger: 'created',
          state: 'delivered',
          attempts: [{ at: '2024-01-15T10:00:01.000Z', ok: true }],
          createdAt: '2024-01-15T10:00:00.000Z',
        },
        {
          dedupKey: SKIPPED.dedupKey,
          channel: 'email',
          trigger: 'created',
          state: 'skipped',
          attempts: [],
          createdAt: '2024-01-15T10:00:00.000Z',
          reason: 'email is not configured',
        },
      ],
    };
    const rest = await app.request('GET', PATH);
    expect({ status: rest.status, body: rest.body }).toEqual({ status: 200, body: expected });
    // gRPC leaves an empty repeated field off the wire, so the client (arrays: false) sees no `attempts` there.
    const { attempts: _none, ...skippedOverGrpc } = expected.notifications[1];
    await expect(app.rpc.call('GetEventNotifications', { id: ID })).resolves.toEqual({
      ...expected,
      notifications: [expected.notifications[0], skippedOverGrpc],
    });
    expect(service.deliveries.mock.calls).toEqual([[ID], [ID]]);
  });

  it('refuses a malformed id before the service: 400 naming id, INVALID_ARGUMENT', async () => {
    const res = await app.request('GET', '/api/v1alpha1/event/nope/notifications');
    expect(res.status).toBe(400);
    expect(res.body.invalidFields.map((f: { name: string }) => f.name)).toEqual(['id']);
    const err = await expectGrpcError(app.rpc.call('GetEventNotifications', { id: 'nope' }), status.INVALID_ARGUMENT);
    expect(err.details).toContain('id');
    expect(service.deliveries).not.toHaveBeenCalled();
  });

  it('answers an unknown event 404 problem+json, NOT_FOUND', async () => {
    service.deliveries.mockRejectedValue(new NotFoundError(`Event ${ID} not found.`));
    const res = await app.request('GET', PATH);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'urn:tracker:problems:not-found', detail: `Event ${ID} not found.` });
    await expectGrpcError(app.rpc.call('GetEventNotifications', { id: ID }), status.NOT_FOUND);
    service.deliveries.mockResolvedValue([DELIVERED, SKIPPED]);
  });
});

describe('deliveries with TRACKER_AUTH=required', () => {
  let app: ControllerApp;
  let service: jest.Mocked<Pick<DeliveriesService, 'deliveries'>>;

  beforeAll(async () => {
    ({ app, service } = await start({ TRACKER_AUTH: 'required' }));
  });
  afterAll(async () => app?.close());

  it('needs a valid token on REST (401 Tracker problems) and gRPC (UNAUTHENTICATED); any valid one passes', async () => {
    const bad: [string | undefined, string][] = [
      [undefined, 'unauthenticated'],
      [GARBAGE_TOKEN, 'invalid-token'],
      [`Bearer ${mintToken({}, { expired: true })}`, 'invalid-token'],
      [`Bearer ${mintToken({}, { badSignature: true })}`, 'invalid-token'],
      [`Bearer ${mintToken({}, { malformedClaims: true })}`, 'invalid-token'],
    ];
    for (const [authorization, slug] of bad) {
      const headers: Record<string, string> = authorization ? { authorization } : {};
      const res = await app.request('GET', PATH, { headers });
      expect({ authorization, status: res.status, type: res.body.type }).toEqual({
        authorization,
        status: 401,
        type: `urn:tracker:problems:${slug}`,
      });
      await expectGrpcError(app.rpc.call('GetEventNotifications', { id: ID }, headers), status.UNAUTHENTICATED);
    }
    expect(service.deliveries).not.toHaveBeenCalled();
    const token = { authorization: `Bearer ${mintToken({})}` };
    expect((await app.request('GET', PATH, { headers: token })).status).toBe(200);
    await expect(app.rpc.call('GetEventNotifications', { id: ID }, token)).resolves.toMatchObject({ id: ID });
  });

  it.each(TRACKER_CALLERS)('a %s caller: the reads need the reader role, on REST and gRPC', async (caller) => {
    const headers = trackerHeaders(caller);
    const expected = trackerVerdict(caller, 'reader');
    const res = await app.request('GET', PATH, { headers });
    expect(restVerdict(res, 'reader')).toBe(expected);
    if (expected === 'allowed') expect(res.status).toBe(200);
    const err = await app.rpc.call('GetEventNotifications', { id: ID }, headers).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(grpcVerdict(err, 'reader')).toBe(expected);
  });
});
