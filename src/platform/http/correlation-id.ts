import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The active trace's id written as a UUID, when tracing is on (src/platform/tracing) and the id has a UUID's
 * shape: the ids Tracker starts are random UUIDv4s (its id generator), and a caller's `traceparent` may carry
 * any other 128-bit id, which is then not used.
 */
export function traceCorrelationId(): string | undefined {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return undefined;
  const id = span.spanContext().traceId;
  const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
  return UUID.test(uuid) ? uuid : undefined;
}

/**
 * The request's correlation id: the trace id when the request is traced (so a problem's `correlationId` finds
 * its trace), else the caller's `X-Request-Id`/`X-Correlation-Id` when it is a UUID, else a new UUIDv4. Astra's
 * problem `correlationID` must be an identifier, so non-UUID ids are not echoed.
 */
export function requestIdFor(req: IncomingMessage): string {
  const traced = traceCorrelationId();
  if (traced) return traced;
  const given = req.headers['x-request-id'] ?? req.headers['x-correlation-id'];
  const value = Array.isArray(given) ? given[0] : given;
  return value && UUID.test(value) ? value.toLowerCase() : randomUUID();
}

export function correlationIdOf(request: { id?: unknown; raw?: { id?: unknown } }): string | undefined {
  const id = request.raw?.id ?? request.id;
  return typeof id === 'string' && UUID.test(id) ? id : undefined;
}

/**
 * A gRPC call's correlation id: the trace id when traced, else the caller's `x-request-id`/`x-correlation-id`
 * metadata when a UUID, else new.
 */
export function correlationIdOfMetadata(metadata: { get(key: string): unknown[] } | undefined): string {
  const traced = traceCorrelationId();
  if (traced) return traced;
  for (const key of ['x-request-id', 'x-correlation-id']) {
    const value = metadata?.get?.(key)?.[0];
    if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
  }
  return randomUUID();
}
