import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Observable, throwError } from 'rxjs';
import { classifyError } from './classify-error';
import { DomainError } from './domain-errors';
import { KIND_STATUS } from './problem-catalog';
import { isAstraPath, toProblem } from './problem';
import { ASTRA_PROBLEM_BASE, ASTRA_PROBLEMS, TRACKER_PROBLEM_BASE } from './problem-catalog';
import { correlationIdOf, correlationIdOfMetadata } from '../http/correlation-id';
import { prefix, wellFormed } from '../validation/text';

/**
 * The single error mapping: domain errors (and framework/store errors classified into them) become
 * application/problem+json on HTTP and a gRPC status on gRPC. Anything unclassified is a bug: logged with
 * its stack, answered 500 / INTERNAL without internals.
 */
@Catch()
export class AllErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllErrorsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    const domain = classifyError(exception);
    if (host.getType() === 'rpc') {
      // Like REST problems, every gRPC error names its correlation id (trailing metadata `correlation-id`).
      const correlationID = correlationIdOfMetadata(host.switchToRpc().getContext<Metadata | undefined>());
      const metadata = new Metadata();
      metadata.set('correlation-id', correlationID);
      if (!domain) {
        this.logger.error({ err: exception, correlationID }, 'unhandled error in gRPC handler');
        return throwError(() => ({ code: GrpcStatus.INTERNAL, message: 'Internal error', metadata }));
      }
      if (domain.kind === 'unavailable') this.logger.warn({ err: exception, correlationID }, 'store unavailable');
      if (domain.extra.retryAfterSeconds) metadata.set('retry-after', String(domain.extra.retryAfterSeconds));
      return throwError(() => ({ code: KIND_STATUS[domain.kind].grpc, message: grpcDetails(domain.message), metadata }));
    }
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    this.sendHttpProblem(request, reply, domain, exception);
  }

  private sendHttpProblem(request: FastifyRequest, reply: FastifyReply, domain: DomainError | undefined, exception: unknown): void {
    // The problem flavour follows the matched route (its pattern), not the request line's spelling; only an
    // unmatched request (a 404) falls back to the path it asked for.
    const astra = isAstraPath(request.routeOptions?.url ?? request.url);
    const correlationID = correlationIdOf(request);
    if (!domain) {
      this.logger.error({ err: exception, correlationID }, 'unhandled error');
      const body = astra
        ? {
            type: `${ASTRA_PROBLEM_BASE}34`,
            title: ASTRA_PROBLEMS[34].title,
            detail: ASTRA_PROBLEMS[34].detail,
            status: '500',
            correlationID,
          }
        : {
            type: `${TRACKER_PROBLEM_BASE}internal`,
            title: 'Internal server error',
            detail: 'The server was unable to process this request.',
            status: '500',
            correlationID,
          };
      void reply.status(500).header('content-type', 'application/problem+json').send(JSON.stringify(body));
      return;
    }
    if (domain.kind === 'unavailable') this.logger.warn({ err: exception, correlationID }, 'store unavailable');
    const { status, body } = toProblem(domain, astra, correlationID ?? randomUUID());
    if (domain.extra.retryAfterSeconds) void reply.header('retry-after', String(domain.extra.retryAfterSeconds));
    if (domain.extra.allow) void reply.header('allow', domain.extra.allow);
    void reply.status(status).header('content-type', 'application/problem+json').send(JSON.stringify(body));
  }
}

/**
 * gRPC carries the message in a trailer (an HTTP/2 header): a message echoing a huge input (an id of 300 KB)
 * would pass the peer's header-list limit, and the peer then resets the whole connection, failing every call
 * on it with UNAVAILABLE. So details are capped well below the common 8-16 KB limits.
 */
const MAX_GRPC_DETAILS = 1024;
function grpcDetails(message: string): string {
  // Well-formed: grpc-js percent-encodes the message with encodeURI, which throws on a lone surrogate (an echoed
  // input cut through a pair), and the call would then never be answered.
  const text = wellFormed(message);
  return text.length <= MAX_GRPC_DETAILS ? text : `${prefix(text, MAX_GRPC_DETAILS)}... (truncated)`;
}
