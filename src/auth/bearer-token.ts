import { createSecretKey, KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import { UnauthenticatedError } from '../platform/errors/domain-errors';
import { isAstraIdentifier, NIL_UUID } from './identifiers';
import { claimAt } from './claim-path';
import { isRole, Principal, Role } from './roles';
import { trackerRoleFromClaim } from './tracker-roles';

/**
 * One HS256 key per secret, made once: building a KeyObject from the secret on every call was measurable on Astra
 * creates. Several app instances in one process (tests) may use different secrets, hence the small map.
 */
const hs256Keys = new Map<string, KeyObject>();
function hs256Key(secret: string): KeyObject {
  let key = hs256Keys.get(secret);
  if (!key) {
    if (hs256Keys.size >= 8) hs256Keys.clear();
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    hs256Keys.set(secret, key);
  }
  return key;
}
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
export function verifyAuthorization(header: unknown, secret: string | undefined): Promise<Principal> {
  return verifyHs256(bearerToken(header), secret);
}

/** The HS256 verification of one token (see verifyAuthorization). */
export async function verifyHs256(token: string, secret: string | undefined): Promise<Principal> {
  return (await verifyHs256WithExpiry(token, secret)).principal;
}

/**
 * verifyHs256, also answering when the token expires (its `exp` in epoch ms; undefined when it has none). jose
 * checks the signature, `alg` (HS256 only), `exp` (expired once the current whole second reaches it) and `nbf`.
 */
export async function verifyHs256WithExpiry(
  token: string,
  secret: string | undefined,
  trackerRoleClaim?: string,
): Promise<{ principal: Principal; expiresAt: number | undefined }> {
  if (!secret) throw new UnauthenticatedError(false, 'Bearer tokens cannot be verified: AUTH_JWT_SECRET is not configured.');
  let crit: unknown;
  try {
    crit = decodeProtectedHeader(token).crit;
  } catch {
    throw new UnauthenticatedError(false, 'The bearer token is invalid.');
  }
  // RFC 7515 4.1.11: a recipient that does not understand an extension listed in `crit` must refuse the token;
  // we understand none (jose alone would accept `crit: ["b64"]`, RFC 7797).
  if (crit !== undefined)
    throw new UnauthenticatedError(false, 'The bearer token names critical header extensions this service does not support.');
  let payload: unknown;
  try {
    payload = (await jwtVerify(token, hs256Key(secret), { algorithms: ['HS256'], currentDate: new Date(Date.now()) })).payload;
  } catch (err) {
    const reason = err instanceof errors.JWTExpired ? 'The bearer token has expired.' : 'The bearer token is invalid.';
    throw new UnauthenticatedError(false, reason);
  }
  const exp = (payload as { exp?: unknown }).exp;
  return {
    principal: principalFromClaims(payload, trackerRoleClaim),
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
 * Signs a token the way the service expects (dev tokens, the bench): HS256, `typ: JWT`, `iat` now.
 * `expiresInSeconds` omitted = no `exp`. A tracker role goes into the default claim, `tracker_role`.
 */
export async function signToken(principal: Principal, secret: string, options: { expiresInSeconds?: number } = {}): Promise<string> {
  const payload = {
    sub: principal.userId,
    accounts: { ...principal.accounts },
    ...(principal.trackerRole ? { tracker_role: principal.trackerRole } : {}),
  };
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt(now);
  if (options.expiresInSeconds !== undefined) jwt.setExpirationTime(now + options.expiresInSeconds);
  return jwt.sign(hs256Key(secret));
}

/**
 * When a bearer token stops being valid (its `exp`, epoch ms), or undefined when it never expires. For callers
 * that already verified the header (a stream that must end when its token expires); reads only `exp`.
 */
export function bearerTokenExpiry(header: unknown): number | undefined {
  const value: unknown = Array.isArray(header) ? header[0] : header;
  const match = typeof value === 'string' ? BEARER.exec(value.trim()) : null;
  if (!match) return undefined;
  let exp: unknown;
  try {
    exp = decodeJwt(match[1]).exp;
  } catch {
    return undefined;
  }
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}
