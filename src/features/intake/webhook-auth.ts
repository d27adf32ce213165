import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError, ForbiddenError } from '../../platform/errors/domain-errors';

/** Equal in constant time: both sides are hashed first, so neither their lengths nor their bytes leak by timing. */
export function sameSecret(given: string | Buffer, expected: string | Buffer): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The shared secret a webhook endpoint needs, or its 403 naming the variable (Tracker takes nothing unverified). */
export function configuredSecret(secret: string | undefined, variable: string, tool: string): string {
  if (!secret) throw new ForbiddenError(`${variable} is not configured: Tracker cannot verify ${tool} deliveries, so it takes none.`);
  return secret;
}

/** A token sent as is (GitLab's X-Gitlab-Token, the bearer of Argo CD's webhook), compared in constant time. */
export function verifyToken(expected: string, given: string | undefined, header: string): void {
  if (!given) throw new DomainError('invalid-signature', `${header} is missing: every delivery must carry the configured token.`);
  if (given.length > 1024 || !sameSecret(given, expected))
    throw new DomainError('invalid-signature', `${header} does not match the configured token.`);
}

/** The Authorization header's bearer token (RFC 6750), or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  return match?.[1];
}

/**
 * `sha256=<hex HMAC-SHA256 of the raw body>` (Flux's generic-hmac Provider, X-Signature) over the exact bytes
 * received, compared in constant time, before anything reads the body.
 */
export function verifyHmacSha256(secret: string, raw: Buffer | undefined, signature: string | undefined, header: string): void {
  if (!signature) throw new DomainError('invalid-signature', `${header} is missing: every delivery must be signed.`);
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(signature);
  if (!match) throw new DomainError('invalid-signature', `${header} must be sha256= and 64 hex digits.`);
  if (!raw || raw.length === 0)
    throw new DomainError('invalid-signature', `${header} cannot be checked: send the body as application/json.`);
  const expected = createHmac('sha256', secret).update(raw).digest();
  if (!timingSafeEqual(expected, Buffer.from(match[1], 'hex')))
    throw new DomainError('invalid-signature', `${header} does not match the body.`);
}
