import * as grpc from '@grpc/grpc-js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/platform/repo-root';
import { startTestApp, TestApp } from '../support/app-harness';
import { grpcClient } from '../support/grpc-client';
import { http } from '../support/http';

const GRPCURL = join(REPO_ROOT, '.bin', 'grpcurl');
// Async: the server under test runs in this process, so a blocking call would starve it.
const run = promisify(execFile);

describe('foundation: the hybrid app on the real store', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers liveness and readiness', async () => {
    expect((await http('GET', `${app.http}/health/live`)).status).toBe(200);
    const ready = await http('GET', `${app.http}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body.details.store.status).toBe('up');
  });

  it('answers malformed JSON with 400 problem+json', async () => {
    const res = await http('POST', `${app.http}/health/live`, { raw: '{"title": ', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'urn:tracker:problems:malformed-json', status: '400', title: 'Invalid JSON payload' });
    expect(res.body.correlationID).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const res = await http('GET', `${app.http}/api/no/such/route`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: '404', detail: 'No route for GET /api/no/such/route' });
  });

  it('answers a body over 1 MB with 413 problem+json', async () => {
    const raw = JSON.stringify({ title: 'x'.repeat(1024 * 1024 + 10) });
    const res = await http('POST', `${app.http}/health/live`, { raw, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ type: 'urn:tracker:problems:payload-too-large', status: '413' });
  });

  it('echoes a caller-supplied UUID request id as the problem correlationID', async () => {
    const id = '3c603442-cfca-4af9-9f1b-40dde5c7a806';
    const res = await http('GET', `${app.http}/api/nope`, { headers: { 'x-request-id': id } });
    expect(res.body.correlationID).toBe(id);
  });

  it('serves Swagger UI, the OpenAPI document and Prometheus metrics', async () => {
    expect((await http('GET', `${app.http}/docs`)).status).toBe(200);
    const doc = await http('GET', `${app.http}/docs-json`);
    expect(doc.body.openapi).toMatch(/^3\./);
    // One schema per body: two DTO classes with one name would silently overwrite each other.
    expect(Object.keys(doc.body.components.schemas)).toEqual(expect.arrayContaining(['CreateEventDto', 'CreateActivityEventDto']));
    const metrics = await http('GET', `${app.http}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('tracker_http_request_duration_seconds');
    expect(metrics.text).toContain('process_cpu_user_seconds_total');
  });

  it('serves grpc.health.v1 as SERVING once the store answers', async () => {
    const health = grpcClient(app.grpc, join(REPO_ROOT, 'proto/grpc/health/v1/health.proto'), 'grpc.health.v1.Health');
    try {
      const res = await health.call<{ status: string }>('Check', { service: '' });
      expect(res.status).toBe('SERVING');
    } finally {
      health.close();
    }
  });

  it('answers an unknown gRPC method with UNIMPLEMENTED', async () => {
    const client = new grpc.Client(app.grpc, grpc.credentials.createInsecure());
    const code = await new Promise<number>((resolve) =>
      client.makeUnaryRequest(
        '/tracker.system.v1.SystemService/Nope',
        (x: Buffer) => x,
        (x: Buffer) => x,
        Buffer.alloc(0),
        (err) => resolve(err?.code ?? 0),
      ),
    );
    client.close();
    expect(code).toBe(grpc.status.UNIMPLEMENTED);
  });

  it('lists services through server reflection (grpcurl, no proto files)', async () => {
    const { stdout: out } = await run(GRPCURL, ['-plaintext', app.grpc, 'list']);
    expect(out.split('\n')).toEqual(expect.arrayContaining(['grpc.health.v1.Health', 'tracker.system.v1.SystemService']));
    const { stdout: health } = await run(GRPCURL, ['-plaintext', app.grpc, 'grpc.health.v1.Health/Check']);
    expect(JSON.parse(health)).toEqual({ status: 'SERVING' });
  });
});
