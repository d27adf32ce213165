import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { DEFAULT_INPUT_BOUNDS, InputBounds } from '../validation/input-bounds';

/** The Fastify route-config key @SignedBody sets; the JSON parser and the bounds hook read it from the matched route. */
export const SIGNED_BODY_CONFIG = 'trackerSignedBody';

export interface SignedBodyConfig {
  /** The structural caps this route's body is checked against (instead of DEFAULT_INPUT_BOUNDS). */
  bounds: InputBounds;
}

/**
 * What a @SignedBody route's handler receives: the exact bytes as they arrived (what a sender's HMAC covers),
 * and either the parsed JSON or why it could not be parsed. The parse error is held back instead of answered at
 * once so that the handler checks the signature first: an unsigned or tampered body is a 401 whatever its
 * bytes, and only a correctly signed body can earn a 400 about its content.
 */
export interface SignedBody {
  raw?: Buffer;
  parsed?: unknown;
  error?: Error;
}

interface SignedBodyRequest {
  trackerSignedBody?: SignedBody;
}

/**
 * Marks a handler whose body is authenticated by a signature over its raw bytes (a GitHub webhook). The matched
 * route carries the marker (Fastify route config), so which requests keep their raw bytes is decided by the
 * handler, never by the URL text. `bounds` replaces the default structural caps for this route only (a real
 * GitHub payload has objects of about 100 fields).
 */
export function SignedBodyRoute(bounds: InputBounds = DEFAULT_INPUT_BOUNDS): MethodDecorator {
  const config: SignedBodyConfig = { bounds };
  return RouteConfig({ [SIGNED_BODY_CONFIG]: config });
}

/** The @SignedBodyRoute marker of the request's matched route, if any. */
export function signedBodyConfig(req: Pick<FastifyRequest, 'routeOptions'>): SignedBodyConfig | undefined {
  const config = req.routeOptions?.config as unknown as Record<string, unknown> | undefined;
  const value = config?.[SIGNED_BODY_CONFIG];
  return value && typeof value === 'object' ? (value as SignedBodyConfig) : undefined;
}

/** Records what the parser (or the bounds hook) found for a @SignedBodyRoute request. */
export function holdSignedBody(req: object, body: SignedBody): void {
  const r = req as SignedBodyRequest;
  r.trackerSignedBody = { ...r.trackerSignedBody, ...body };
}

export function heldSignedBody(req: object): SignedBody {
  return (req as SignedBodyRequest).trackerSignedBody ?? {};
}

/** The handler parameter: the raw bytes and the held-back parse outcome of a @SignedBodyRoute request. */
export const SignedRequestBody = createParamDecorator((_data: unknown, context: ExecutionContext): SignedBody =>
  heldSignedBody(context.switchToHttp().getRequest<object>()),
);

/** The route-config key @CalendarBodyRoute sets: the route takes a text/calendar body (up to CALENDAR_BODY_LIMIT_BYTES). */
export const CALENDAR_BODY_CONFIG = 'trackerCalendarBody';
/** The largest text/calendar body a @CalendarBodyRoute takes (a bigger one is a 413). */
export const CALENDAR_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/** Marks the handler that reads a text/calendar body (the freezes import): only its route parses that media type. */
export function CalendarBodyRoute(): MethodDecorator {
  return RouteConfig({ [CALENDAR_BODY_CONFIG]: true });
}

export function isCalendarBodyRoute(req: Pick<FastifyRequest, 'routeOptions'>): boolean {
  const config = req.routeOptions?.config as unknown as Record<string, unknown> | undefined;
  return config?.[CALENDAR_BODY_CONFIG] === true;
}

/** The request's body was sent as text/calendar (what the text/calendar parser read), whatever parameters follow. */
export function isCalendarBody(req: Pick<FastifyRequest, 'headers'>): boolean {
  return /^\s*text\/calendar\s*(;|$)/i.test(req.headers['content-type'] ?? '');
}
