import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { AppConfig, AuthSettings } from '../platform/config/app-config.service';
import { UnauthenticatedError } from '../platform/errors/domain-errors';
import { bearerToken, verifyHs256WithExpiry } from './bearer-token';
import { JwksCache } from './oidc/jwks-cache';
import { OIDC_ALGORITHMS, OidcVerifier } from './oidc/oidc-verifier';
import type { Principal } from './roles';
import { VerifiedTokens } from './verified-tokens';

/**
 * The one bearer-token verifier of the service: REST headers and gRPC metadata (and, through caller.ts, every
 * guard, the rate limit and idempotency) go through `verify`. A token is routed by its header's `alg`:
 * - `HS256`: the shared secret (AUTH_JWT_SECRET), the claims contract of docs/architecture.md (`sub` a UUID,
 *   `accounts` required). An HS256 token whose `iss` is the OIDC issuer is refused: the issuer never signs that
 *   way, so it can only be a forgery keyed with something public.
 * - `RS256`, `PS256`, `ES256`, `EdDSA`, with AUTH_ISSUER set: the issuer's published keys (OidcVerifier).
 * - anything else (`none`, HS384, an asymmetric token without AUTH_ISSUER, ...): 401 problems/4.
 */
@Injectable()
export class BearerVerifier implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(BearerVerifier.name);
  private readonly settings: AuthSettings;
  private readonly keys?: JwksCache;
  private readonly oidc?: OidcVerifier;
  /** HS256 tokens already verified (the OIDC path is not cached: the issuer may withdraw a key). */
  private readonly hs256Verified = new VerifiedTokens();

  constructor(config: AppConfig) {
    this.settings = config.auth;
    const oidc = this.settings.oidc;
    if (oidc) {
      const keys = new JwksCache({
        issuer: oidc.issuer,
        jwksUrl: oidc.jwksUrl,
        cooldownMs: oidc.jwksCooldownSeconds * 1000,
        onLoadError: (err) =>
          this.logger.warn({ err: err.message, issuer: oidc.issuer }, 'OIDC signing keys not (re)loaded; cached keys stay in use'),
      });
      this.keys = keys;
      this.oidc = new OidcVerifier({ ...oidc, trackerRoleClaim: this.settings.trackerRoleClaim }, (header, token) =>
        keys.getKey(header, token),
      );
    }
  }

  /** Fetches the issuer's keys in the background, so the first OIDC token does not wait and a bad setup shows in the log. */
  onApplicationBootstrap(): void {
    this.keys?.warmUp();
  }

  onModuleDestroy(): void {
    this.keys?.close();
  }

  /** Whether any token can be verified at all (a secret or an issuer is configured). */
  get configured(): boolean {
    return this.settings.jwtSecret !== undefined || this.oidc !== undefined;
  }

  /**
   * The principal of an `Authorization` value, its tracker role filled in (TRACKER_DEFAULT_ROLE when the token
   * names none); rejects with UnauthenticatedError (missing: problems/3, else /4).
   */
  async verify(authorization: unknown): Promise<Principal> {
    const token = bearerToken(authorization);
    const known = this.hs256Verified.get(token);
    if (known) return known;
    if (!this.configured)
      throw new UnauthenticatedError(false, 'Bearer tokens cannot be verified: neither AUTH_JWT_SECRET nor AUTH_ISSUER is configured.');
    let header: { alg?: unknown; crit?: unknown };
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new UnauthenticatedError(false, 'The bearer token is invalid.');
    }
    // RFC 7515 4.1.11: we implement no JWS extension, so any `crit` is refused, on every path. jose alone would
    // accept `crit: ["b64"]` (it understands RFC 7797) on an OIDC token.
    if (header.crit !== undefined)
      throw new UnauthenticatedError(false, 'The bearer token names critical header extensions this service does not support.');
    const { alg } = header;
    if (alg === 'HS256') {
      if (this.oidc && this.unverifiedIssuer(token) === this.settings.oidc?.issuer)
        throw new UnauthenticatedError(false, "The bearer token's algorithm is not accepted.");
      const verified = await verifyHs256WithExpiry(token, this.settings.jwtSecret, this.settings.trackerRoleClaim);
      const principal = this.withTrackerRole(verified.principal);
      this.hs256Verified.remember(token, principal, verified.expiresAt);
      return principal;
    }
    if (this.oidc && typeof alg === 'string' && OIDC_ALGORITHMS.includes(alg)) return this.withTrackerRole(await this.oidc.verify(token));
    throw new UnauthenticatedError(false, "The bearer token's algorithm is not accepted.");
  }

  private withTrackerRole(principal: Principal): Principal {
    return principal.trackerRole ? principal : { ...principal, trackerRole: this.settings.trackerDefaultRole };
  }

  private unverifiedIssuer(token: string): unknown {
    try {
      return decodeJwt(token).iss;
    } catch {
      return undefined;
    }
  }
}
