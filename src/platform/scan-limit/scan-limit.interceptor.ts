import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { finalize, Observable } from 'rxjs';
import { AppConfig } from '../config/app-config.service';
import { callParts } from '../http/call-parts';
import { CallerIdentity } from '../http/caller-identity';
import { DomainError } from '../errors/domain-errors';
import { SCAN_QUERY } from './scan-query.decorator';
import { ScanGate } from './scan-gate';

/**
 * Bounds the @ScanQuery() handlers in flight (per instance): a caller past its share gets 429
 * (RESOURCE_EXHAUSTED on gRPC), anyone once all slots are taken 503 (UNAVAILABLE), both with Retry-After.
 * The caller is the one the rate limit counts (verified subject, else the address). Interceptors run after the
 * guards, so a call refused by the rate limit or auth never takes a slot; the slot is held until the handler
 * has its answer or fails (a client that hangs up does not free it early: the store still runs its query).
 */
@Injectable()
export class ScanLimitInterceptor implements NestInterceptor {
  private readonly gate: ScanGate;

  constructor(
    private readonly reflector: Reflector,
    private readonly callers: CallerIdentity,
    config: AppConfig,
  ) {
    this.gate = new ScanGate(config.scans.maxInFlight, config.scans.maxInFlightPerCaller);
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (!this.reflector.get<boolean | undefined>(SCAN_QUERY, context.getHandler())) return next.handle();
    const caller = await this.callers.keyOf(callParts(context));
    const slot = this.gate.enter(caller);
    if ('reason' in slot) throw this.refusal(slot.reason, slot.retryAfterSeconds);
    return next.handle().pipe(finalize(() => slot.release()));
  }

  private refusal(reason: 'caller-full' | 'total-full', retryAfterSeconds: number): DomainError {
    return reason === 'caller-full'
      ? new DomainError(
          'rate-limited',
          `At most ${this.gate.maxPerCaller} scan queries per caller may run at once (SCAN_MAX_IN_FLIGHT_PER_CALLER); retry in ${retryAfterSeconds} s.`,
          { retryAfterSeconds, members: { limit: 'SCAN_MAX_IN_FLIGHT_PER_CALLER' } },
        )
      : new DomainError(
          'unavailable',
          `${this.gate.maxInFlight} scan queries are running, the most this instance runs at once (SCAN_MAX_IN_FLIGHT); retry in ${retryAfterSeconds} s.`,
          { retryAfterSeconds, members: { limit: 'SCAN_MAX_IN_FLIGHT' } },
        );
  }
}
