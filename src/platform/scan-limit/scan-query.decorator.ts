import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiProblems } from '../openapi/api-docs';

export const SCAN_QUERY = 'tracker:scan-query';

/**
 * Marks a handler (REST route or gRPC method) whose query reads a whole collection on the embedded store
 * (docs/store.md, "Scan queries"): ScanLimitInterceptor bounds how many run at once, in all
 * (SCAN_MAX_IN_FLIGHT) and per caller (SCAN_MAX_IN_FLIGHT_PER_CALLER).
 */
export const ScanQuery = () =>
  applyDecorators(
    SetMetadata(SCAN_QUERY, true),
    ApiProblems({
      429: 'Over the caller’s request budget (RATE_LIMIT_PER_MINUTE), or the caller already has SCAN_MAX_IN_FLIGHT_PER_CALLER scan queries in flight; Retry-After says when to come back',
      503: 'SCAN_MAX_IN_FLIGHT scan queries are in flight (or the store is unreachable); retry after Retry-After seconds',
    }),
  );
