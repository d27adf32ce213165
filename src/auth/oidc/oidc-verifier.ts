import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { UnauthenticatedError } from '../../platform/errors/domain-errors';
import type { Principal } from '../roles';
import { ClaimsMapping, principalFromOidcClaims } from './claims-mapping';
import { SigningKeysUnavailable } from './jwks-cache';

/** The only algorithms an OIDC token may use: asymmetric ones, whose keys the issuer publishes. */
export const OIDC_ALGORITHMS: readonly string[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

export interface OidcVerifierOptions extends ClaimsMapping {
  issuer: string;
  audiences: string[];
  clockSkewSeconds: number;
}

/**
 * Verifies an OIDC access or ID token with jose: the signature against the issuer's published keys (only the
 * algorithms above, so neither `none` nor an HMAC keyed with a public key can pass), `iss` exactly the issuer,
 * `aud` naming one of the audiences, `exp` required and `nbf` honoured with the clock skew, `crit` refused
 * unless understood (we understand none). Then the claims mapping. Every refusal is 401 problems/4.
 */
export class OidcVerifier {
  constructor(
    private readonly options: OidcVerifierOptions,
    private readonly keys: JWTVerifyGetKey,
  ) {}

  async verify(token: string): Promise<Principal> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audiences,
        algorithms: [...OIDC_ALGORITHMS],
        clockTolerance: this.options.clockSkewSeconds,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      throw refusal(err);
    }
    return principalFromOidcClaims(payload, this.options);
  }
}

/** Why a token was refused, in words that say which check failed and nothing about the keys or the issuer's state. */
function refusal(err: unknown): UnauthenticatedError {
  const invalid = (why: string) => new UnauthenticatedError(false, why);
  if (err instanceof errors.JWTExpired) return invalid('The bearer token has expired.');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return invalid('The bearer token was not issued by the configured issuer.');
    if (err.claim === 'aud') return invalid('The bearer token is not meant for this service (aud).');
    if (err.claim === 'nbf') return invalid('The bearer token is not valid yet (nbf).');
    return invalid(`The bearer token's claims are malformed: ${err.claim}.`);
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof SigningKeysUnavailable)
    return invalid('The bearer token is signed with a key the issuer does not publish.');
  if (err instanceof errors.JOSEAlgNotAllowed) return invalid("The bearer token's algorithm is not accepted.");
  if (err instanceof errors.JOSEError) return invalid('The bearer token is invalid.');
  if (err instanceof UnauthenticatedError) return err;
  // Anything else is a bug of ours, not a bad token: let it surface as a 500 with a correlation id.
  throw err;
}
