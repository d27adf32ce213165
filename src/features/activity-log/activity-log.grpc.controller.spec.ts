import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { expectAstraGrpcAuth } from '../../../test/support/astra-routes';
import { sampleEvent } from '../../../test/support/astra-events';
import { mintToken } from '../../../test/support/auth';
import { ControllerApp, startControllerApp, stubOf } from '../../../test/support/controller-app';
import { expectGrpcError } from '../../../test/support/grpc-client';
import { systemScope } from '../../auth/account-scope';
import { DomainError } from '../../platform/errors/domain-errors';
import { toAstraEvent, toRecord } from './activity-event.mapper';
import { ActivityLogGrpcController } from './activity-log.grpc.controller';
import { ActivityLogService } from './activity-log.service';

const account = randomUUID();
const user = randomUUID();
const eventId = randomUUID();

/** A create request's event in proto names. */
const newEvent = (overrides: Record<string, unknown> = {}) => {
  const { resourceID, ...rest } = sampleEvent();
  return { ...rest, resourceId: resourceID, ...overrides };
};
const storedEvent = () =>
  toAstraEvent({
    ...toRecord(sampleEvent() as never, systemScope(account), 1, new Date('2024-01-15T10:00:00Z')),
    _id: eventId,
    accountID: account,
  });

describe('ActivityLogGrpcController (astra.core.v1.EventService)', () => {
  let app: ControllerApp;
  const service = stubOf<ActivityLogService, 'list' | 'get' | 'create'>('list', 'get', 'create');
  const as = (role: 'viewer' | 'member' | 'admin' | 'owner') => ({ authorization: `Bearer ${mintToken({ [account]: role }, { user })}` });

  beforeAll(async () => {
    app = await startControllerApp({
      controllers: [ActivityLogGrpcController],
      providers: [{ provide: ActivityLogService, useValue: service }],
      grpc: { proto: 'astra/core/v1/event.proto', service: 'astra.core.v1.EventService' },
    });
  });
  afterAll(async () => app?.close());
  beforeEach(() => {
    jest.resetAllMocks();
    service.list.mockResolvedValue({ type: 'application/astra-events', version: '1.4', items: [], metadata: {} });
    service.get.mockResolvedValue(storedEvent());
    service.create.mockResolvedValue(storedEvent());
  });

  it.each([
    ['ListEvents', 'viewer', { accountId: account }],
    ['GetEvent', 'viewer', { accountId: account, eventId }],
    ['CreateEvent', 'admin', { accountId: account, event: newEvent() }],
  ] as const)('%s: the auth table, then OK from %s up', async (method, minRole, request) => {
    await expectAstraGrpcAuth((metadata) => app.rpc.call(method, request, metadata), { account, user, minRole });
  });

  it('checks auth before the body, and the account id format after the token', async () => {
    await expectGrpcError(app.rpc.call('CreateEvent', { accountId: account, event: {} }), status.UNAUTHENTICATED);
    await expectGrpcError(app.rpc.call('CreateEvent', { accountId: account, event: {} }, as('member')), status.PERMISSION_DENIED);
    await expectGrpcError(app.rpc.call('GetEvent', { accountId: 'nope', eventId }, as('owner')), status.INVALID_ARGUMENT);
    expect(service.create).not.toHaveBeenCalled();
  });

  it('answers an invalid event with INVALID_ARGUMENT naming each field (REST names), before the service', async () => {
    const bad = await expectGrpcError(
      app.rpc.call('CreateEvent', { accountId: account, event: newEvent({ severity: 'major', data: { ttl: -5 } }) }, as('owner')),
      status.INVALID_ARGUMENT,
    );
    expect(bad.details).toMatch(/severity/);
    expect(bad.details).toMatch(/data\.ttl/);
    expect(service.create).not.toHaveBeenCalled();
  });

  it('maps service errors to gRPC codes', async () => {
    service.get.mockRejectedValueOnce(new DomainError('collection-not-found', `Event ${eventId} was not found.`));
    await expectGrpcError(app.rpc.call('GetEvent', { accountId: account, eventId }, as('viewer')), status.NOT_FOUND);
    service.list.mockRejectedValueOnce(new DomainError('invalid-query', 'filter: unknown field'));
    await expectGrpcError(app.rpc.call('ListEvents', { accountId: account }, as('viewer')), status.INVALID_ARGUMENT);
  });
});
