import { UnauthenticatedError } from '../../errors/domain-errors';
import { ASTRA_IDENTIFIER, NIL_UUID } from '../identifiers';
import { accountRolesFrom } from '../bearer-token';
import { isRole, Principal, Role, roleRank } from '../roles';

export interface ClaimsMapping {
  /** a claim name or dotted path holding `{ accountId: role }` */
  accountsClaim: string;
  /** a claim name or dotted path holding an array of group names */
  groupsClaim: string;
  /** groups named `<prefix><accountId>:<role>` grant that role; other groups are ignored */
  groupsPrefix: string;
}

/** The longest `sub` accepted (OIDC Core 1.0 section 2 caps it at 255 ASCII characters). */
const MAX_SUB_LENGTH = 255;
/** The most groups read from one token. */
const MAX_GROUPS = 1000;
const GROUP_GRANT = new RegExp(`^(${ASTRA_IDENTIFIER.source.slice(1, -1)}):([a-z]+)$`);

function malformed(what: string): UnauthenticatedError {
  return new UnauthenticatedError(false, `The bearer token's claims are malformed: ${what}.`);
}

/**
 * The value at a claim path: the claim of exactly that name when there is one (namespaced claims such as
 * `https://tracker.example.com/accounts` contain dots), else the dotted path walked through nested objects.
 * Own properties only, so `constructor` or `__proto__` never reach the prototype.
 */
export function claimAt(claims: object, path: string): unknown {
  const own = (o: unknown, key: string): unknown =>
    typeof o === 'object' && o !== null && !Array.isArray(o) && Object.prototype.hasOwnProperty.call(o, key)
      ? (o as Record<string, unknown>)[key]
      : undefined;
  const whole = own(claims, path);
  if (whole !== undefined || !path.includes('.')) return whole;
  return path.split('.').reduce<unknown>((node, key) => own(node, key), claims);
}

/**
 * The principal an OIDC token states, after its signature, `iss`, `aud`, `exp` and `nbf` were checked:
 * - `sub` is the user id: any string of 1 to 255 characters without control characters (identity providers
 *   use their own formats; the Astra user paths, which need a UUID, check that themselves), never the nil UUID;
 * - roles come from the accounts claim (the `{ accountId: role }` object, checked like an HS256 token's
 *   `accounts`) and from the groups claim (`<prefix><accountId>:<role>`, with Keycloak's leading `/` of a
 *   full group path allowed; groups without the prefix belong to other applications and are ignored, and so
 *   are prefixed ones that name no account and role). An account named by both gets the higher role.
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

  const groups = claimAt(claims, mapping.groupsClaim);
  if (groups !== undefined) {
    const list: unknown[] = typeof groups === 'string' ? [groups] : Array.isArray(groups) ? groups : [];
    if (!Array.isArray(groups) && typeof groups !== 'string') throw malformed(`${mapping.groupsClaim} must be an array of strings`);
    if (list.length > MAX_GROUPS) throw malformed(`${mapping.groupsClaim} holds more than ${MAX_GROUPS} groups`);
    for (const group of list) {
      if (typeof group !== 'string') throw malformed(`${mapping.groupsClaim} must be an array of strings`);
      const name = group.startsWith('/') ? group.slice(1) : group;
      if (!name.startsWith(mapping.groupsPrefix)) continue;
      const match = GROUP_GRANT.exec(name.slice(mapping.groupsPrefix.length));
      if (match && isRole(match[2])) grant(match[1], match[2]);
    }
  }
  return { userId: sub, accounts: Object.freeze(roles) };
}
