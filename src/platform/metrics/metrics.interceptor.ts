import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Observable, tap } from 'rxjs';
import { MetricsService } from './metrics.service';

/** Times gRPC calls; HTTP is timed by a Fastify hook so 404s and body errors count too. */
@Injectable()
export class GrpcMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const method = `${context.getClass().name}.${context.getHandler().name}`;
    const end = this.metrics.grpcDuration.startTimer({ method });
    // Observed once per call: a server stream emits many values (its first one counts).
    let observed = false;
    const observe = (code: string) => {
      if (observed) return;
      observed = true;
      end({ code });
    };
    return next.handle().pipe(
      tap({
        next: () => observe(String(GrpcStatus.OK)),
        error: () => observe('error'),
      }),
    );
  }
}
