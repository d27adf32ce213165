import { JwtService } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { UnauthenticatedError } from '../platform/errors/domain-errors';
import { isAstraIdentifier, NIL_UUID } from './identifiers';
import { claimAt } from './claim-path';
import { isRole, Principal, Role } from './roles';
import { trackerRoleFromClaim } from './tracker-roles';

/**
 * One HS256 verifier per secret, holding the secret as a KeyObject. Given the secret as a string, jsonwebtoken
 * first tries to read it as a PEM public key and only then makes a secret key of it, on every call: that failed
 * parse was about a fifth of the service's CPU on Astra creates. Several app instances in one process (tests)
 * may use different secrets, hence the small map.
 */
const hs256Verifiers = new Map<string, JwtService>();
function hs256Verifier(secret: string): JwtService {
  let verifier = hs256Verifiers.get(secret);
  if (!verifier) {
    if (hs256Verifiers.size >= 8) hs256Verifiers.clear();
    verifier = new JwtService({ secret: createSecretKey(Buffer.from(secret, 'utf8')) });
    hs256Verifiers.set(secret, verifier);
  }
  return verifier;
}
/** Signing (dev tokens, tests) and reading claims without verifying them. */
const jwt = new JwtService({});
const BEARER = /^Bearer[ \t]+(\S*)[ \t]*$/i;

/**
 * The token of `Authorization: Bearer <token>` (HTTP header or gRPC `authorization` metadata). No header, an
 * empty one, another scheme or `Bearer` with nothing after it: UnauthenticatedError(true) (problems/3,
 * "missing bearer token").
 */
export function bearerToken(header: unknown): string {
  const value: unknown = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || value.trim() === '') throw new UnauthenticatedError(true);
  const match = BEARER.exec(value.trim());
  if (!match || match[1] === '') throw new UnauthenticatedError(true);
  return match[1];
}

/**
 * Reads `Authorization: Bearer <JWT>` into a Principal, HS256 only (the OIDC path is BearerVerifier's).
 * - A missing token: UnauthenticatedError(true) (problems/3), see bearerToken.
 * - Anything else that is not an HS256 JWT signed with `secret`, unexpired (`exp`, when present; Astra tokens
 *   never expire, so `exp` is optional), active (`nbf`), with `sub` an Astra identifier and `accounts` an object
 *   of Astra identifier -> role: UnauthenticatedError(false) (problems/4). So is every token when no secret is
 *   configured (AUTH_JWT_SECRET unset): the Astra routes then refuse everyone instead of stopping the app.
 */
export function verifyAuthorization(header: unknown, secret: string | undefined): Principal {
  return verifyHs256(bearerToken(header), secret);
}

/** The HS256 verification of one token (see verifyAuthorization). */
export function verifyHs256(token: string, secret: string | undefined): Principal {
  return verifyHs256WithExpiry(token, secret).principal;
}

/** verifyHs256, also answering when the token expires (its `exp` in epoch ms; undefined when it has none). */
export function verifyHs256WithExpiry(
  token: string,
  secret: string | undefined,
  trackerRoleClaim?: string,
): { principal: Principal; expiresAt: number | undefined } {
  if (!secret) throw new UnauthenticatedError(false, 'Bearer tokens cannot be verified: AUTH_JWT_SECRET is not configured.');
  let verified: { header?: { crit?: unknown }; payload?: unknown };
  try {
    verified = hs256Verifier(secret).verify(token, { algorithms: ['HS256'], complete: true });
  } catch (err) {
    const reason = (err as Error).name === 'TokenExpiredError' ? 'The bearer token has expired.' : 'The bearer token is invalid.';
    throw new UnauthenticatedError(false, reason);
  }
  // RFC 7515 4.1.11: a recipient that does not understand an extension listed in `crit` must refuse the token;
  // we understand none.
  if (verified.header?.crit !== undefined)
    throw new UnauthenticatedError(false, 'The bearer token names critical header extensions this service does not support.');
  const exp = (verified.payload as { exp?: unknown } | undefined)?.exp;
  return {
    principal: principalFromClaims(verified.payload, trackerRoleClaim),
    expiresAt: typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined,
  };
}

function malformedClaims(what: string): UnauthenticatedError {
  return new UnauthenticatedError(false, `The bearer token's claims are malformed: ${what}.`);
}

/** The principal of verified HS256 claims; the tracker role is read from `trackerRoleClaim` (default `tracker_role`). */
export function principalFromClaims(claims: unknown, trackerRoleClaim = 'tracker_role'): Principal {
  const bad = malformedClaims;
  if (typeof claims !== 'object' || claims === null) throw bad('not an object');
  const trackerRole = trackerRoleFromClaim(claimAt(claims, trackerRoleClaim), trackerRoleClaim, bad);
  const { sub, accounts, iat } = claims as { sub?: unknown; accounts?: unknown; iat?: unknown };
  if (!isAstraIdentifier(sub)) throw bad('sub must be a lowercase UUID');
  // The nil UUID is the id Astra reserves for the system itself; no caller may act as it.
  if (sub === NIL_UUID) throw bad('sub must not be the nil UUID (reserved for the system)');
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) throw bad('iat must be a number of seconds');
  return { userId: sub, accounts: Object.freeze(accountRolesFrom(accounts, bad, 'accounts')), ...(trackerRole ? { trackerRole } : {}) };
}

/** The `{ accountId: role }` object of a token (`name` is the claim, for the message); throws `bad(...)` otherwise. */
export function accountRolesFrom(accounts: unknown, bad: (what: string) => Error, name: string): Record<string, Role> {
  if (typeof accounts !== 'object' || accounts === null || Array.isArray(accounts)) throw bad(`${name} must be an object`);
  const roles: Record<string, Role> = {};
  for (const [accountId, role] of Object.entries(accounts)) {
    if (!isAstraIdentifier(accountId)) throw bad(`account id '${String(accountId)}' is not a lowercase UUID`);
    if (!isRole(role)) throw bad(`role of account ${accountId} must be viewer, member, admin or owner`);
    roles[accountId] = role;
  }
  return roles;
}

/**
 * Signs a token the way the service expects (dev tokens, tests). `expiresInSeconds` omitted = no `exp`. A
 * tracker role goes into the default claim, `tracker_role`.
 */
export function signToken(principal: Principal, secret: string, options: { expiresInSeconds?: number } = {}): string {
  const payload = {
    sub: principal.userId,
    accounts: { ...principal.accounts },
    ...(principal.trackerRole ? { tracker_role: principal.trackerRole } : {}),
  };
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
