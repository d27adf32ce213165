import { Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { GrpcMetricsInterceptor } from '../platform/metrics/metrics.interceptor';
import { AstraGrpcRequestPipe } from '../astra/grpc-request.pipe';
import { TrackerAuthGuard } from '../auth/tracker-auth.guard';
import { AllErrorsFilter } from '../platform/errors/all-errors.filter';
import { RateLimitGuard } from '../platform/rate-limit/rate-limit.guard';
import { ScanLimitInterceptor } from '../platform/scan-limit/scan-limit.interceptor';
import { createValidationPipe } from '../platform/validation/validation';

/**
 * What every HTTP route and gRPC method goes through, registered once as APP_* providers (so both transports
 * get them, and controller specs can mount the very same list): the error filter, the strict validation pipe,
 * the rate limit, TRACKER_AUTH, gRPC timing and the bound on scan queries in flight. Guards run in this order: budget first, then auth. Pipes too:
 * Astra gRPC requests are mapped to their DTOs' names first, then validated.
 */
export const GLOBAL_ENHANCERS: Provider[] = [
  { provide: APP_FILTER, useClass: AllErrorsFilter },
  { provide: APP_PIPE, useClass: AstraGrpcRequestPipe },
  { provide: APP_PIPE, useFactory: createValidationPipe },
  { provide: APP_GUARD, useClass: RateLimitGuard },
  { provide: APP_GUARD, useClass: TrackerAuthGuard },
  { provide: APP_INTERCEPTOR, useClass: GrpcMetricsInterceptor },
  { provide: APP_INTERCEPTOR, useClass: ScanLimitInterceptor },
];
