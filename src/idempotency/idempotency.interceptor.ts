import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Metadata } from '@grpc/grpc-js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, map, Observable } from 'rxjs';
import { BearerVerifier } from '../auth/bearer-verifier';
import { userKey, verifiedPrincipal } from '../auth/caller';
import { callParts, type CallParts } from '../platform/http/call-parts';
import { checkIdempotencyKey, IDEMPOTENCY_HEADER, requestHash } from './idempotency-key';
import { IDEMPOTENT_OPERATION } from './idempotent.decorator';
import { IdempotencyService } from './idempotency.service';

/**
 * Applies idempotency keys to the handlers marked `@Idempotent(operation)`. A key is scoped to the operation,
 * the verified caller (the token's subject; `anonymous` without a valid token) and the account the call
 * addresses, built the same way on REST and gRPC, so two callers never share a key and a re-spelled header
 * is not a new caller.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
    private readonly verifier: BearerVerifier,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const operation = this.reflector.get<string | undefined>(IDEMPOTENT_OPERATION, context.getHandler());
    if (!operation) return next.handle();
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<FastifyRequest>();
      const key = checkIdempotencyKey(req.headers[IDEMPOTENCY_HEADER]);
      if (!key) return next.handle();
      const reply = context.switchToHttp().getResponse<FastifyReply>();
      const hash = requestHash({ body: req.body ?? null, query: req.query ?? {} });
      const run = async () => {
        const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
        const location = reply.getHeader('location');
        return { status: reply.statusCode, body, ...(typeof location === 'string' ? { location } : {}) };
      };
      return from(this.scope(operation, callParts(context)).then((scope) => this.idempotency.execute(scope, key, hash, run))).pipe(
        map(({ response, replayed }) => {
          if (replayed) {
            void reply.header('idempotent-replayed', 'true');
            if (response.location) void reply.header('location', response.location);
          }
          return response.body;
        }),
      );
    }
    if (context.getType() !== 'rpc') return next.handle();
    const metadata = context.switchToRpc().getContext<Metadata>();
    const key = checkIdempotencyKey(metadata?.get?.(IDEMPOTENCY_HEADER)?.[0]?.toString());
    if (!key) return next.handle();
    const hash = requestHash(context.switchToRpc().getData() ?? null);
    const run = async () => ({ status: 0, body: (await lastValueFrom(next.handle(), { defaultValue: undefined })) as unknown });
    return from(this.scope(operation, callParts(context)).then((scope) => this.idempotency.execute(scope, key, hash, run))).pipe(
      map(({ response }) => response.body),
    );
  }

  private async scope(operation: string, parts: CallParts): Promise<string> {
    const principal = await verifiedPrincipal(parts, this.verifier);
    const caller = principal ? userKey(principal) : 'anonymous';
    const account = typeof parts.accountId === 'string' ? parts.accountId : '-';
    return `${operation}|${caller}|${account}`;
  }
}
