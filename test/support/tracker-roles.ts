import { status as GrpcStatus } from '@grpc/grpc-js';
import type { INestApplicationContext } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { TRACKER_API, TRACKER_ROLE } from '../../src/auth/tracker-api.decorator';
import { TRACKER_ROLES, TrackerRole } from '../../src/auth/tracker-roles';
import { mintToken } from './auth';

/** Who calls in a tracker role table: no token at all, then a token of each tracker role. */
export const TRACKER_CALLERS = ['no token', ...TRACKER_ROLES] as const;
export type TrackerCaller = (typeof TRACKER_CALLERS)[number];

/** The `Authorization` header of a caller (none for 'no token'); `user` fixes the token's `sub`. */
export function trackerHeaders(caller: TrackerCaller, user?: string): Record<string, string> {
  return caller === 'no token' ? {} : { authorization: `Bearer ${mintToken({}, { trackerRole: caller, user })}` };
}

/** What a caller gets from an operation needing `needed`: 401 without a token, 403 below the role, else through. */
export function trackerVerdict(caller: TrackerCaller, needed: TrackerRole): 'unauthenticated' | 'forbidden' | 'allowed' {
  if (caller === 'no token') return 'unauthenticated';
  return TRACKER_ROLES.indexOf(caller) >= TRACKER_ROLES.indexOf(needed) ? 'allowed' : 'forbidden';
}

/** A REST answer as a verdict: 401 and the role 403 (`requiredRole` named) are the guard's; anything else went through. */
export function restVerdict(res: { status: number; body: { type?: string; requiredRole?: string } }, needed: TrackerRole): string {
  if (res.status === 401) return 'unauthenticated';
  if (res.status === 403 && res.body.type === 'urn:tracker:problems:forbidden' && res.body.requiredRole === needed) return 'forbidden';
  return 'allowed';
}

/** A gRPC outcome as a verdict: UNAUTHENTICATED, PERMISSION_DENIED naming the role, else through. */
export function grpcVerdict(err: unknown, needed: TrackerRole): string {
  const e = err as { code?: number; details?: string } | undefined;
  if (e?.code === GrpcStatus.UNAUTHENTICATED) return 'unauthenticated';
  if (e?.code === GrpcStatus.PERMISSION_DENIED && e.details?.includes(`needs the tracker role ${needed}`)) return 'forbidden';
  return 'allowed';
}

/**
 * One row of a controller spec's role table: what each caller (no token, reader, writer, admin) got, as
 * `caller: 401 | 403 | <status>`, and what it should get (`success` from the role up).
 */
export async function roleRow(
  send: (headers: Record<string, string>) => Promise<{ status: number; body: { type?: string; requiredRole?: string } }>,
  role: TrackerRole,
  success: number,
): Promise<{ seen: string[]; expected: string[] }> {
  const seen: string[] = [];
  for (const caller of TRACKER_CALLERS) {
    const res = await send(trackerHeaders(caller));
    const verdict = restVerdict(res, role);
    seen.push(`${caller}: ${verdict === 'allowed' ? res.status : verdict}`);
  }
  const expected = TRACKER_CALLERS.map((c) => `${c}: ${trackerVerdict(c, role) === 'allowed' ? success : trackerVerdict(c, role)}`);
  return { seen, expected };
}

/**
 * Every gRPC method the app serves behind a tracker role, as `Service.Method` (the service's short name) -> the
 * role its handler's @RequireTrackerRole() names: read from the controllers the running app mounted, so a new
 * method is listed without anyone adding it here.
 */
export function trackerGrpcRoles(app: INestApplicationContext): Record<string, TrackerRole> {
  const roles: Record<string, TrackerRole> = {};
  for (const wrapper of app.get(DiscoveryService).getControllers()) {
    const type = wrapper.metatype as (abstract new (...args: never[]) => unknown) | undefined;
    if (!type || Reflect.getMetadata(TRACKER_API, type) !== true) continue;
    const prototype = type.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function') continue;
      const patterns = (Reflect.getMetadata(PATTERN_METADATA, handler) ?? []) as { service?: string; rpc?: string }[];
      for (const { service, rpc } of patterns)
        if (service && rpc) roles[`${service.split('.').pop()}.${rpc}`] = Reflect.getMetadata(TRACKER_ROLE, handler) as TrackerRole;
    }
  }
  return roles;
}
