import { DomainError } from '../platform/errors/domain-errors';

/**
 * Tracker roles, lowest first (docs/security.md, "Tracker roles"): each can do what the lower ones can. reader:
 * every read, the live streams and insights; writer: creates and updates events, its own locks, changes,
 * intake by API; admin: deletes, force release, acting for another lock owner.
 */
export const TRACKER_ROLES = ['reader', 'writer', 'admin'] as const;
export type TrackerRole = (typeof TRACKER_ROLES)[number];

export function isTrackerRole(value: unknown): value is TrackerRole {
  return typeof value === 'string' && (TRACKER_ROLES as readonly string[]).includes(value);
}

/**
 * What the checks below read of a caller: a Principal's `trackerRole`. Stated by its shape because roles.ts,
 * where Principal lives, imports TrackerRole from here (importing Principal back would make a cycle).
 */
type TrackerRoleHolder = { readonly trackerRole?: TrackerRole };

/** The caller's tracker role; undefined for a principal that did not come through the BearerVerifier. */
export function trackerRoleOf(principal: TrackerRoleHolder | undefined): TrackerRole | undefined {
  return principal?.trackerRole;
}

/** True when the caller holds at least `minRole` in the tracker API (e.g. `/metrics` for "a reader token"). */
export function hasTrackerRole(principal: TrackerRoleHolder | undefined, minRole: TrackerRole): boolean {
  const role = trackerRoleOf(principal);
  return role !== undefined && TRACKER_ROLES.indexOf(role) >= TRACKER_ROLES.indexOf(minRole);
}

/** The higher of two roles (a token may state one in its claim and others in its groups). */
export function higherTrackerRole(a: TrackerRole | undefined, b: TrackerRole): TrackerRole {
  return a !== undefined && TRACKER_ROLES.indexOf(a) >= TRACKER_ROLES.indexOf(b) ? a : b;
}

/**
 * The tracker role a token's claim states (`claimValue`, read from TRACKER_ROLE_CLAIM): undefined when absent,
 * the role when it is one, else `bad(...)` is thrown (a token with a misspelt role is refused rather than
 * quietly given the default).
 */
export function trackerRoleFromClaim(claimValue: unknown, claimName: string, bad: (what: string) => Error): TrackerRole | undefined {
  if (claimValue === undefined) return undefined;
  if (!isTrackerRole(claimValue)) throw bad(`${claimName} must be reader, writer or admin`);
  return claimValue;
}

/**
 * Throws the 403 (`urn:tracker:problems:forbidden`, PERMISSION_DENIED on gRPC, the problem's `requiredRole`
 * naming the role) unless the caller holds at least `minRole`. `what` starts the message ("This operation").
 */
export function requireTrackerRole(principal: TrackerRoleHolder, minRole: TrackerRole, what: string): void {
  if (hasTrackerRole(principal, minRole)) return;
  throw new DomainError(
    'forbidden',
    `${what} needs the tracker role ${minRole}; the token's role is ${trackerRoleOf(principal) ?? 'none'}.`,
    {
      members: { requiredRole: minRole },
    },
  );
}
