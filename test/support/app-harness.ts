import { randomBytes } from 'node:crypto';
import { createApp, startApp, TrackerApp } from '../../src/app/bootstrap';
import { readEnv } from '../../src/platform/config/read-env';
import { freePort } from '../../src/platform/database/ferretdb/embedded-ferretdb';
import { TEST_JWT_SECRET } from './auth';
import { registerTrackerOrigin } from './openapi-validator';

export interface TestApp {
  /** e.g. http://127.0.0.1:41234 */
  http: string;
  /** e.g. 127.0.0.1:41235 */
  grpc: string;
  database: string;
  storeUri: string;
  tracker: TrackerApp;
  close(): Promise<void>;
}

/** A database name no other test file uses (one SQLite file each: no contention between files). */
export function freshDatabaseName(prefix = 't'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export function testStoreUri(database: string): string {
  const port = process.env.TRACKER_TEST_STORE_PORT;
  if (!port) throw new Error('TRACKER_TEST_STORE_PORT is not set: run e2e tests through jest (globalSetup starts the store)');
  return `mongodb://127.0.0.1:${port}/${database}?directConnection=true`;
}

/**
 * Boots the whole hybrid app in this process on free ports against the run's FerretDB. Pass the same
 * `database` to two calls to get two instances sharing one store.
 */
export async function startTestApp(options: { env?: Record<string, string>; database?: string } = {}): Promise<TestApp> {
  const database = options.database ?? freshDatabaseName();
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const storeUri = testStoreUri(database);
  const env = readEnv({
    isolated: true,
    overrides: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HTTP_HOST: '127.0.0.1',
      GRPC_HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      GRPC_PORT: String(grpcPort),
      MONGODB_URI: storeUri,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      ...options.env,
    },
  });
  const tracker = await createApp(env);
  await startApp(tracker);
  registerTrackerOrigin(`http://127.0.0.1:${httpPort}`);
  return {
    http: `http://127.0.0.1:${httpPort}`,
    grpc: `127.0.0.1:${grpcPort}`,
    database,
    storeUri,
    tracker,
    close: () => tracker.app.close(),
  };
}
