import { FastifyAdapter } from '@nestjs/platform-fastify';
import { InvalidInputError } from '../errors/domain-errors';
import { scanJsonBounds } from './json-bounds';

/**
 * Nest's Fastify adapter with one change: the application/json parser first scans the raw text against the
 * structural input bounds (json-bounds.ts) and refuses a hostile body before JSON.parse builds it, as a 400
 * naming the field (problem+json through the global filter, like malformed JSON). Otherwise it parses exactly
 * as Nest does (Fastify's secure-json-parse, prototype poisoning refused); the urlencoded parser is Nest's.
 */
export class BoundedFastifyAdapter extends FastifyAdapter {
  override registerParserMiddleware(prefix?: string, rawBody?: boolean): void {
    super.registerParserMiddleware(prefix, rawBody);
    const fastify = this.getInstance();
    const { bodyLimit, onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
    const parse = fastify.getDefaultJsonParser(onProtoPoisoning || 'error', onConstructorPoisoning || 'error');
    if (fastify.hasContentTypeParser('application/json')) fastify.removeContentTypeParser('application/json');
    void this.useBodyParser('application/json', !!rawBody, { bodyLimit }, (req, body, done) => {
      const violation = scanJsonBounds(body);
      if (violation) return done(InvalidInputError.field(violation.name, violation.reason), undefined);
      // Nest passes the Buffer as is too: secure-json-parse reads a Buffer (the typing says string).
      void parse(req, body as unknown as string, done);
    });
  }
}
