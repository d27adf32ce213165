import { status } from '@grpc/grpc-js';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../src/platform/repo-root';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectAstraValid } from '../support/astra-schema';
import { createEvent, eventsUrl } from '../support/astra-events';
import { bearer, mintToken } from '../support/auth';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';
import { astraMessageAsRest } from '../support/astra-grpc';

const PROTO = join(PROTO_ROOT, 'astra/core/v1/event.proto');
// Async: the server runs in this process, a blocking child would starve it.
const run = promisify(execFile);

const asRest = astraMessageAsRest;

const newEvent = (overrides: Record<string, unknown> = {}) => ({
  name: 'astra.app.discovery.failed',
  summary: 'Application Discovery Failed',
  source: 'composite-compute',
  resourceId: randomUUID(),
  resourceType: 'application/astra-app',
  severity: 'critical',
  class: 'system',
  description: 'Discovery failed for mysql.',
  ...overrides,
});

describe('activity log gRPC: astra.core.v1.EventService', () => {
  let app: TestApp;
  let client: UnaryClient;
  const account = randomUUID();
  const auth = (role: 'viewer' | 'member' | 'admin' | 'owner', user?: string) => ({
    authorization: `Bearer ${mintToken({ [account]: role }, { user })}`,
  });

  beforeAll(async () => {
    app = await startTestApp();
    client = grpcClient(app.grpc, PROTO, 'astra.core.v1.EventService');
  });
  afterAll(async () => {
    client?.close();
    await app?.close();
  });

  it('creates and gets an event with the same resource as REST', async () => {
    const user = randomUUID();
    const created = await client.call<Record<string, any>>(
      'CreateEvent',
      {
        accountId: account,
        event: newEvent({ destinations: ['banner'], data: { ttl: 0, isAcknowledgeable: 'false' }, visibility: ['member'] }),
      },
      auth('admin', user),
    );
    expectAstraValid('event_1.4_get_response_body', asRest(created));
    expect(asRest(created)).toMatchObject({
      type: 'application/astra-event',
      version: '1.4',
      accountID: account,
      destinations: ['banner'],
      visibility: ['member'],
      data: { ttl: 0, isAcknowledgeable: 'false' },
    });
    expect(created.metadata.createdBy).toBe(user);

    // visibility ['member']: members and above read it, a viewer gets NOT_FOUND.
    await expectGrpcError(client.call('GetEvent', { accountId: account, eventId: created.id }, auth('viewer')), status.NOT_FOUND);
    const got = await client.call<Record<string, any>>('GetEvent', { accountId: account, eventId: created.id }, auth('member'));
    expect(asRest(got)).toEqual(asRest(created));
    const rest = await http('GET', `${eventsUrl(app.http, account)}/${created.id}`, { headers: bearer(account, 'owner') });
    expect(asRest(got)).toEqual(rest.body);
  });

  it('lists with the REST parameters: filter, order_by, limit, skip, count, continue, include', async () => {
    const corr = randomUUID();
    for (let i = 0; i < 5; i++) await createEvent(app.http, account, { correlationID: corr, summary: `Step ${i} done` });
    const base = { accountId: account, filter: [`correlationID eq '${corr}'`], orderBy: 'sequenceCount' };
    const first = await client.call<Record<string, any>>('ListEvents', { ...base, limit: 2, count: true }, auth('viewer'));
    expect(first.type).toBe('application/astra-events');
    expect(first.items.map((e: { summary: string }) => e.summary)).toEqual(['Step 0 done', 'Step 1 done']);
    expect(first.metadata.count).toBe(5);
    expect(first.metadata.continue).toEqual(expect.any(String));
    first.items.forEach((e: Record<string, unknown>) => expectAstraValid('event_1.4_get_response_body', asRest(e)));

    const second = await client.call<Record<string, any>>(
      'ListEvents',
      { ...base, limit: 2, continue: first.metadata.continue },
      auth('viewer'),
    );
    expect(second.items.map((e: { summary: string }) => e.summary)).toEqual(['Step 2 done', 'Step 3 done']);

    const skipped = await client.call<Record<string, any>>('ListEvents', { ...base, skip: 4 }, auth('viewer'));
    expect(skipped.items.map((e: { summary: string }) => e.summary)).toEqual(['Step 4 done']);

    const rows = await client.call<Record<string, any>>(
      'ListEvents',
      { ...base, include: 'summary,sequenceCount', limit: 3 },
      auth('viewer'),
    );
    expect(rows.items ?? []).toEqual([]);
    const parsed = rows.rows.map((r: string) => JSON.parse(r));
    expect(parsed.map((r: unknown[]) => r[0])).toEqual(['Step 0 done', 'Step 1 done', 'Step 2 done']);
    expectAstraValid('event_1.4_list_response_body', { items: parsed, metadata: {} });

    const rest = await http(
      'GET',
      `${eventsUrl(app.http, account)}?filter=correlationID eq '${corr}'&orderBy=sequenceCount&include=summary,sequenceCount&limit=3`,
      {
        headers: bearer(account, 'viewer'),
      },
    );
    expect(rest.body.items).toEqual(parsed);
  });

  it('answers NOT_FOUND for an unknown or invisible event', async () => {
    await expectGrpcError(client.call('GetEvent', { accountId: account, eventId: randomUUID() }, auth('owner')), status.NOT_FOUND);
    const hidden = await client.call<{ id: string }>(
      'CreateEvent',
      { accountId: account, event: newEvent({ visibility: ['owner'] }) },
      auth('owner'),
    );
    await expectGrpcError(client.call('GetEvent', { accountId: account, eventId: hidden.id }, auth('admin')), status.NOT_FOUND);
    expect((await client.call<{ id: string }>('GetEvent', { accountId: account, eventId: hidden.id }, auth('owner'))).id).toBe(hidden.id);
  });

  it('answers INVALID_ARGUMENT naming the list parameter or the id', async () => {
    const query = await expectGrpcError(
      client.call('ListEvents', { accountId: account, filter: ["nope eq 'x'"] }, auth('owner')),
      status.INVALID_ARGUMENT,
    );
    expect(query.details).toMatch(/filter/);
    await expectGrpcError(client.call('ListEvents', { accountId: account, limit: 0 }, auth('owner')), status.INVALID_ARGUMENT);
    await expectGrpcError(client.call('GetEvent', { accountId: account, eventId: 'nope' }, auth('owner')), status.INVALID_ARGUMENT);
  });

  it('describes and calls astra.core.v1.EventService through reflection (grpcurl, without proto files)', async () => {
    const grpcurl = join(REPO_ROOT, '.bin', 'grpcurl');
    const listed = await run(grpcurl, ['-plaintext', app.grpc, 'list']);
    expect(listed.stdout).toContain('astra.core.v1.EventService');
    const account = randomUUID();
    const created = await run(grpcurl, [
      '-plaintext',
      '-H',
      `authorization: Bearer ${mintToken({ [account]: 'owner' })}`,
      '-d',
      JSON.stringify({ account_id: account, event: { ...newEvent(), resource_id: randomUUID(), resourceId: undefined } }),
      app.grpc,
      'astra.core.v1.EventService/CreateEvent',
    ]);
    expect(JSON.parse(created.stdout)).toMatchObject({ type: 'application/astra-event', account_id: account, sequence_count: '1' });
  });
});
