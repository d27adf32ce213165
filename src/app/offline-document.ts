import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { createHttpAdapter } from './bootstrap';
import { readEnv } from '../platform/config/read-env';
import { createGrpcRuntime } from '../platform/grpc/grpc-runtime';
import { buildOpenApiDocument } from '../platform/openapi/openapi-document';

/**
 * The same document `GET /docs-json` serves, built without starting anything: Nest's preview mode reads the
 * modules and controllers but instantiates no provider (no store, no ports). `npm run openapi` writes it to
 * docs/openapi.json; the OpenAPI spec checks that file is current.
 */
export async function buildOfflineDocument(): Promise<OpenAPIObject> {
  const env = readEnv({ isolated: true, overrides: { NODE_ENV: 'test', LOG_LEVEL: 'silent' } });
  const app = await NestFactory.create(AppModule.forRoot(env, createGrpcRuntime()), createHttpAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/** The document as docs/openapi.json holds it: JSON formatted by Prettier with the repository's settings. */
export async function documentText(document: OpenAPIObject, file: string): Promise<string> {
  const prettier = await import('prettier');
  const options = await prettier.resolveConfig(file);
  return prettier.format(JSON.stringify(document), { ...options, filepath: file });
}
