import { createHmac, randomUUID } from 'node:crypto';
import type { Principal, Role } from '../../src/auth/roles';
import type { TrackerRole } from '../../src/auth/tracker-roles';

/** What test apps sign and verify tokens with (the e2e harness, spawned apps and controller specs). */
export const TEST_JWT_SECRET = 'test-secret-for-tracker-e2e-only';

/**
 * An HS256 token signed here, synchronously, the way `signToken` (jose, async) signs it: header `{alg, typ}`,
 * claims `sub`, `accounts`, `tracker_role`, `iat` and `exp`. Tests sign with this so thousands of calls stay
 * synchronous, and the service's verifier (jose) checks tokens it did not make itself.
 */
export function signTestToken(principal: Principal, secret: string, options: { expiresInSeconds?: number } = {}): string {
  const iat = Math.floor(Date.now() / 1000);
  const claims = {
    sub: principal.userId,
    accounts: { ...principal.accounts },
    ...(principal.trackerRole ? { tracker_role: principal.trackerRole } : {}),
    iat,
    ...(options.expiresInSeconds !== undefined ? { exp: iat + options.expiresInSeconds } : {}),
  };
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

export interface MintOptions {
  /** `sub`; default a new UUIDv4 */
  user?: string;
  /** already expired (exp 60 s ago) */
  expired?: boolean;
  /** seconds until exp */
  expiresInSeconds?: number;
  /** signed with another secret */
  badSignature?: boolean;
  /** a token whose claims are wrong: `sub` not a UUID and a role that does not exist */
  malformedClaims?: boolean;
  /** the `tracker_role` claim; absent: the app's TRACKER_DEFAULT_ROLE applies */
  trackerRole?: TrackerRole;
}

/** A bearer token for the e2e app (signed with TEST_JWT_SECRET), roles per account. */
export function mintToken(accounts: Record<string, Role>, options: MintOptions = {}): string {
  const user = options.user ?? randomUUID();
  if (options.malformedClaims) {
    return signTestToken({ userId: 'not-a-uuid', accounts: accounts }, TEST_JWT_SECRET);
  }
  const secret = options.badSignature ? `${TEST_JWT_SECRET}-but-not-quite` : TEST_JWT_SECRET;
  const expiresInSeconds = options.expired ? -60 : options.expiresInSeconds;
  return signTestToken({ userId: user, accounts, ...(options.trackerRole ? { trackerRole: options.trackerRole } : {}) }, secret, {
    expiresInSeconds,
  });
}

/** `Authorization` header for one account and role. */
export function bearer(accountId: string, role: Role, options: MintOptions = {}): { authorization: string } {
  return { authorization: `Bearer ${mintToken({ [accountId]: role }, options)}` };
}

/** Something that is not a JWT at all. */
export const GARBAGE_TOKEN = 'Bearer not.a.jwt';

/**
 * Where a test's tokens come from, so one test body can run over every kind the service accepts (the auth
 * matrix: HS256 here, OIDC in oidc-issuer.ts). `start` returns the app environment that trusts the minter.
 */
export interface TokenMinter {
  readonly name: string;
  start(): Promise<Record<string, string>>;
  bearer(accountId: string, role: Role, options?: { user?: string }): Promise<{ authorization: string }>;
  stop(): Promise<void>;
}

/** HS256 tokens signed with TEST_JWT_SECRET (the harness's default environment already trusts them). */
export const HS256_MINTER: TokenMinter = {
  name: 'HS256',
  start: () => Promise.resolve({}),
  bearer: (accountId, role, options = {}) => Promise.resolve(bearer(accountId, role, options)),
  stop: () => Promise.resolve(),
};
