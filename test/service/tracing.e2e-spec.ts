import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { freshDatabaseName, testStoreUri } from '../support/app-harness';
import { grpcClient } from '../support/grpc-client';
import { eventually } from '../support/http';
import { MailSink, SlackReceiver } from '../support/notification-peers';
import { AppProcess, spawnApp, stopApp } from '../support/process-harness';

/** One span as OTLP/HTTP's JSON encoding carries it (ids in hex, kind 2 server, 3 client). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}
interface ReceivedSpan extends OtlpSpan {
  service?: string;
}
interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpSpan['attributes'] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;
/** The NATS server the live e2e suites use (test/live/live-instances.e2e-spec.ts). */
const BUS = process.env.TRACKER_TEST_EVENT_BUS_URL ?? 'nats://127.0.0.1:4222';
const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue !== undefined ? String(value.intValue) : undefined);
};

/** A local OTLP/HTTP receiver: keeps every span posted to /v1/traces. */
async function otlpReceiver(): Promise<{ server: Server; url: string; spans: ReceivedSpan[] }> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportRequest;
        for (const resource of body.resourceSpans ?? []) {
          const service = resource.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue;
          for (const scope of resource.scopeSpans ?? []) for (const span of scope.spans ?? []) spans.push({ ...span, service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans };
}

/** Whether `span` descends from `ancestor` (same trace, through parentSpanId links). */
function descendsFrom(span: OtlpSpan, ancestor: OtlpSpan, all: OtlpSpan[]): boolean {
  let current: OtlpSpan | undefined = span;
  while (current?.parentSpanId) {
    if (current.parentSpanId === ancestor.spanId) return true;
    const parentId: string = current.parentSpanId;
    current = all.find((s) => s.spanId === parentId && s.traceId === span.traceId);
  }
  return false;
}

describe('OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT): span trees of a REST create and a gRPC call', () => {
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  let app: AppProcess;
  let logFile: string;
  let slack: SlackReceiver;
  let mail: MailSink;

  beforeAll(async () => {
    receiver = await otlpReceiver();
    [slack, mail] = await Promise.all([SlackReceiver.start(), MailSink.start()]);
    logFile = join(mkdtempSync(join(tmpdir(), 'tracker-tracing-')), 'service.log');
    app = await spawnApp(
      {
        MONGODB_URI: testStoreUri(freshDatabaseName('otel')),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'tracker-e2e',
        LOG_LEVEL: 'debug',
        EVENT_BUS_URL: BUS,
        SLACK_WEBHOOK_URL: slack.url,
        SMTP_URL: mail.url,
        EMAIL_FROM: 'tracker@example.com',
        EMAIL_TO: 'ops@example.com',
        NOTIFY_POLL_MS: '50',
      },
      logFile,
    );
  });
  afterAll(async () => {
    if (app) await stopApp(app);
    await new Promise((resolve) => receiver?.server.close(resolve));
    await Promise.all([slack?.close(), mail?.close()]);
  });

  let createdId: string;

  it('a REST create: the HTTP server span, and the MongoDB spans of that request beneath it', async () => {
    const res = await fetch(`${app.http}/api/v1alpha1/event`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Traced deploy',
        attributes: { type: 1, service: 'otel', environment: 7, notification: true, notifications: ['slack', 'email'] },
      }),
    });
    expect(res.status).toBe(200);
    createdId = ((await res.json()) as { id: string }).id;

    const { server, stores } = await eventually<{ server: ReceivedSpan; stores: ReceivedSpan[] }>(async () => {
      const all = receiver.spans;
      const server = all.find(
        (s) => s.kind === SERVER && attribute(s, 'http.request.method') === 'POST' && attribute(s, 'url.path') === '/api/v1alpha1/event',
      );
      const stores = server
        ? all.filter((s) => s.kind === CLIENT && attribute(s, 'db.system.name') === 'mongodb' && descendsFrom(s, server, all))
        : [];
      return server && stores.length > 0 && { server, stores };
    }, 20000).catch((err: Error) => {
      throw new Error(
        `${err.message}; spans received: ${JSON.stringify(receiver.spans.map((s) => [s.name, s.kind, s.parentSpanId, s.spanId]))}`,
      );
    });
    expect(server.service).toBe('tracker-e2e');
    expect(server.parentSpanId ?? '').toBe('');
    // The event's own insert is among them (semantic conventions 1.3x: "<operation> <collection>").
    expect(stores.map((s) => s.name)).toContain('insert tracker_events');
    expect(attribute(server, 'http.response.status_code')).toBe('200');

    // The request's log lines carry its trace id.
    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { trace_id?: string; req?: { url?: string } });
    expect(lines.some((l) => l.trace_id === server.traceId)).toBe(true);
  });

  it('a gRPC call: the gRPC server span, and the MongoDB read beneath it', async () => {
    const client = grpcClient(app.grpc, join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto'), 'tracker.event.v1alpha1.EventService');
    try {
      expect(await client.call('GetEvent', { id: createdId })).toMatchObject({ id: createdId });
    } finally {
      client.close();
    }
    const { server, reads } = await eventually<{ server: ReceivedSpan; reads: ReceivedSpan[] }>(async () => {
      const all = receiver.spans;
      const server = all.find((s) => s.kind === SERVER && s.name.endsWith('tracker.event.v1alpha1.EventService/GetEvent'));
      const reads = server
        ? all.filter((s) => s.kind === CLIENT && attribute(s, 'db.operation.name') === 'find' && descendsFrom(s, server, all))
        : [];
      return server && reads.length > 0 && { server, reads };
    }, 20000).catch((err: Error) => {
      throw new Error(
        `${err.message}; spans received: ${JSON.stringify(receiver.spans.map((s) => [s.name, s.kind, s.parentSpanId, s.spanId]))}`,
      );
    });
    expect(attribute(server, 'rpc.system') ?? attribute(server, 'rpc.system.name')).toBe('grpc');
    expect(reads.length).toBeGreaterThan(0);
  });

  it("a problem's correlationID is its request's trace id (written as a UUID)", async () => {
    const res = await fetch(`${app.http}/api/v1alpha1/event/not-an-id`);
    expect(res.status).toBe(400);
    const { correlationID } = (await res.json()) as { correlationID?: string };
    expect(correlationID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const server = await eventually(
      async () => receiver.spans.find((s) => s.kind === SERVER && attribute(s, 'url.path') === '/api/v1alpha1/event/not-an-id'),
      20000,
    );
    expect(server.traceId).toBe(correlationID!.replace(/-/g, ''));
  });

  it('NATS: the create publishes in a producer span beneath it; the bus delivery is a consumer span of that producer', async () => {
    const { producer, consumer } = await eventually(async () => {
      const all = receiver.spans;
      const server = all.find(
        (s) => s.kind === SERVER && attribute(s, 'url.path') === '/api/v1alpha1/event' && attribute(s, 'http.request.method') === 'POST',
      );
      const producer =
        server && all.find((s) => s.kind === PRODUCER && attribute(s, 'messaging.system') === 'nats' && descendsFrom(s, server, all));
      const consumer = producer && all.find((s) => s.kind === CONSUMER && s.parentSpanId === producer.spanId);
      return producer && consumer && { producer, consumer };
    }, 20000);
    expect(producer.name).toMatch(/^send tracker\.live\.v1\./);
    expect(consumer.name).toBe(producer.name.replace(/^send/, 'process'));
  });

  it('deliveries: the Slack post is a fetch client span, the email an SMTP client span', async () => {
    const spans = await eventually(async () => {
      const all = receiver.spans;
      const smtp = all.find((s) => s.kind === CLIENT && s.name === 'smtp send');
      const post = all.find((s) => s.kind === CLIENT && (attribute(s, 'url.full') ?? '').startsWith(slack.url));
      return smtp && post && { smtp, post };
    }, 20000);
    expect(attribute(spans.post, 'http.request.method')).toBe('POST');
    expect(attribute(spans.smtp, 'network.protocol.name')).toBe('smtp');
  });

  it('probes and scrapes are not traced', async () => {
    await fetch(`${app.http}/health/ready`).then((r) => r.arrayBuffer());
    await fetch(`${app.http}/metrics`).then((r) => r.arrayBuffer());
    expect(receiver.spans.filter((s) => s.kind === SERVER && /^\/(health|metrics)/.test(attribute(s, 'url.path') ?? ''))).toEqual([]);
  });
});
