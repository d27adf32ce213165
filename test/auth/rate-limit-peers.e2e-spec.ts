import { status } from '@grpc/grpc-js';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectGrpcError, grpcClient } from '../support/grpc-client';
import { http } from '../support/http';

/*
 * Anonymous callers are keyed by their address on both transports: a gRPC call over a new TCP connection (a new
 * port) is the same caller, and an IPv4 client is one caller whether REST sees it through a dual-stack listener
 * (`::ffff:127.0.0.1`) or gRPC through an IPv4 one (`127.0.0.1:<port>`).
 */
const EVENT_PROTO = join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto');

/** One gRPC call over a connection of its own, closed afterwards: each call comes from a new client port. */
async function callOverNewConnection(app: TestApp, method: string, request: object): Promise<unknown> {
  const client = grpcClient(app.grpc, EVENT_PROTO, 'tracker.event.v1alpha1.EventService', { 'grpc.use_local_subchannel_pool': 1 });
  try {
    return await client.call(method, request);
  } finally {
    client.close();
  }
}

async function outcome(call: Promise<unknown>): Promise<'ok' | 'exhausted'> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    if ((err as { code?: number }).code === status.RESOURCE_EXHAUSTED) return 'exhausted';
    throw err;
  }
}

describe('rate limit per client address, whatever the connection or transport', () => {
  let app: TestApp;
  afterEach(async () => app?.close());

  it('anonymous gRPC calls, each over a new connection, share one budget (RATE_LIMIT_PER_MINUTE=5)', async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await outcome(callOverNewConnection(app, 'ListEvents', { page: 1, per_page: 1 })));
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    const err = await expectGrpcError(
      callOverNewConnection(app, 'CreateEvent', { title: 'over budget', attributes: { message: 'm', service: 'peers', type: 1 } }),
      status.RESOURCE_EXHAUSTED,
    );
    expect(Number(err.metadata.get('retry-after')[0])).toBeGreaterThan(0);
  });

  it('20 REST calls (dual-stack listener) and gRPC calls over new connections share one budget of 30', async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '30', HTTP_HOST: '::', GRPC_HOST: '127.0.0.1' } });
    const listUrl = `${app.http}/api/v1alpha1/events/list?per_page=1`;
    const rest: number[] = [];
    for (let i = 0; i < 20; i++) rest.push((await http('GET', listUrl)).status);
    expect(rest.every((s) => s === 200)).toBe(true);
    const grpc: string[] = [];
    for (let i = 0; i < 20; i++) grpc.push(await outcome(callOverNewConnection(app, 'ListEvents', { page: 1, per_page: 1 })));
    // 10 more calls fit the budget; the 31st call and every later one is refused, on either transport
    expect(grpc).toEqual([...Array<string>(10).fill('ok'), ...Array<string>(10).fill('exhausted')]);
    const over = await http('GET', listUrl);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
