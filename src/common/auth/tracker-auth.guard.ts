import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { AppConfig } from '../../config/app-config.service';
import { verifyAuthorization } from './bearer-token';

const TRACKER_HTTP_PREFIX = '/api/v1alpha1/';
const TRACKER_GRPC_SERVICE = 'tracker.event.v1alpha1.EventService';

interface MetadataLike {
  get(key: string): unknown[];
}

/**
 * TRACKER_AUTH=required: the tracker API (REST under /api/v1alpha1, gRPC tracker.event.v1alpha1.EventService,
 * including the notification-delivery reads) needs a valid bearer token, verified exactly like the Astra
 * routes' (HS256 with AUTH_JWT_SECRET, exp/nbf, well-formed sub and accounts). Tracker events are not
 * account-scoped, so any valid token may read and write them: roles are per account and have nothing to
 * grant here. Off (the default), the guard lets everything through, so the seed's curl examples work as
 * written. Global (an APP_GUARD) so every tracker route is covered, including ones other modules add.
 */
@Injectable()
export class TrackerAuthGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.config.auth.trackerAuthRequired) return true;
    if (context.getType() === 'rpc') {
      if (!this.isTrackerRpc(context)) return true;
      const value = context.switchToRpc().getContext<MetadataLike>()?.get?.('authorization')?.[0];
      verifyAuthorization(Buffer.isBuffer(value) ? value.toString() : value, this.config.auth.jwtSecret);
      return true;
    }
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<{ url?: string; headers: Record<string, unknown> }>();
    if (!(req.url ?? '').startsWith(TRACKER_HTTP_PREFIX)) return true;
    verifyAuthorization(req.headers.authorization, this.config.auth.jwtSecret);
    return true;
  }

  private isTrackerRpc(context: ExecutionContext): boolean {
    const patterns = this.reflector.get<unknown>(PATTERN_METADATA, context.getHandler());
    return ([] as unknown[]).concat(patterns ?? []).some((p) => (p as { service?: unknown })?.service === TRACKER_GRPC_SERVICE);
  }
}
