import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { GARBAGE_TOKEN, mintToken } from '../../../test/support/auth';
import { grpcVerdict, TRACKER_CALLERS, trackerHeaders, trackerVerdict } from '../../../test/support/tracker-roles';
import type { TrackerRole } from '../../auth/tracker-roles';
import { ControllerApp, startControllerApp } from '../../../test/support/controller-app';
import { expectGrpcError } from '../../../test/support/grpc-client';
import { TRACKER_EVENT_ID as ID, trackerEventsStub } from '../../../test/support/tracker-events';
import { DomainError, ErrorKind } from '../../platform/errors/domain-errors';
import { TrackerEventsGrpcController } from './tracker-events.grpc.controller';
import { TrackerEventsService } from './tracker-events.service';

/** Every method with a valid request, and the tracker role it needs with TRACKER_AUTH=required. */
const METHODS: [string, Record<string, unknown>, TrackerRole][] = [
  ['CreateEvent', { title: 'Deploy', attributes: { type: 1, service: 'svc' } }, 'writer'],
  ['UpdateEvent', { id: ID, title: 'Deploy (grpc)' }, 'writer'],
  ['GetEvent', { id: ID }, 'reader'],
  ['GetEventChangelog', { id: ID }, 'reader'],
  ['ListEvents', {}, 'reader'],
  ['SearchEvents', { service: 'svc' }, 'reader'],
  ['TodayEvents', {}, 'reader'],
  ['GetEventStats', {}, 'reader'],
  ['DeleteEvent', { id: ID }, 'admin'],
];

async function start(env: Record<string, string> = {}) {
  const service = trackerEventsStub();
  const app = await startControllerApp({
    controllers: [TrackerEventsGrpcController],
    providers: [{ provide: TrackerEventsService, useValue: service }],
    env,
    grpc: { proto: 'tracker/event/v1alpha1/event.proto', service: 'tracker.event.v1alpha1.EventService' },
  });
  return { app, service };
}

describe('TrackerEventsGrpcController', () => {
  let app: ControllerApp;
  let service: ReturnType<typeof trackerEventsStub>;

  beforeAll(async () => {
    ({ app, service } = await start());
  });
  afterAll(async () => app?.close());
  beforeEach(() => jest.clearAllMocks());

  it.each([
    ['CreateEvent', { title: 'x', attributes: { type: 1 } }, 'attributes.service'],
    ['CreateEvent', { title: '', attributes: { type: 1, service: 's' } }, 'title'],
    ['CreateEvent', { title: 'x', attributes: { type: 1, service: 's', status: 2 } }, 'attributes.status'],
    ['CreateEvent', { title: 'x', attributes: { type: 1, service: 's', notifications: ['pager'] } }, 'attributes.notifications'],
    [
      'CreateEvent',
      { title: 'x', attributes: { type: 1, service: 's', startDate: '2024-01-02', endDate: '2024-01-01T00:00:00Z' } },
      'attributes.endDate',
    ],
    ['GetEvent', { id: 'nope' }, 'id'],
    ['UpdateEvent', { id: '123', title: 'x' }, 'id'],
    ['ListEvents', { perPage: 101 }, 'perPage'],
    ['SearchEvents', { startDate: 'soon' }, 'startDate'],
    ['SearchEvents', { startDate: '2024-02-01', endDate: '2024-01-31' }, 'endDate'],
    ['TodayEvents', { tz: 'Nowhere/City' }, 'tz'],
    ['GetEventStats', { endDate: '31/01/2024' }, 'endDate'],
  ])('%s with %j is INVALID_ARGUMENT naming %s, before the service', async (method, request, field) => {
    const err = await expectGrpcError(app.rpc.call(method, request), status.INVALID_ARGUMENT);
    expect(err.details).toContain(field);
    for (const fn of Object.values(service)) expect(fn).not.toHaveBeenCalled();
  });

  it('reads x-freeze-override call metadata into the write context, like the REST header', async () => {
    await app.rpc.call('CreateEvent', METHODS[0][1], { 'x-freeze-override': 'hotfix INC-9' });
    expect(service.create).toHaveBeenCalledWith(expect.anything(), 'grpc', {
      caller: undefined,
      context: { intake: false, override: 'hotfix INC-9', warnings: [] },
    });
    await app.rpc.call('UpdateEvent', { id: ID, title: 'x' }, { 'x-freeze-override': 'go' });
    expect(service.update).toHaveBeenCalledWith(expect.anything(), 'grpc', undefined, { intake: false, override: 'go', warnings: [] });
  });

  it('hands valid requests to the service with the transport named', async () => {
    await expect(app.rpc.call('CreateEvent', METHODS[0][1])).resolves.toMatchObject({ id: ID, createdAt: '2024-01-15T10:00:00.000Z' });
    expect(service.create).toHaveBeenCalledWith(expect.objectContaining({ title: 'Deploy' }), 'grpc', {
      caller: undefined,
      context: { intake: false, warnings: [] },
    });
    await app.rpc.call('SearchEvents', { service: 'svc', perPage: 5 });
    expect(service.search).toHaveBeenCalledWith(expect.objectContaining({ service: 'svc' }), { page: 1, perPage: 5 });
  });

  it('CreateEvent goes through the global IdempotencyInterceptor: a malformed key is INVALID_ARGUMENT, a valid one is scoped', async () => {
    app.idempotency.clear();
    const bad = await expectGrpcError(
      app.rpc.call('CreateEvent', METHODS[0][1], { 'idempotency-key': 'two words' }),
      status.INVALID_ARGUMENT,
    );
    expect(bad.details).toContain('Idempotency-Key');
    expect(service.create).not.toHaveBeenCalled();
    await app.rpc.call('CreateEvent', METHODS[0][1], { 'idempotency-key': 'key-1' });
    expect(app.idempotency.calls.map(({ scope, key }) => ({ scope, key }))).toEqual([
      { scope: 'tracker.event.create|anonymous|-', key: 'key-1' },
    ]);
    expect(service.create).toHaveBeenCalledTimes(1);
  });

  // Every kind, so a new one cannot be added without saying what it answers on gRPC.
  const GRPC_CODES: Record<ErrorKind, status> = {
    'invalid-input': status.INVALID_ARGUMENT,
    'invalid-query': status.INVALID_ARGUMENT,
    'unsupported-query': status.INVALID_ARGUMENT,
    'malformed-json': status.INVALID_ARGUMENT,
    'invalid-account-id': status.INVALID_ARGUMENT,
    'invalid-resource-id': status.INVALID_ARGUMENT,
    unauthenticated: status.UNAUTHENTICATED,
    'invalid-token': status.UNAUTHENTICATED,
    'invalid-signature': status.UNAUTHENTICATED,
    forbidden: status.PERMISSION_DENIED,
    'not-found': status.NOT_FOUND,
    'collection-not-found': status.NOT_FOUND,
    'method-not-allowed': status.UNIMPLEMENTED,
    'not-acceptable': status.INVALID_ARGUMENT,
    conflict: status.ALREADY_EXISTS,
    'payload-too-large': status.RESOURCE_EXHAUSTED,
    'unsupported-media-type': status.INVALID_ARGUMENT,
    'rate-limited': status.RESOURCE_EXHAUSTED,
    locked: status.ALREADY_EXISTS,
    'not-lock-owner': status.PERMISSION_DENIED,
    frozen: status.FAILED_PRECONDITION,
    'cursor-expired': status.OUT_OF_RANGE,
    unavailable: status.UNAVAILABLE,
  };

  it.each(Object.entries(GRPC_CODES))(
    'maps %s from the service to code %d, with the message and the correlation id',
    async (kind, code) => {
      const error = new DomainError(
        kind as ErrorKind,
        `What went wrong (${kind}).`,
        kind === 'unavailable' ? { retryAfterSeconds: 3 } : {},
      );
      service.get.mockRejectedValueOnce(error);
      const correlation = randomUUID();
      const err = await expectGrpcError(app.rpc.call('GetEvent', { id: ID }, { 'x-request-id': correlation }), code);
      expect(err.details).toBe(error.message);
      expect(err.metadata.get('correlation-id')).toEqual([correlation]);
      expect(err.metadata.get('retry-after')).toEqual(kind === 'unavailable' ? ['3'] : []);
    },
  );

  it('answers an unclassified error with INTERNAL and no internals', async () => {
    service.stats.mockRejectedValueOnce(new TypeError("Cannot read properties of undefined (reading 'secretField')"));
    const err = await expectGrpcError(app.rpc.call('GetEventStats', {}), status.INTERNAL);
    expect(err.details).toBe('Internal error');
    expect(err.metadata.get('correlation-id')).toHaveLength(1);
  });
});

