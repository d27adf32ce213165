import { Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { GrpcMetricsInterceptor } from '../platform/metrics/metrics.interceptor';
import { AstraGrpcRequestPipe } from '../astra/grpc-request.pipe';
import { TrackerAuthGuard } from '../auth/tracker-auth.guard';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';
import { AllErrorsFilter } from '../platform/errors/all-errors.filter';
import { RateLimitGuard } from '../platform/rate-limit/rate-limit.guard';
import { ScanLimitInterceptor } from '../platform/scan-limit/scan-limit.interceptor';
import { createValidationPipe } from '../platform/validation/validation';

/**
 * What every HTTP route and gRPC method goes through, registered once as APP_* providers (so both transports
 * get them, and controller specs can mount the very same list): the error filter, the strict validation pipe,
 * the rate limit, TRACKER_AUTH, gRPC timing, the bound on scan queries in flight and idempotency keys. Each kind
 * runs in this order (docs/architecture.md, "How a request flows"): guards budget first, then auth; pipes map
 * Astra gRPC requests to their DTOs' names first, then validate; interceptors time gRPC calls outermost, then bound
 * scans, then apply idempotency keys (IdempotencyInterceptor needs IdempotencyService: AppModule imports
 * IdempotencyModule, the controller-spec harness provides a stand-in).
 */
export const GLOBAL_ENHANCERS: Provider[] = [
  { provide: APP_FILTER, useClass: AllErrorsFilter },
  { provide: APP_PIPE, useClass: AstraGrpcRequestPipe },
  { provide: APP_PIPE, useFactory: createValidationPipe },
  { provide: APP_GUARD, useClass: RateLimitGuard },
  { provide: APP_GUARD, useClass: TrackerAuthGuard },
  { provide: APP_INTERCEPTOR, useClass: GrpcMetricsInterceptor },
  { provide: APP_INTERCEPTOR, useClass: ScanLimitInterceptor },
  { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
];
