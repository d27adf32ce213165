import { context, propagation, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/** Spans for the calls no instrumentation package covers (NATS, SMTP); no-ops while tracing is off. */
const tracer = () => trace.getTracer('tracker');

/**
 * Runs `fn` inside a new span of `kind`, ended when its promise settles; a rejection marks the span as an error
 * and is passed on.
 */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  attributes: Record<string, string>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The W3C trace context headers of the active span (`traceparent`, ...), empty when not traced. */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Runs `fn` in a CONSUMER span whose parent is the context `headers` carry (a message's producer). */
export function consumeInSpan(
  name: string,
  attributes: Record<string, string>,
  headers: (key: string) => string | undefined,
  fn: () => void,
): void {
  const parent = propagation.extract(context.active(), undefined, {
    keys: () => ['traceparent', 'tracestate'],
    get: (_carrier, key) => headers(key),
  });
  const span = tracer().startSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent);
  try {
    context.with(trace.setSpan(parent, span), fn);
  } finally {
    span.end();
  }
}
