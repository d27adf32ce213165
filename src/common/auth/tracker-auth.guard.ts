import { CanActivate, ExecutionContext, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { PATH_METADATA } from '@nestjs/common/constants';
import { AppConfig } from '../../config/app-config.service';
import { BearerVerifier } from './bearer-verifier';
import { authenticate, callParts } from './caller';
import { TRACKER_API } from './tracker-api.decorator';

/** REST paths that belong to the tracker API; used only to check at boot that every such controller is marked. */
const TRACKER_PATH = /^\/?api\/v1alpha1(\/|$)/;

/**
 * TRACKER_AUTH=required: every handler marked `@TrackerApi()` (REST under /api/v1alpha1 and the
 * tracker.event.v1alpha1 gRPC methods, including the delivery reads) needs a valid bearer token, verified
 * exactly like the Astra routes'. Tracker events belong to no account, so any valid token may read and write
 * them. Off (the default) lets everything through, so the seed's curl examples work as written.
 */
@Injectable()
export class TrackerAuthGuard implements CanActivate, OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly verifier: BearerVerifier,
    private readonly reflector: Reflector,
    private readonly discovery: DiscoveryService,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (!this.config.auth.trackerAuthRequired) return true;
    if (!this.reflector.getAllAndOverride<boolean>(TRACKER_API, [context.getHandler(), context.getClass()])) return true;
    return authenticate(callParts(context), this.verifier).then(() => true);
  }

  /** A controller mounted under the tracker prefix without `@TrackerApi()` would be unprotected: refuse to boot. */
  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (abstract new (...args: never[]) => unknown) | undefined;
      if (!type) continue;
      const paths = ([] as unknown[]).concat(Reflect.getMetadata(PATH_METADATA, type) ?? []);
      const underTracker = paths.some((p) => typeof p === 'string' && TRACKER_PATH.test(p));
      if (underTracker && !this.reflector.get<boolean>(TRACKER_API, type)) {
        throw new Error(`${type.name} serves /api/v1alpha1 routes but is not marked @TrackerApi()`);
      }
    }
  }
}
