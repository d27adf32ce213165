import { UnauthenticatedError } from '../../platform/errors/domain-errors';
import { ASTRA_IDENTIFIER, NIL_UUID } from '../identifiers';
import { accountRolesFrom } from '../bearer-token';
import { claimAt } from '../claim-path';
import { isRole, Principal, Role, roleRank } from '../roles';
import { higherTrackerRole, isTrackerRole, TrackerRole, trackerRoleFromClaim } from '../tracker-roles';

export { claimAt };

export interface ClaimsMapping {
  /** a claim name or dotted path holding `{ accountId: role }` */
  accountsClaim: string;
  /** a claim name or dotted path holding an array of group names */
  groupsClaim: string;
  /** groups named `<prefix><accountId>:<role>` grant that role; other groups are ignored */
  groupsPrefix: string;
  /** a claim name or dotted path naming the tracker role (reader, writer, admin); default `tracker_role` */
  trackerRoleClaim?: string;
}

/** The longest `sub` accepted (OIDC Core 1.0 section 2 caps it at 255 ASCII characters). */
const MAX_SUB_LENGTH = 255;
/** The most groups read from one token. */
const MAX_GROUPS = 1000;
const GROUP_GRANT = new RegExp(`^(${ASTRA_IDENTIFIER.source.slice(1, -1)}):([a-z]+)$`);
/** After the prefix, `tracker:<role>` grants a tracker role (reader, writer, admin). */
const TRACKER_GRANT = /^tracker:([a-z]+)$/;

function malformed(what: string): UnauthenticatedError {
  return new UnauthenticatedError(false, `The bearer token's claims are malformed: ${what}.`);
}

/**
 * The principal an OIDC token states, after its signature, `iss`, `aud`, `exp` and `nbf` were checked:
 * - `sub` is the user id: any string of 1 to 255 characters without control characters (identity providers
 *   use their own formats; the Astra user paths, which need a UUID, check that themselves), never the nil UUID;
 * - roles come from the accounts claim (the `{ accountId: role }` object, checked like an HS256 token's
 *   `accounts`) and from the groups claim (`<prefix><accountId>:<role>`, with Keycloak's leading `/` of a
 *   full group path allowed; groups without the prefix belong to other applications and are ignored, and so
 *   are prefixed ones that name no account and role). An account named by both gets the higher role;
 * - the tracker role from the tracker role claim or from groups `<prefix>tracker:<role>`, the highest wins
 *   (none: the verifier gives TRACKER_DEFAULT_ROLE).
 * A token with neither claim is valid and grants no account (the tracker API may still accept it).
 */
export function principalFromOidcClaims(claims: Record<string, unknown>, mapping: ClaimsMapping): Principal {
  const { sub } = claims;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUB_LENGTH || /\p{Cc}/u.test(sub))
    throw malformed(`sub must be a string of 1 to ${MAX_SUB_LENGTH} characters without control characters`);
  if (sub === NIL_UUID) throw malformed('sub must not be the nil UUID (reserved for the system)');

  const roles: Record<string, Role> = {};
  const grant = (accountId: string, role: Role) => {
    const held = Object.prototype.hasOwnProperty.call(roles, accountId) ? roles[accountId] : undefined;
    if (held === undefined || roleRank(role) > roleRank(held)) roles[accountId] = role;
  };

  const accounts = claimAt(claims, mapping.accountsClaim);
  if (accounts !== undefined) {
    for (const [accountId, role] of Object.entries(accountRolesFrom(accounts, malformed, mapping.accountsClaim))) grant(accountId, role);
  }

  const roleClaim = mapping.trackerRoleClaim ?? 'tracker_role';
  let trackerRole: TrackerRole | undefined = trackerRoleFromClaim(claimAt(claims, roleClaim), roleClaim, malformed);

  const groups = claimAt(claims, mapping.groupsClaim);
  if (groups !== undefined) {
    // A single string is refused, not read as a one-group list: docs/security.md promises an array, and a
    // provider emitting a bare string is misconfigured in a way worth seeing.
    if (!Array.isArray(groups)) throw malformed(`${mapping.groupsClaim} must be an array of strings`);
    if (groups.length > MAX_GROUPS) throw malformed(`${mapping.groupsClaim} holds more than ${MAX_GROUPS} groups`);
    for (const group of groups as unknown[]) {
      if (typeof group !== 'string') throw malformed(`${mapping.groupsClaim} must be an array of strings`);
      const name = group.startsWith('/') ? group.slice(1) : group;
      if (!name.startsWith(mapping.groupsPrefix)) continue;
      const granted = name.slice(mapping.groupsPrefix.length);
      const match = GROUP_GRANT.exec(granted);
      if (match && isRole(match[2])) grant(match[1], match[2]);
      const tracker = TRACKER_GRANT.exec(granted);
      if (tracker && isTrackerRole(tracker[1])) trackerRole = higherTrackerRole(trackerRole, tracker[1]);
    }
  }
  return { userId: sub, accounts: Object.freeze(roles), ...(trackerRole ? { trackerRole } : {}) };
}
