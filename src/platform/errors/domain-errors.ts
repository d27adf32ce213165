/** A field or query parameter that was rejected, with the reason (Astra's invalidParams/invalidFields). */
export interface InvalidItem {
  name: string;
  reason: string;
}

export type ErrorKind =
  | 'invalid-input'
  | 'invalid-query'
  | 'unsupported-query'
  | 'malformed-json'
  | 'unauthenticated'
  | 'invalid-token'
  | 'invalid-signature'
  | 'forbidden'
  | 'not-found'
  | 'collection-not-found'
  | 'conflict'
  | 'locked'
  | 'not-lock-owner'
  | 'frozen'
  | 'method-not-allowed'
  | 'not-acceptable'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'rate-limited'
  | 'unavailable'
  | 'invalid-account-id'
  | 'invalid-resource-id'
  | 'cursor-expired';

/**
 * The one error type services throw. The error filter turns it into problem+json on HTTP and a gRPC status
 * on gRPC; nothing else decides status codes.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly extra: {
      invalidParams?: InvalidItem[];
      invalidFields?: InvalidItem[];
      retryAfterSeconds?: number;
      /** The methods the resource supports (the 405's Allow header). */
      allow?: string;
      /** Extension members of the problem body (RFC 7807 section 3.2), e.g. the `holder` of a lock. */
      members?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class InvalidInputError extends DomainError {
  constructor(message: string, invalidFields?: InvalidItem[]) {
    super('invalid-input', message, { invalidFields });
  }
  /** One rejected field, the common case: the message names it. */
  static field(name: string, reason: string): InvalidInputError {
    return new InvalidInputError(`${name}: ${reason}`, [{ name, reason }]);
  }
}

export class InvalidQueryError extends DomainError {
  constructor(invalidParams: InvalidItem[], unsupported = false) {
    super(unsupported ? 'unsupported-query' : 'invalid-query', invalidParams.map((p) => `${p.name}: ${p.reason}`).join('; '), {
      invalidParams,
    });
  }
  static param(name: string, reason: string): InvalidQueryError {
    return new InvalidQueryError([{ name, reason }]);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super('not-found', message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, invalidFields?: InvalidItem[]) {
    super('conflict', message, { invalidFields });
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'The requested operation is not permitted.') {
    super('forbidden', message);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(missing: boolean, message?: string) {
    super(missing ? 'unauthenticated' : 'invalid-token', message ?? (missing ? 'Missing bearer token.' : 'Invalid bearer token.'));
  }
}

export class MethodNotAllowedError extends DomainError {
  constructor(allow: string) {
    super('method-not-allowed', `This resource supports ${allow} only.`, { allow });
  }
}

export class StoreUnavailableError extends DomainError {
  constructor(message = 'The store is unreachable; try again shortly.', retryAfterSeconds = 5) {
    super('unavailable', message, { retryAfterSeconds });
  }
}
