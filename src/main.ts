import 'reflect-metadata';
import { readEnv } from './platform/config/read-env';
import { APP_VERSION } from './platform/system/app-info';
import { SHUTDOWN_DEADLINE_MS } from './platform/system/shutdown-deadline';
import { startTracing } from './platform/tracing/tracing';

async function main(): Promise<void> {
  let env;
  try {
    env = readEnv();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  // Tracing (when OTEL_EXPORTER_OTLP_ENDPOINT is set) instruments http, gRPC and the MongoDB driver as they are
  // loaded, so the app is loaded only now.
  const tracing = startTracing({
    endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: env.OTEL_SERVICE_NAME,
    serviceVersion: APP_VERSION,
  });
  const { Logger } = await import('@nestjs/common');
  const { createApp, startApp } = await import('./app/bootstrap');
  const tracker = await createApp(env);
  const logger = new Logger('Main');
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    // Readiness fails and the listener closes now; the app's close waits for the connections still open.
    void tracker.drain.begin();
    logger.log(`${signal} received: draining`);
    setTimeout(() => {
      logger.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    tracker.app
      .close()
      .then(() => tracing?.shutdown())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await startApp(tracker);
  logger.log(`HTTP on ${env.HTTP_HOST}:${env.HTTP_PORT}, gRPC on ${env.GRPC_HOST}:${env.GRPC_PORT}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`Tracker failed to start: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
