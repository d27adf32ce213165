import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, map, Observable } from 'rxjs';
import { checkIdempotencyKey, IDEMPOTENCY_HEADER, requestHash } from './idempotency-key';
import { IdempotencyService } from './idempotency.service';

const principal = (authorization: unknown) =>
  typeof authorization === 'string' && authorization ? createHash('sha256').update(authorization).digest('hex').slice(0, 24) : 'anonymous';

/**
 * Applies idempotency keys to every create: HTTP POSTs with an `Idempotency-Key` header and gRPC `Create*`
 * calls with `idempotency-key` metadata. A key is scoped to the operation, the caller's credentials and the
 * path parameters (an account), so two callers never share one.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const operation = `${context.getClass().name}.${context.getHandler().name}`;
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<FastifyRequest>();
      if (req.method !== 'POST') return next.handle();
      const key = checkIdempotencyKey(req.headers[IDEMPOTENCY_HEADER]);
      if (!key) return next.handle();
      const reply = context.switchToHttp().getResponse<FastifyReply>();
      const scope = `${operation}|${principal(req.headers.authorization)}|${JSON.stringify(req.params ?? {})}`;
      const hash = requestHash({ body: req.body ?? null, query: req.query ?? {} });
      const run = async () => {
        const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
        const location = reply.getHeader('location');
        return { status: reply.statusCode, body, ...(typeof location === 'string' ? { location } : {}) };
      };
      return from(this.idempotency.execute(scope, key, hash, run)).pipe(
        map(({ response, replayed }) => {
          if (replayed) {
            void reply.header('idempotent-replayed', 'true');
            if (response.location) void reply.header('location', response.location);
          }
          return response.body;
        }),
      );
    }
    if (context.getType() === 'rpc' && /^create/i.test(context.getHandler().name)) {
      const metadata = context.switchToRpc().getContext<Metadata>();
      const key = checkIdempotencyKey(metadata?.get?.(IDEMPOTENCY_HEADER)?.[0]?.toString());
      if (!key) return next.handle();
      const scope = `${operation}|${principal(metadata.get('authorization')[0]?.toString())}`;
      const hash = requestHash(context.switchToRpc().getData() ?? null);
      const run = async () => ({ status: 0, body: await lastValueFrom(next.handle(), { defaultValue: undefined }) });
      return from(this.idempotency.execute(scope, key, hash, run)).pipe(map(({ response }) => response.body));
    }
    return next.handle();
  }
}
