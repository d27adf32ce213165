import { HttpException } from '@nestjs/common';
import { isDuplicateKey, isStoreUnavailableError } from '../database/store-errors';
import { DomainError, ErrorKind, StoreUnavailableError } from './domain-errors';

const HTTP_KIND: Record<number, ErrorKind> = {
  400: 'invalid-input',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
  503: 'unavailable',
};

/**
 * Turns anything thrown into a DomainError, or undefined for a genuine bug (the filter answers 500 and logs
 * it). Framework errors (Fastify body parsing, Nest routing) and store outages are classified here once.
 */
export function classifyError(err: unknown): DomainError | undefined {
  if (err instanceof DomainError) return err;
  if (err instanceof HttpException) {
    const status = err.getStatus();
    // Nest turns Fastify's JSON SyntaxError into a 400 HttpException; keep it recognisable.
    if (status === 400 && /not valid JSON|Unexpected (token|end of JSON)|in JSON at position/i.test(err.message)) {
      return new DomainError('malformed-json', `Request body is not valid JSON: ${err.message}`);
    }
    const kind = HTTP_KIND[status];
    if (!kind) return status < 500 ? new DomainError('invalid-input', err.message) : undefined;
    const response = err.getResponse();
    const message =
      status === 404 && /^Cannot /.test(err.message)
        ? `No route for ${err.message.replace(/^Cannot /, '')}`
        : typeof response === 'object' && response && 'message' in response
          ? ([] as unknown[]).concat(response.message).join('; ')
          : err.message;
    const retryAfter = (err as { retryAfterSeconds?: number }).retryAfterSeconds;
    return new DomainError(kind, message, retryAfter ? { retryAfterSeconds: retryAfter } : {});
  }
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  const statusCode = (err as { statusCode?: unknown }).statusCode;
  if (typeof code === 'string' && code.startsWith('FST_')) {
    if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError) {
      return new DomainError('malformed-json', `Request body is not valid JSON: ${err.message}`);
    }
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return new DomainError(
        'payload-too-large',
        'Request body is larger than the route accepts (1 MB; 10 MB for a text/calendar import).',
      );
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new DomainError('unsupported-media-type', err.message);
    if (typeof statusCode === 'number' && HTTP_KIND[statusCode]) return new DomainError(HTTP_KIND[statusCode], err.message);
  }
  if (err instanceof SyntaxError && statusCode === 400)
    return new DomainError('malformed-json', `Request body is not valid JSON: ${err.message}`);
  if (isDuplicateKey(err)) return new DomainError('conflict', 'A record with the same unique key already exists.');
  if (isStoreUnavailableError(err)) return new StoreUnavailableError();
  if (err.name === 'CastError' || err.name === 'ValidationError' || err.name === 'BSONError') {
    return new DomainError('invalid-input', err.message);
  }
  return undefined;
}
