import type { ExecutionContext } from '@nestjs/common';
import { DomainError } from '../errors/domain-errors';
import { verifyAuthorization } from './bearer-token';
import { hasRole, Principal } from './roles';

interface MetadataLike {
  get(key: string): unknown[];
}

/** What one call (an HTTP request or a gRPC call) says about its caller, read from the matched route. */
export interface CallParts {
  /** An object that lives exactly as long as the call: the request, or the gRPC call's metadata. */
  carrier: object;
  authorization: unknown;
  /** The account the call addresses: the matched `:account_id` path parameter or the gRPC `accountId` field. */
  accountId: unknown;
  /** The peer's address (no proxy headers are trusted). */
  address: string;
}

function firstString(value: unknown): unknown {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return Buffer.isBuffer(first) ? first.toString() : first;
}

/** gRPC peers read `ipv4:127.0.0.1:5000`, `ipv6:[::1]:5000` or `unix:...`: the host part is the address. */
export function addressOfPeer(peer: unknown): string {
  if (typeof peer !== 'string') return 'unknown';
  const bracketed = /^ipv6:\[([^\]]+)\]/.exec(peer);
  if (bracketed) return bracketed[1];
  const v4 = /^ipv4:([^:]+)/.exec(peer);
  return v4 ? v4[1] : peer;
}

export function callParts(context: ExecutionContext): CallParts {
  if (context.getType() === 'rpc') {
    const rpc = context.switchToRpc();
    const metadata = rpc.getContext<MetadataLike>();
    const data = rpc.getData<{ accountId?: unknown } | undefined>();
    const call = context.getArgByIndex<{ getPeer?: () => string } | undefined>(2);
    return {
      carrier: metadata,
      authorization: firstString(metadata?.get?.('authorization')),
      accountId: data?.accountId,
      address: addressOfPeer(call?.getPeer?.()),
    };
  }
  const req = context.switchToHttp().getRequest<{ headers: Record<string, unknown>; params?: Record<string, unknown>; ip?: string }>();
  return {
    carrier: req,
    authorization: firstString(req.headers.authorization),
    accountId: req.params?.account_id,
    address: req.ip ?? 'unknown',
  };
}

/**
 * A call with no Authorization at all, the usual case on the tracker API: the rate limit asks every call who
 * it is, and an error (with its stack) built for each anonymous one only to be dropped was a measurable share
 * of a create's CPU. Its 401 is built only when a guard throws it.
 */
const NO_TOKEN = Symbol('no token');

/** The verdict on a call's bearer token, computed once per call however many guards ask. */
const verdicts = new WeakMap<object, Principal | DomainError | typeof NO_TOKEN>();

function verdictFor(parts: CallParts, secret: string | undefined): Principal | DomainError | typeof NO_TOKEN {
  let verdict = verdicts.get(parts.carrier);
  if (verdict === undefined) {
    if (parts.authorization === undefined) {
      verdict = NO_TOKEN;
    } else {
      try {
        verdict = verifyAuthorization(parts.authorization, secret);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        verdict = err;
      }
    }
    verdicts.set(parts.carrier, verdict);
  }
  return verdict;
}

/** The call's verified principal; throws the 401 (missing or invalid token) when there is none. */
export function authenticate(parts: CallParts, secret: string | undefined): Principal {
  const verdict = verdictFor(parts, secret);
  // verifyAuthorization's own missing-token 401, built now that it is thrown.
  if (verdict === NO_TOKEN) return verifyAuthorization(undefined, secret);
  if (verdict instanceof DomainError) throw verdict;
  return verdict;
}

/** The call's verified principal, or undefined when it carries no valid token (never throws for a bad one). */
export function verifiedPrincipal(parts: CallParts, secret: string | undefined): Principal | undefined {
  const verdict = verdictFor(parts, secret);
  return verdict === NO_TOKEN || verdict instanceof DomainError ? undefined : verdict;
}

/**
 * Who a call counts as for budgets and idempotency: the verified user (with the account when the call
 * addresses one the user belongs to), else the peer address. Never the raw header text: a made-up or
 * re-spaced token is not a new caller.
 */
export function callerKey(parts: CallParts, secret: string | undefined): string {
  const principal = verifiedPrincipal(parts, secret);
  if (!principal) return `address:${parts.address}`;
  const account = typeof parts.accountId === 'string' && hasRole(principal, parts.accountId, 'viewer') ? `|account:${parts.accountId}` : '';
  return `user:${principal.userId}${account}`;
}
