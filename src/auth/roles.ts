import type { TrackerRole } from './tracker-roles';

/** Astra RBAC roles, lowest first (the Astra Control API reference, section 5): each role can do what the lower ones can. */
export const ROLES = ['viewer', 'member', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

/** The authenticated caller, as the bearer token states it. */
export interface Principal {
  /** `sub`: the user's UUID */
  userId: string;
  /** `accounts`: account UUID -> the caller's role there */
  accounts: Readonly<Record<string, Role>>;
  /** The tracker role the token states (claim or groups); the BearerVerifier fills in TRACKER_DEFAULT_ROLE. */
  trackerRole?: TrackerRole;
}

/** True when the caller holds at least `minRole` in the account. */
export function hasRole(auth: Principal, accountId: string, minRole: Role): boolean {
  const role = Object.prototype.hasOwnProperty.call(auth.accounts, accountId) ? auth.accounts[accountId] : undefined;
  return role !== undefined && roleRank(role) >= roleRank(minRole);
}
