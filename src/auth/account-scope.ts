import { DomainError, ForbiddenError } from '../platform/errors/domain-errors';
import { isAstraIdentifier, NIL_UUID } from './identifiers';
import { hasRole, Principal, Role } from './roles';

declare const accountScopeBrand: unique symbol;

/**
 * Proof that a caller may act in one account with one role. Only this file creates it (the brand cannot be
 * forged outside without a cast), and every account-scoped repository method takes it first, so no query can
 * run without an account that the auth layer checked.
 */
export type AccountScope = {
  readonly accountId: string;
  /** the caller's user id (`sub`); the nil UUID for system work */
  readonly userId: string;
  /** the caller's role in this account */
  readonly role: Role;
} & { readonly [accountScopeBrand]: true };

/**
 * The order of the checks (after the token itself was verified, so 401 always comes first):
 * 1. the account id is not an Astra identifier -> 400 problems/33 (it can never be in a token, so "malformed"
 *    is the more useful answer than "forbidden");
 * 2. the account is not in the token -> 403 problems/11;
 * 3. the caller's role there is below `minRole` -> 403 problems/11.
 */
export function authorizeAccount(principal: Principal, accountId: unknown, minRole: Role = 'viewer'): AccountScope {
  if (!isAstraIdentifier(accountId)) {
    throw new DomainError('invalid-account-id', `Account id '${String(accountId)}' is not a lowercase UUID.`);
  }
  if (!Object.prototype.hasOwnProperty.call(principal.accounts, accountId)) {
    throw new ForbiddenError(`The bearer token grants no role in account ${accountId}.`);
  }
  if (!hasRole(principal, accountId, minRole)) {
    throw new ForbiddenError(`This operation needs the ${minRole} role or higher in account ${accountId}.`);
  }
  return { accountId, userId: principal.userId, role: principal.accounts[accountId] } as AccountScope;
}

/**
 * The Astra user paths (unread notifications, banners) and every record that names its creator need the
 * caller's user id to be an Astra identifier. An OIDC token's `sub` may be any string (identity providers use
 * their own formats); one that is not a lowercase UUID gets what Astra answers for a malformed user id in a
 * path: 400 problems/35 (invalid resource id).
 */
export function requireAstraUser(scope: AccountScope, purpose: string): void {
  if (!isAstraIdentifier(scope.userId))
    throw new DomainError(
      'invalid-resource-id',
      `The bearer token's subject is not an Astra user id (a lowercase UUID), so it cannot ${purpose}.`,
    );
}

/**
 * A scope for the service's own background work (the ttl sweeper): acts as the nil-UUID user with the
 * highest role, so it sees every event of the account.
 */
export function systemScope(accountId: string): AccountScope {
  if (!isAstraIdentifier(accountId)) throw new Error(`systemScope: '${String(accountId)}' is not an account id`);
  return { accountId, userId: NIL_UUID, role: 'owner' } as AccountScope;
}
