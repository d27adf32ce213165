import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { DomainError, InvalidInputError } from '../errors/domain-errors';
import { CALENDAR_BODY_LIMIT_BYTES, holdSignedBody, isCalendarBodyRoute, signedBodyConfig } from '../http/raw-body';
import { findBoundsViolation, InputBounds } from './input-bounds';
import { scanJsonBounds } from './json-bounds';

/**
 * The JSON media types Tracker parses: JSON itself, and the CloudEvents structured and batch modes (JSON
 * documents under their own media types, read by the CloudEvents intake).
 */
export const JSON_MEDIA_TYPES = ['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json'] as const;

type Done = (err: Error | null, body?: unknown) => void;

/**
 * Nest's Fastify adapter with one change: the JSON parsers first scan the raw text against the structural
 * input bounds (json-bounds.ts) and refuse a hostile body before JSON.parse builds it, as a 400 naming the
 * field (problem+json through the global filter, like malformed JSON). Otherwise they parse exactly as Nest
 * does (Fastify's secure-json-parse, prototype poisoning refused); the urlencoded parser is Nest's.
 *
 * A route marked @SignedBodyRoute (src/platform/http/raw-body.ts) keeps its raw bytes and never fails here: its
 * bounds violation or parse error is held for the handler, which checks the body's signature first.
 */
export class BoundedFastifyAdapter extends FastifyAdapter {
  override registerParserMiddleware(prefix?: string, rawBody?: boolean): void {
    super.registerParserMiddleware(prefix, rawBody);
    const fastify = this.getInstance();
    const { bodyLimit, onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
    const parse = fastify.getDefaultJsonParser(onProtoPoisoning || 'error', onConstructorPoisoning || 'error');
    for (const type of JSON_MEDIA_TYPES) {
      if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
      void this.useBodyParser(type, !!rawBody, { bodyLimit }, (req, body, done) => {
        const signed = signedBodyConfig(req);
        if (signed) return parseSigned(req, body, signed.bounds, parse, done);
        const violation = scanJsonBounds(body);
        if (violation) return done(InvalidInputError.field(violation.name, violation.reason), undefined);
        // Nest passes the Buffer as is too: secure-json-parse reads a Buffer (the typing says string).
        void parse(req, body as unknown as string, done);
      });
    }
    // text/calendar (RFC 5545) is read by the one route marked @CalendarBodyRoute, as text, up to 10 MB.
    fastify.addContentTypeParser('text/calendar', { parseAs: 'string', bodyLimit: CALENDAR_BODY_LIMIT_BYTES }, (req, body, done) => {
      if (!isCalendarBodyRoute(req))
        return done(new DomainError('unsupported-media-type', 'text/calendar is not accepted here.'), undefined);
      done(null, body);
    });
  }
}

/**
 * A @SignedBodyRoute body: kept raw, scanned with the route's bounds, parsed and walked (string and key lengths);
 * any failure is held for the handler, not answered.
 */
function parseSigned(
  req: FastifyRequest,
  body: Buffer,
  bounds: InputBounds,
  parse: (req: FastifyRequest, body: string, done: Done) => unknown,
  done: Done,
): void {
  holdSignedBody(req, { raw: body });
  const violation = scanJsonBounds(body, bounds);
  if (violation) {
    holdSignedBody(req, { error: InvalidInputError.field(violation.name, violation.reason) });
    return done(null, undefined);
  }
  void parse(req, body as unknown as string, (err, value) => {
    if (err) {
      holdSignedBody(req, { error: err });
      return done(null, undefined);
    }
    const late = findBoundsViolation(value, bounds);
    holdSignedBody(req, late ? { error: InvalidInputError.field(late.name, late.reason) } : { parsed: value });
    // The body reaches the handler only through @SignedRequestBody (after the signature check), so the generic
    // bounds hook and pipes never see it.
    done(null, undefined);
  });
}
