import { CanActivate, createParamDecorator, ExecutionContext, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PATH_METADATA } from '@nestjs/common/constants';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { AppConfig } from '../platform/config/app-config.service';
import { BearerVerifier } from './bearer-verifier';
import { authenticate } from './caller';
import { callParts } from '../platform/http/call-parts';
import type { Principal } from './roles';
import { TRACKER_API, TRACKER_ROLE } from './tracker-api.decorator';
import { requireTrackerRole, TrackerRole } from './tracker-roles';

/** REST paths that belong to the tracker API; used only to check at boot that every such controller is marked. */
const TRACKER_PATH = /^\/?api\/v1alpha1(\/|$)/;

/** The callers the guard let through with TRACKER_AUTH=required, keyed by the HTTP request or the gRPC call's metadata. */
const trackerCallers = new WeakMap<object, Principal>();

/**
 * TRACKER_AUTH=required: every handler marked `@TrackerApi()` (REST under /api/v1alpha1 and the tracker gRPC
 * methods, including the delivery reads) needs a valid bearer token, verified exactly like the Astra routes',
 * whose tracker role is at least the handler's `@RequireTrackerRole()` (too low: 403 naming the role needed,
 * PERMISSION_DENIED on gRPC). Off (the default) lets everything through, so the seed's curl examples work as
 * written.
 */
@Injectable()
export class TrackerAuthGuard implements CanActivate, OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly verifier: BearerVerifier,
    private readonly reflector: Reflector,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (!this.config.auth.trackerAuthRequired) return true;
    if (!this.reflector.getAllAndOverride<boolean>(TRACKER_API, [context.getHandler(), context.getClass()])) return true;
    // The boot check makes a handler without a role impossible; should one slip through, only an admin passes.
    const needed = this.reflector.get<TrackerRole | undefined>(TRACKER_ROLE, context.getHandler()) ?? 'admin';
    const parts = callParts(context);
    return authenticate(parts, this.verifier).then((principal) => {
      requireTrackerRole(principal, needed, 'This operation');
      trackerCallers.set(parts.carrier, principal);
      return true;
    });
  }

  /**
   * Refuses to boot when a controller mounted under the tracker prefix lacks `@TrackerApi()` (it would be
   * unprotected), or a handler of a `@TrackerApi()` controller names no `@RequireTrackerRole()` (nobody decided who
   * may call it).
   */
  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (abstract new (...args: never[]) => unknown) | undefined;
      if (!type) continue;
      const paths = ([] as unknown[]).concat(Reflect.getMetadata(PATH_METADATA, type) ?? []);
      const underTracker = paths.some((p) => typeof p === 'string' && TRACKER_PATH.test(p));
      const marked = this.reflector.get<boolean>(TRACKER_API, type) === true;
      if (underTracker && !marked) throw new Error(`${type.name} serves /api/v1alpha1 routes but is not marked @TrackerApi()`);
      if (!marked) continue;
      const prototype = type.prototype as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as object;
        const isHandler = Reflect.hasMetadata(PATH_METADATA, handler) || Reflect.hasMetadata(PATTERN_METADATA, handler);
        const bySignature = this.reflector.get<boolean>(TRACKER_API, handler as () => void) === false;
        if (isHandler && !bySignature && !this.reflector.get(TRACKER_ROLE, handler as () => void))
          throw new Error(`${type.name}.${name} is a tracker API handler without @RequireTrackerRole()`);
      }
    }
  }
}

/**
 * The verified caller of a tracker handler with TRACKER_AUTH=required (as the guard let it through); undefined
 * with TRACKER_AUTH=off, where the tracker API knows no callers.
 */
export const TrackerCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Principal | undefined =>
  trackerCallers.get(callParts(context).carrier),
);
