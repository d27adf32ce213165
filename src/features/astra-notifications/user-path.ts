import { AccountScope, requireAstraUser } from '../../auth/account-scope';
import { isAstraIdentifier } from '../../auth/identifiers';
import { DomainError, ForbiddenError } from '../../platform/errors/domain-errors';

/**
 * The caller's own user path: U1-U3 act on the token's `sub` only (another user's, or a malformed id, is 403
 * problems/11: nobody may learn anything about someone else's unread state). Run after the AccountGuard, so
 * 401 and the account checks come first. A caller whose own `sub` is not a UUID (an OIDC subject in another
 * format) has no user path at all: 400 problems/35, before the path's user id is looked at.
 */
export function requireOwnUser(scope: AccountScope, userId: unknown): void {
  requireAstraUser(scope, 'use the Astra user paths');
  if (userId !== scope.userId)
    throw new ForbiddenError(`Unread notifications and banners can only be read or changed by their own user (${scope.userId}).`);
}

/** G1-G3 carry a group id; there is no group registry, so only its format is checked (400 problems/35). */
export function checkGroupId(groupId: unknown): void {
  if (groupId !== undefined && !isAstraIdentifier(groupId)) {
    throw new DomainError('invalid-resource-id', `Group id '${JSON.stringify(groupId)}' is not a lowercase UUID.`);
  }
}