describe('TrackerEventsGrpcController with TRACKER_AUTH=required', () => {
  let app: ControllerApp;
  let service: ReturnType<typeof trackerEventsStub>;

  beforeAll(async () => {
    ({ app, service } = await start({ TRACKER_AUTH: 'required' }));
  });
  afterAll(async () => app?.close());
  beforeEach(() => jest.clearAllMocks());

  it.each(METHODS)(
    '%s: UNAUTHENTICATED without a valid token; PERMISSION_DENIED below %s, OK from it up',
    async (method, request, role) => {
      for (const authorization of [
        undefined,
        GARBAGE_TOKEN,
        `Bearer ${mintToken({}, { expired: true })}`,
        `Bearer ${mintToken({}, { badSignature: true })}`,
      ]) {
        await expectGrpcError(app.rpc.call(method, request, authorization ? { authorization } : {}), status.UNAUTHENTICATED).catch(
          (err: Error) => {
            throw new Error(`${method} with ${authorization ?? 'no token'}: ${err.message}`);
          },
        );
      }
      for (const caller of TRACKER_CALLERS) {
        const expected = trackerVerdict(caller, role);
        if (expected !== 'allowed') {
          // A bad request too: the guard answers before validation.
          for (const body of [request, { id: 'nonsense' }]) {
            const err = await app.rpc.call(method, body, trackerHeaders(caller)).then(
              () => undefined,
              (e: unknown) => e,
            );
            expect({ caller, verdict: grpcVerdict(err, role) }).toEqual({ caller, verdict: expected });
          }
        }
      }
      for (const fn of Object.values(service)) expect(fn).not.toHaveBeenCalled();
      const allowed = TRACKER_CALLERS.filter((c) => trackerVerdict(c, role) === 'allowed');
      for (const caller of allowed) await app.rpc.call(method, request, trackerHeaders(caller));
      // Each allowed call reached the service exactly once (a refused one would have thrown).
      expect(Object.values(service).reduce((calls, fn) => calls + fn.mock.calls.length, 0)).toBe(allowed.length);
    },
  );
});
