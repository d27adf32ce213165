import { JwtService } from '@nestjs/jwt';
import { UnauthenticatedError } from '../errors/domain-errors';
import { isAstraIdentifier, NIL_UUID } from './identifiers';
import { isRole, Principal, Role } from './roles';

/** One stateless signer/verifier; the secret is passed per call so several app instances can share it. */
const jwt = new JwtService({});
const BEARER = /^Bearer[ \t]+(\S*)[ \t]*$/i;

/**
 * Reads `Authorization: Bearer <JWT>` (HTTP header or gRPC `authorization` metadata) into a Principal.
 * - No header, an empty one, another scheme or `Bearer` with nothing after it: UnauthenticatedError(true)
 *   (problems/3, "missing bearer token").
 * - Anything else that is not an HS256 JWT signed with `secret`, unexpired (`exp`, when present; Astra tokens
 *   never expire, so `exp` is optional), active (`nbf`), with `sub` an Astra identifier and `accounts` an object
 *   of Astra identifier -> role: UnauthenticatedError(false) (problems/4). So is every token when no secret is
 *   configured (AUTH_JWT_SECRET unset): the Astra routes then refuse everyone instead of stopping the app.
 */
export function verifyAuthorization(header: unknown, secret: string | undefined): Principal {
  const value: unknown = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || value.trim() === '') throw new UnauthenticatedError(true);
  const match = BEARER.exec(value.trim());
  if (!match || match[1] === '') throw new UnauthenticatedError(true);
  if (!secret) throw new UnauthenticatedError(false, 'Bearer tokens cannot be verified: AUTH_JWT_SECRET is not configured.');
  let verified: { header?: { crit?: unknown }; payload?: unknown };
  try {
    verified = jwt.verify(match[1], { secret, algorithms: ['HS256'], complete: true });
  } catch (err) {
    const reason = (err as Error).name === 'TokenExpiredError' ? 'The bearer token has expired.' : 'The bearer token is invalid.';
    throw new UnauthenticatedError(false, reason);
  }
  // RFC 7515 4.1.11: a recipient that does not understand an extension listed in `crit` must refuse the token;
  // we understand none.
  if (verified.header?.crit !== undefined)
    throw new UnauthenticatedError(false, 'The bearer token names critical header extensions this service does not support.');
  return principalFromClaims(verified.payload);
}

export function principalFromClaims(claims: unknown): Principal {
  const bad = (what: string) => new UnauthenticatedError(false, `The bearer token's claims are malformed: ${what}.`);
  if (typeof claims !== 'object' || claims === null) throw bad('not an object');
  const { sub, accounts, iat } = claims as { sub?: unknown; accounts?: unknown; iat?: unknown };
  if (!isAstraIdentifier(sub)) throw bad('sub must be a lowercase UUID');
  // The nil UUID is the id Astra reserves for the system itself; no caller may act as it.
  if (sub === NIL_UUID) throw bad('sub must not be the nil UUID (reserved for the system)');
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) throw bad('iat must be a number of seconds');
  if (typeof accounts !== 'object' || accounts === null || Array.isArray(accounts)) throw bad('accounts must be an object');
  const roles: Record<string, Role> = {};
  for (const [accountId, role] of Object.entries(accounts)) {
    if (!isAstraIdentifier(accountId)) throw bad(`account id '${String(accountId)}' is not a lowercase UUID`);
    if (!isRole(role)) throw bad(`role of account ${accountId} must be viewer, member, admin or owner`);
    roles[accountId] = role;
  }
  return { userId: sub, accounts: Object.freeze(roles) };
}

/** Signs a token the way the service expects (dev tokens, tests). `expiresInSeconds` omitted = no `exp`. */
export function signToken(principal: Principal, secret: string, options: { expiresInSeconds?: number } = {}): string {
  const payload = { sub: principal.userId, accounts: { ...principal.accounts } };
  return jwt.sign(payload, {
    secret,
    algorithm: 'HS256',
    ...(options.expiresInSeconds !== undefined ? { expiresIn: options.expiresInSeconds } : {}),
  });
}

/**
 * When a bearer token stops being valid (its `exp`, epoch ms), or undefined when it never expires. For callers
 * that already verified the header (a stream that must end when its token expires); reads only `exp`.
 */
export function bearerTokenExpiry(header: unknown): number | undefined {
  const value: unknown = Array.isArray(header) ? header[0] : header;
  const match = typeof value === 'string' ? BEARER.exec(value.trim()) : null;
  if (!match) return undefined;
  const payload: unknown = jwt.decode(match[1]);
  const exp = payload && typeof payload === 'object' ? (payload as { exp?: unknown }).exp : undefined;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}
