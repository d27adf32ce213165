import { trace } from '@opentelemetry/api';
import { randomBytes, randomUUID } from 'node:crypto';

/** What tracing needs from the configuration (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME). */
export interface TracingSettings {
  /** The OTLP/HTTP base URL (spans go to `<endpoint>/v1/traces`); unset: no tracing at all. */
  endpoint?: string;
  serviceName: string;
  serviceVersion: string;
}

export interface Tracing {
  /** Sends the spans still buffered and stops; called at shutdown. */
  shutdown(): Promise<void>;
}

/** The probe and scrape paths: polled every few seconds, they would drown the traces that matter. */
const UNTRACED_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Starts OpenTelemetry tracing when an OTLP endpoint is configured, else does nothing (the API's no-op tracer
 * stays in place, and the instrumentation packages are not even loaded). Must run before the modules it
 * instruments are first required (main.ts loads the app only afterwards): incoming and outgoing HTTP (node:http,
 * so Fastify's server spans), fetch (undici: Slack and webhooks out), @grpc/grpc-js (server and client) and the
 * MongoDB driver. NATS and SMTP have no instrumentation package: their spans are made where they are called
 * (src/platform/tracing/spans.ts).
 */
export function startTracing(settings: TracingSettings): Tracing | undefined {
  if (!settings.endpoint) return undefined;
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on, before the app */
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { UndiciInstrumentation } =
    require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const { GrpcInstrumentation } = require('@opentelemetry/instrumentation-grpc') as typeof import('@opentelemetry/instrumentation-grpc');
  const { MongoDBInstrumentation } =
    require('@opentelemetry/instrumentation-mongodb') as typeof import('@opentelemetry/instrumentation-mongodb');
  const { NodeTracerProvider, BatchSpanProcessor } =
    require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  /* eslint-enable @typescript-eslint/no-require-imports */

  const exporter = new OTLPTraceExporter({ url: `${settings.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName, 'service.version': settings.serviceVersion }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
    // Trace ids are random UUIDv4s (122 random bits; a valid W3C trace id), so a problem's correlationId, which
    // must be a UUID, can be the trace id itself (src/platform/http/correlation-id.ts).
    idGenerator: { generateTraceId: () => randomUUID().replace(/-/g, ''), generateSpanId: () => randomBytes(8).toString('hex') },
  });
  provider.register();
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]),
        // The exporter's own requests to the collector are not traced (they would trace themselves forever).
        ignoreOutgoingRequestHook: (req) => String(req.path ?? '').endsWith('/v1/traces'),
      }),
      new UndiciInstrumentation(),
      new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch'] }),
      new MongoDBInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  return { shutdown: () => provider.shutdown() };
}

/**
 * The active trace's ids for a log line (`trace_id`, `span_id`), or nothing when no span is recording (tracing
 * off, or outside a traced request).
 */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
