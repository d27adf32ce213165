import * as protoLoader from '@grpc/proto-loader';
import { join } from 'node:path';
import { AstraGrpcRequestPipe } from '../../../astra/grpc-request.pipe';
import { InvalidInputError } from '../../../platform/errors/domain-errors';
import { createValidationPipe } from '../../../platform/validation/validation';
import { PROTO_LOADER_OPTIONS, PROTO_ROOT } from '../../../platform/grpc/grpc.options';
import { CreateActivityEventDto } from './create-event.dto';
import { CreateEventRequestDto } from './grpc-requests.dto';

/** What a CreateEvent handler receives: the request through the wire and the loader, as the server decodes it. */
function decoded(request: object): unknown {
  const definition = protoLoader.loadSync(join(PROTO_ROOT, 'astra/core/v1/event.proto'), PROTO_LOADER_OPTIONS);
  const method = (definition['astra.core.v1.EventService'] as protoLoader.ServiceDefinition).CreateEvent;
  return method.requestDeserialize(method.requestSerialize(request));
}

/** The global pipes in GLOBAL_ENHANCERS order. */
async function throughGlobalPipes(value: unknown, metatype: new () => unknown): Promise<unknown> {
  const meta = { type: 'body' as const, metatype };
  return createValidationPipe().transform(new AstraGrpcRequestPipe().transform(value, meta), meta);
}

const account = '4f3a1d9e-8b0c-4e2a-9f5d-1c2b3a4d5e6f';
const event = {
  name: 'astra.app.discovery.failed',
  summary: 'Application Discovery Failed',
  source: 'composite-compute',
  resourceId: 'f670bf11-8850-44bd-b330-815af6186a06',
  resourceType: 'application/astra-app',
  severity: 'critical',
  class: 'system',
  description: 'Discovery failed for mysql.',
};

describe('Astra gRPC requests through the global pipes', () => {
  it('maps the decoded message (proto names, synthetic oneof keys) onto the REST DTO', async () => {
    const message = decoded({ accountId: account, event: { ...event, descriptionUrl: 'https://x.example', data: { ttl: 60 } } });
    expect(message).toMatchObject({ event: { _descriptionUrl: 'descriptionUrl', data: { _ttl: 'ttl' } } }); // what the loader adds
    const request = (await throughGlobalPipes(message, CreateEventRequestDto)) as CreateEventRequestDto;
    expect(request).toBeInstanceOf(CreateEventRequestDto);
    expect(request.accountId).toBe(account);
    expect(request.event).toBeInstanceOf(CreateActivityEventDto);
    expect(request.event).toMatchObject({ resourceID: event.resourceId, descriptionURL: 'https://x.example', data: { ttl: 60 } });
  });

  it('names rejected fields in REST spelling under the message path', async () => {
    const message = decoded({ accountId: account, event: { ...event, resourceId: undefined, severity: 'major', data: { ttl: -5 } } });
    const err = await throughGlobalPipes(message, CreateEventRequestDto).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).extra.invalidFields?.map((f) => f.name)).toEqual([
      'event.resourceID',
      'event.severity',
      'event.data.ttl',
    ]);
  });

  it('rejects a request without an event, naming it', async () => {
    const err = await throughGlobalPipes(decoded({ accountId: account }), CreateEventRequestDto).catch((e: unknown) => e);
    expect((err as InvalidInputError).extra.invalidFields?.map((f) => f.name)).toContain('event');
  });

  it('leaves other classes alone: a REST body in proto spelling stays unknown fields', async () => {
    const err = await throughGlobalPipes({ ...event }, CreateActivityEventDto).catch((e: unknown) => e);
    expect((err as InvalidInputError).extra.invalidFields).toContainEqual({ name: 'resourceId', reason: 'is not a known field' });
  });
});
