import { join } from 'node:path';
import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { rateLimitModule } from '../../src/app/app.module';
import { createHttpAdapter } from '../../src/app/bootstrap';
import { GLOBAL_ENHANCERS } from '../../src/app/global-enhancers';
import { AuthModule } from '../../src/auth/auth.module';
import { IdempotencyService, StoredResponse } from '../../src/idempotency/idempotency.service';
import { AppConfigModule } from '../../src/platform/config/config.module';
import { readEnv } from '../../src/platform/config/read-env';
import { freePort } from '../../src/platform/database/ferretdb/embedded-ferretdb';
import { buildGrpcOptions, PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { createGrpcRuntime } from '../../src/platform/grpc/grpc-runtime';
import { MetricsService } from '../../src/platform/metrics/metrics.service';
import { TEST_JWT_SECRET } from './auth';
import { grpcClient, UnaryClient } from './grpc-client';
import type { HttpResult } from './http';

export interface ControllerAppOptions {
  /** The controller(s) under test, with their own decorators (routes, guards, roles). */
  controllers: Type[];
  /** What they inject, stubbed: `{ provide: SomeService, useValue: stub }`. */
  providers: Provider[];
  /** Settings over the test defaults, e.g. `{ TRACKER_AUTH: 'required' }`. */
  env?: Record<string, string>;
  /** Also serve gRPC (the app's protos and options) on a free port, with a client of one service (proto under proto/). */
  grpc?: { proto: string; service: string };
}

/**
 * IdempotencyService for the controller tier (no store): IdempotencyInterceptor runs for real in front of every
 * handler marked @Idempotent(), and this records each call's scope, key and request hash, runs the handler, or
 * answers the response given to `replayNext` as a replay. A plain object, so jest.resetAllMocks() leaves it working.
 */
export class ControllerIdempotency implements Pick<IdempotencyService, 'execute'> {
  readonly calls: { scope: string; key: string; hash: string }[] = [];
  private readonly replays: StoredResponse[] = [];

  /** The next call answers `response` as the stored answer to an earlier request with its key. */
  replayNext(response: StoredResponse): void {
    this.replays.push(response);
  }

  async execute(
    scope: string,
    key: string,
    hash: string,
    run: () => Promise<StoredResponse>,
  ): Promise<{ response: StoredResponse; replayed: boolean }> {
    this.calls.push({ scope, key, hash });
    const replay = this.replays.shift();
    return replay ? { response: replay, replayed: true } : { response: await run(), replayed: false };
  }

  clear(): void {
    this.calls.length = 0;
    this.replays.length = 0;
  }
}

export interface ControllerApp {
  app: NestFastifyApplication;
  /** What the global IdempotencyInterceptor asked for (and what it should replay). */
  idempotency: ControllerIdempotency;
  /** The client of the gRPC service named in the options (closed with the app). */
  readonly rpc: UnaryClient;
  /** One HTTP request through Fastify's router (no socket); the answer in the e2e `http()` shape. */
  request<T = any>(
    method: string,
    path: string,
    options?: { body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<HttpResult<T>>;
  close(): Promise<void>;
}

@Module({})
class ControllerTestModule {}

/**
 * The controller test tier (Immich's middle tier): one controller behind the app's real HTTP server options,
 * global filter, pipes, guards and interceptors (GLOBAL_ENHANCERS, the list AppModule registers, every one of
 * them), with its services stubbed, so routing, validation, auth, idempotency keys and error mapping are tested
 * without a store.
 */
export async function startControllerApp(options: ControllerAppOptions): Promise<ControllerApp> {
  const grpcAddress = options.grpc && `127.0.0.1:${await freePort()}`;
  const idempotency = new ControllerIdempotency();
  const env = readEnv({
    isolated: true,
    overrides: { NODE_ENV: 'test', AUTH_JWT_SECRET: TEST_JWT_SECRET, ...options.env },
  });
  const module: DynamicModule = {
    module: ControllerTestModule,
    imports: [AppConfigModule.forRoot(env), AuthModule, rateLimitModule(env), DiscoveryModule],
    controllers: options.controllers,
    // MetricsService: the global gRPC timing interceptor records into it; IdempotencyService: the idempotency one asks it.
    providers: [...GLOBAL_ENHANCERS, MetricsService, { provide: IdempotencyService, useValue: idempotency }, ...options.providers],
  };
  // No logger: the filter's error logs of the error-mapping tables are expected, not news.
  const app = await NestFactory.create<NestFastifyApplication>(module, createHttpAdapter(), { logger: false, abortOnError: false });
  if (grpcAddress) {
    app.connectMicroservice(buildGrpcOptions(grpcAddress, createGrpcRuntime()), { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const client =
    options.grpc && grpcAddress ? grpcClient(grpcAddress, join(PROTO_ROOT, options.grpc.proto), options.grpc.service) : undefined;
  return {
    app,
    idempotency,
    get rpc() {
      if (!client) throw new Error('startControllerApp: no grpc option, no gRPC client');
      return client;
    },
    async request(method, path, { body, raw, headers = {} } = {}) {
      const json = body !== undefined && raw === undefined;
      const res = await app.inject({
        method: method as 'GET',
        url: path,
        headers: json ? { 'content-type': 'application/json', ...headers } : headers,
        payload: raw ?? (json ? JSON.stringify(body) : undefined),
      });
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : String(value));
      }
      const text = res.body;
      const parsed = /json/.test(responseHeaders.get('content-type') ?? '') && text.length > 0 ? JSON.parse(text) : text;
      return { status: res.statusCode, headers: responseHeaders, body: parsed, text };
    },
    async close() {
      client?.close();
      await app.close();
    },
  };
}

/** A stand-in for a service: one jest.fn per named method (give each a value in the spec's beforeEach). */
export function stubOf<T, K extends keyof T>(...methods: K[]): jest.Mocked<Pick<T, K>> {
  return Object.fromEntries(methods.map((m) => [m, jest.fn()])) as unknown as jest.Mocked<Pick<T, K>>;
}
