import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The request's correlation id: the caller's `X-Request-Id`/`X-Correlation-Id` when it is a UUID, else a new
 * UUIDv4. Astra's problem `correlationID` must be an identifier, so non-UUID ids are not echoed.
 */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'] ?? req.headers['x-correlation-id'];
  const value = Array.isArray(given) ? given[0] : given;
  return value && UUID.test(value) ? value.toLowerCase() : randomUUID();
}

export function correlationIdOf(request: { id?: unknown; raw?: { id?: unknown } }): string | undefined {
  const id = request.raw?.id ?? request.id;
  return typeof id === 'string' && UUID.test(id) ? id : undefined;
}

/** A gRPC call's correlation id: the caller's `x-request-id`/`x-correlation-id` metadata when a UUID, else new. */
export function correlationIdOfMetadata(metadata: { get(key: string): unknown[] } | undefined): string {
  for (const key of ['x-request-id', 'x-correlation-id']) {
    const value = metadata?.get?.(key)?.[0];
    if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
  }
  return randomUUID();
}
