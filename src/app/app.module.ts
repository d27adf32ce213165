import { traceFields } from '../platform/tracing/tracing';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { GLOBAL_ENHANCERS } from './global-enhancers';
import { SlidingWindowStorage } from '../platform/rate-limit/sliding-window.storage';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { ActivityLogModule } from '../features/activity-log';
import { AuthModule } from '../auth/auth.module';
import { AppConfigModule } from '../platform/config/config.module';
import { EnvironmentVariables } from '../platform/config/env.schema';
import { DatabaseModule } from '../platform/database/database.module';
import { GrpcRuntime } from '../platform/grpc/grpc.options';
import { GRPC_RUNTIME } from '../platform/grpc/grpc.tokens';
import { HealthModule } from '../platform/health/health.module';
import { MetricsModule } from '../platform/metrics/metrics.module';
import { DeliveriesModule } from '../features/deliveries';
import { AstraNotificationsModule } from '../features/astra-notifications';
import { SystemModule } from '../platform/system/system.module';
import { TrackerEventsModule } from '../features/tracker-events';
import { LiveModule } from '../features/live';
import { CodeChangesModule } from '../features/code-changes';
import { IncidentIntakeModule, IncidentsModule } from '../features/incidents';
import { McpModule } from '../features/mcp';
import { InsightsModule } from '../features/insights';
import { LocksModule } from '../features/locks';

import { FreezesModule } from '../features/freezes';
import { IntakeModule } from '../features/intake';
import { requestIdFor } from '../platform/http/correlation-id';
import { redactUrl } from '../platform/http/redact-url';

const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

@Global()
@Module({})
class GrpcRuntimeModule {
  static forRoot(runtime: GrpcRuntime): DynamicModule {
    return { module: GrpcRuntimeModule, providers: [{ provide: GRPC_RUNTIME, useValue: runtime }], exports: [GRPC_RUNTIME] };
  }
}

/** The one request budget per caller (RateLimitGuard reads it): RATE_LIMIT_PER_MINUTE. */
export function rateLimitModule(env: EnvironmentVariables): DynamicModule {
  return ThrottlerModule.forRoot({
    throttlers: [{ name: 'default', ttl: 60_000, limit: env.RATE_LIMIT_PER_MINUTE }],
    storage: new SlidingWindowStorage(),
  });
}

/** Feature modules are listed here; everything else is shared infrastructure. */
export const FEATURE_MODULES: DynamicModule['imports'] = [
  SystemModule,
  TrackerEventsModule,
  ActivityLogModule,
  DeliveriesModule,
  AstraNotificationsModule,
  LocksModule,
  FreezesModule,
  LiveModule,
  CodeChangesModule,
  InsightsModule,
  IntakeModule,
  IncidentsModule,
  IncidentIntakeModule,
  McpModule,
];

@Module({})
export class AppModule {
  static forRoot(env: EnvironmentVariables, grpcRuntime: GrpcRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env),
        AuthModule,
        GrpcRuntimeModule.forRoot(grpcRuntime),
        LoggerModule.forRoot({
          pinoHttp: {
            level: env.LOG_LEVEL,
            genReqId: (req) => requestIdFor(req),
            // The trace and span ids of the request's span on every line logged while it runs (tracing on).
            mixin: traceFields,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]'],
            customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
            // Probes and scrapes are not request logs; matched exactly, so no other request can hide behind them.
            autoLogging: { ignore: (req) => QUIET_PATHS.has(req.url ?? '') },
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
            },
          },
        }),
        rateLimitModule(env),
        DiscoveryModule,
        DatabaseModule.forRoot(),
        MetricsModule,
        HealthModule,
        IdempotencyModule,
        ...(FEATURE_MODULES ?? []),
      ],
      providers: GLOBAL_ENHANCERS,
    };
  }
}
