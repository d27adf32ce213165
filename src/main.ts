import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, startApp } from './app/bootstrap';
import { readEnv } from './platform/config/read-env';
import { SHUTDOWN_DEADLINE_MS } from './platform/system/shutdown-deadline';

async function main(): Promise<void> {
  let env;
  try {
    env = readEnv();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
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
