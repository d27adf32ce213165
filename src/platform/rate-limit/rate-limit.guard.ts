import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { callParts, type CallParts } from '../http/call-parts';
import { CallerIdentity } from '../http/caller-identity';
import { DomainError } from '../errors/domain-errors';

/** Throttler writes rate headers on HTTP; a gRPC call answers its retry hint in error metadata instead. */
const RPC_RESPONSE = { header: () => undefined };

/** What the throttler sees as the request: the headers its user-agent rules read, and who is calling. */
interface ThrottledCall {
  headers: Record<string, unknown>;
  parts: CallParts;
}

/**
 * One request budget per caller (RATE_LIMIT_PER_MINUTE), shared by every route and both transports: the
 * verified bearer-token subject (with the account on account routes), else the peer address. A made-up or
 * re-spaced token counts as no token, i.e. as its address. Probes and metrics opt out with @SkipThrottle();
 * Swagger is served outside Nest's router and is never counted. The counters are per instance (in memory).
 * Over budget: 429 with Retry-After on REST, RESOURCE_EXHAUSTED with `retry-after` metadata on gRPC.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly callers: CallerIdentity,
  ) {
    super(options, storage, reflector);
  }

  protected override getRequestResponse(context: ExecutionContext): { req: ThrottledCall; res: Record<string, unknown> } {
    const parts = callParts(context);
    if (context.getType() === 'rpc') return { req: { headers: {}, parts }, res: RPC_RESPONSE };
    const http = context.switchToHttp();
    return { req: { headers: http.getRequest<{ headers: Record<string, unknown> }>().headers, parts }, res: http.getResponse() };
  }

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    return this.callers.keyOf((req as unknown as ThrottledCall).parts);
  }

  /** Per caller, not per route: spreading calls over routes or transports does not multiply the budget. */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}|${tracker}`;
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfterSeconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    return Promise.reject(
      new DomainError('rate-limited', `Rate limit of ${detail.limit} requests per minute exceeded; retry in ${retryAfterSeconds} s.`, {
        retryAfterSeconds,
      }),
    );
  }
}
