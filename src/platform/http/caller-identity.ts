import type { CallParts } from './call-parts';

/**
 * Who a call counts as, for what platform keeps per caller (the rate limit's budget, the scan bound's share).
 * Knowing that means verifying the bearer token, which is src/auth's job: AuthModule provides this class
 * (VerifiedCallerIdentity), and platform asks through it without reading a token itself.
 */
export abstract class CallerIdentity {
  /** The verified user (with the account the call addresses, if the user has a role there), else the peer address. */
  abstract keyOf(parts: CallParts): Promise<string>;
}
