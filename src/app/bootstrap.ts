import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AppConfig } from '../platform/config/app-config.service';
import { EnvironmentVariables } from '../platform/config/env.schema';
import { answerClientError } from '../platform/http/client-error';
import { sendSecurityHeaders } from '../platform/http/security-headers';
import { requestIdFor } from '../platform/http/correlation-id';
import { isCalendarBodyRoute } from '../platform/http/raw-body';
import { InvalidInputError } from '../platform/errors/domain-errors';
import { toProblem } from '../platform/errors/problem';
import { BoundedFastifyAdapter } from '../platform/validation/bounded-fastify-adapter';
import { assertWithinBounds } from '../platform/validation/validation';
import { buildOpenApiDocument } from '../platform/openapi/openapi-document';
import { buildGrpcOptions, GrpcRuntime } from '../platform/grpc/grpc.options';
import { createGrpcRuntime } from '../platform/grpc/grpc-runtime';
import { Draining } from '../platform/health/draining';
import { MetricsService } from '../platform/metrics/metrics.service';
import { HttpDrain } from '../platform/system/http-drain';
import { serveWebConsole } from './web-console';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface TrackerApp {
  app: NestFastifyApplication;
  config: AppConfig;
  grpc: GrpcRuntime;
  /** SIGTERM and SIGINT begin it at once (readiness fails, the listener closes); closing the app waits for it. */
  drain: HttpDrain;
}

/**
 * The HTTP server as the app runs it (also what controller specs mount their one controller on). Its JSON parser
 * refuses a structurally hostile body (input bounds) before parsing it.
 */
export function createHttpAdapter(): FastifyAdapter {
  return new BoundedFastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: (req: IncomingMessage) => requestIdFor(req),
    trustProxy: false,
    // While the app closes, a request on a connection still open is served as usual (with `Connection: close`):
    // HttpDrain has already stopped new connections, and the store is up until the last one ends.
    return503OnClosing: false,
    // Tracker's clients send `/path?x=1` as written in the seed; both slashes forms resolve.
    routerOptions: { ignoreTrailingSlash: true },
    // A URL the router cannot read (bad percent-encoding: `%zz`, `%FF`, a lone surrogate) never reaches a route,
    // so the global filter never sees it: answer it here, in the same problem+json shape.
    clientErrorHandler: answerClientError,
    frameworkErrors: (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      const refusal =
        error.code === 'FST_ERR_BAD_URL'
          ? new InvalidInputError('The request URL cannot be read.', [{ name: 'path', reason: 'is not valid percent-encoding' }])
          : new InvalidInputError('The request cannot be routed.');
      const { status, body } = toProblem(refusal, false, String(req.id));
      void reply.status(status).header('content-type', 'application/problem+json').send(JSON.stringify(body));
    },
  });
}

/**
 * Builds the hybrid app (HTTP on Fastify + gRPC); the global pipe, filter, guards and interceptors are APP_*
 * providers (src/app/global-enhancers.ts), so they apply to both transports. Used by main.ts and by the e2e harness, so tests run exactly what ships.
 */
export async function createApp(env: EnvironmentVariables): Promise<TrackerApp> {
  const grpc = createGrpcRuntime();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env, grpc), createHttpAdapter(), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  sendSecurityHeaders(app.getHttpServer(), fastify, { hstsMaxAge: app.get(AppConfig).http.hstsMaxAge });
  const drain = new HttpDrain(app.getHttpServer(), app.get(Draining));
  // Fastify's own close would close idle connections at once: the drain has ended them all before it runs.
  fastify.addHook('preClose', () => drain.begin());

  // The input bounds (docs/security.md) on every parsed body (any content type; for JSON the parser already
  // checked the structure, this adds string and key lengths), before guards, interceptors (the idempotency
  // hash) and pipes see it: like the 1 MB limit and malformed JSON, a hostile body is refused first, as
  // problem+json through the global filter. The validation pipe applies each DTO's own tighter caps later.
  // A text/calendar body (the freezes import) is one string of up to 10 MB: its parser bounds its size, and the
  // import bounds its VEVENTs (413), so the JSON string caps would refuse any real calendar as a 400.
  fastify.addHook('preValidation', (req, _reply, done) => {
    try {
      if (req.body !== undefined && !isCalendarBodyRoute(req)) assertWithinBounds(req.body, undefined, 'body');
      done();
    } catch (err) {
      done(err as Error);
    }
  });

  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  const config = app.get(AppConfig);
  if (config.ui.enabled && !(await serveWebConsole(app, { root: config.ui.root }))) {
    app.get(Logger).warn(`web console not built (${config.ui.root} is empty): run npm run web:build, or npm start`);
  }
  app.connectMicroservice(buildGrpcOptions(`${config.grpc.host}:${config.grpc.port}`, grpc), { inheritAppConfig: true });
  return { app, config, grpc, drain };
}

/** Starts gRPC, then HTTP; resolves once both listen. */
export async function startApp({ app, config }: TrackerApp): Promise<void> {
  await app.startAllMicroservices();
  await app.listen(config.http.port, config.http.host);
}
