import { DomainError } from '../platform/errors/domain-errors';
import type { CallParts } from '../platform/http/call-parts';
import type { BearerVerifier } from './bearer-verifier';
import { hasRole, Principal } from './roles';

/**
 * A call with no Authorization at all, the usual case on the tracker API: the rate limit asks every call who
 * it is, and an error (with its stack) built for each anonymous one only to be dropped was a measurable share
 * of a create's CPU. Its 401 is built only when a guard throws it.
 */
const NO_TOKEN = Symbol('no token');

type Verdict = Principal | DomainError | typeof NO_TOKEN;

/**
 * The verdict on a call's bearer token, computed once per call however many guards ask. Verifying may wait
 * (an OIDC issuer's keys are fetched), so the first asker stores the pending verdict and every later one,
 * even one that asks before it settles, awaits that same promise; once settled the verdict itself replaces it.
 */
const verdicts = new WeakMap<object, Verdict | Promise<Verdict>>();

function verdictFor(parts: CallParts, verifier: BearerVerifier): Verdict | Promise<Verdict> {
  const known = verdicts.get(parts.carrier);
  if (known !== undefined) return known;
  if (parts.authorization === undefined) {
    verdicts.set(parts.carrier, NO_TOKEN);
    return NO_TOKEN;
  }
  const pending = verifier.verify(parts.authorization).then(
    (principal): Verdict => principal,
    (err: unknown): Verdict => {
      // Not a refusal but a bug: every asker sees it (a 500), nothing is cached.
      if (!(err instanceof DomainError)) throw err;
      return err;
    },
  );
  verdicts.set(parts.carrier, pending);
  pending.then(
    (verdict) => verdicts.set(parts.carrier, verdict),
    () => verdicts.delete(parts.carrier),
  );
  return pending;
}

/** The call's verified principal; rejects with the 401 (missing or invalid token) when there is none. */
export async function authenticate(parts: CallParts, verifier: BearerVerifier): Promise<Principal> {
  const verdict = await verdictFor(parts, verifier);
  // The verifier's own missing-token 401, built now that it is thrown.
  if (verdict === NO_TOKEN) return verifier.verify(undefined);
  if (verdict instanceof DomainError) throw verdict;
  return verdict;
}

/** The call's verified principal, or undefined when it carries no valid token (never rejects for a bad one). */
export async function verifiedPrincipal(parts: CallParts, verifier: BearerVerifier): Promise<Principal | undefined> {
  const verdict = await verdictFor(parts, verifier);
  return verdict === NO_TOKEN || verdict instanceof DomainError ? undefined : verdict;
}

/**
 * Who a call counts as for budgets and idempotency: the verified user (with the account when the call
 * addresses one the user belongs to), else the peer address. Never the raw header text: a made-up or
 * re-spaced token is not a new caller.
 */
export async function callerKey(parts: CallParts, verifier: BearerVerifier): Promise<string> {
  const principal = await verifiedPrincipal(parts, verifier);
  if (!principal) return `address:${parts.address}`;
  const account = typeof parts.accountId === 'string' && hasRole(principal, parts.accountId, 'viewer') ? `|account:${parts.accountId}` : '';
  return `user:${userKey(principal)}${account}`;
}

/**
 * The user id as a part of a composite key (`|` separates the parts): an OIDC `sub` is free text, so `%` and
 * `|` are percent-encoded and no `sub` can pass for another user's id plus an account. UUIDs are unchanged.
 */
export function userKey(principal: Principal): string {
  return principal.userId.replace(/[%|]/g, (c) => encodeURIComponent(c));
}
