import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config.service';
import { EnvironmentVariables } from './config/env.schema';
import { requestIdFor } from './common/http/correlation-id';
import { buildGrpcOptions, GrpcRuntime } from './grpc/grpc.options';
import { createGrpcRuntime } from './grpc/grpc-runtime';
import { MetricsService } from './metrics/metrics.service';
import { APP_VERSION } from './system/app-info';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface TrackerApp {
  app: NestFastifyApplication;
  config: AppConfig;
  grpc: GrpcRuntime;
}

/** The HTTP server as the app runs it (also what controller specs mount their one controller on). */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: (req: IncomingMessage) => requestIdFor(req),
    trustProxy: false,
    // Tracker's clients send `/path?x=1` as written in the seed; both slashes forms resolve.
    routerOptions: { ignoreTrailingSlash: true },
  });
}

/**
 * Builds the hybrid app (HTTP on Fastify + gRPC); the global pipe, filter, guards and interceptors are APP_*
 * providers (src/common/global-enhancers.ts), so they apply to both transports. Used by main.ts and by the e2e harness, so tests run exactly what ships.
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

  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (req, reply, done) => {
      const route = req.routeOptions?.url ?? 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      done();
    });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tracker')
      .setDescription('Tracker events, the Astra-style activity log and notifications')
      .setVersion(APP_VERSION)
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  const config = app.get(AppConfig);
  app.connectMicroservice(buildGrpcOptions(`${config.grpc.host}:${config.grpc.port}`, grpc), { inheritAppConfig: true });
  return { app, config, grpc };
}

/** Starts gRPC, then HTTP; resolves once both listen. */
export async function startApp({ app, config }: TrackerApp): Promise<void> {
  await app.startAllMicroservices();
  await app.listen(config.http.port, config.http.host);
}
