import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, MongoClient, OptionalUnlessRequiredId } from 'mongodb';
import { createApp, startApp, TrackerApp } from '../src/app/bootstrap';
import { REPO_ROOT } from '../src/platform/repo-root';
import { readEnv } from '../src/platform/config/read-env';
import { EmbeddedFerretDb, freePort } from '../src/platform/database/ferretdb/embedded-ferretdb';
import { ensureFerretDbBinary } from '../src/platform/database/ferretdb/ferretdb-binary';
import { buildEventRecord } from '../src/features/tracker-events/domain/event-record';
import type { CreateEventDto } from '../src/features/tracker-events/dto/event-body.dto';
import type { TrackerEventRecord } from '../src/features/tracker-events/data/tracker-event.schema';

const SERVICES = 20;

/**
 * A create body like the seed's deployment example; `marker` is replaced per request by the load tool so
 * every body is unique. gRPC takes the same fields under their proto names.
 */
export function trackerCreateBody(marker: string, via: 'rest' | 'grpc' = 'rest'): Record<string, unknown> {
  const attributes = {
    message: 'Deployed via the benchmark',
    type: 1,
    priority: 2,
    service: 'bench-service',
    status: 3,
    environment: 7,
    owner: 'platform-team',
  };
  return via === 'rest'
    ? {
        title: `Deploy bench-service build ${marker}`,
        attributes,
        links: { pullRequestLink: 'https://github.com/org/repo/pull/123', ticket: 'PROJ-456' },
      }
    : {
        title: `Deploy bench-service build ${marker}`,
        attributes,
        links: { pull_request_link: 'https://github.com/org/repo/pull/123', ticket: 'PROJ-456' },
      };
}

/**
 * `count` documents exactly as the service stores them (its own record builder), spread over 20 services and
 * the first half of 2024, so a service + one-month search matches about 1/120 of them; one in 50 is dated
 * today (UTC), so the today page has events.
 */
export function seedTrackerEvents(count: number, first: number): TrackerEventRecord[] {
  const out: TrackerEventRecord[] = [];
  const today = new Date().setUTCHours(0, 0, 0, 0);
  for (let i = 0; i < count; i++) {
    const n = first + i;
    const start = new Date(n % 50 === 49 ? today + (n % 1440) * 60_000 : Date.UTC(2024, 0, 1) + ((n * 7919) % (182 * 24)) * 3600_000);
    const dto = {
      title: `Seeded deployment ${n}`,
      attributes: {
        type: 1 + (n % 5),
        priority: 1 + (n % 5),
        service: `svc-${n % SERVICES}`,
        status: 3,
        environment: 1 + (n % 8),
        startDate: start.toISOString(),
      },
      links: {},
    } as unknown as CreateEventDto;
    out.push(buildEventRecord(dto, new Date(), 'bench'));
  }
  return out;
}

/** The app running in this process on a private embedded FerretDB, for the in-process latency benches. */
export interface BenchApp {
  /** `http://127.0.0.1:<port>`, the REST base. */
  http: string;
  /** The raw driver on the app's database (seeding, and the scan the figures are compared with). */
  client: MongoClient;
  /** The app itself (a bench may look up its services, e.g. to count the reads an answer makes). */
  tracker: TrackerApp;
  /** Inserts `docs` into `collection` through the driver, 1,000 at a time. */
  seed<T extends Document>(collection: string, docs: OptionalUnlessRequiredId<T>[]): Promise<void>;
  /** Stops the app and the store and deletes the store's files. */
  close(): Promise<void>;
}

/**
 * Starts FerretDB on a fresh temporary data directory (database `name`) and the app on free local ports, silent;
 * `env` adds settings (e.g. a higher rate limit).
 */
export async function startBenchApp(name: string, env: Record<string, string> = {}): Promise<BenchApp> {
  const dataDir = mkdtempSync(join(tmpdir(), `tracker-${name}-`));
  const store = new EmbeddedFerretDb({ binPath: ensureFerretDbBinary(join(REPO_ROOT, '.bin', 'ferretdb'), () => undefined), dataDir });
  const stopStore = async () => {
    await store.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await store.start();
    const uri = `mongodb://127.0.0.1:${store.port}/${name}?directConnection=true`;
    const [httpPort, grpcPort] = [await freePort(), await freePort()];
    const overrides: Record<string, string> = {
      LOG_LEVEL: 'silent',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: String(grpcPort),
      MONGODB_URI: uri,
      ...env,
    };
    const tracker = await createApp(readEnv({ isolated: true, overrides }));
    await startApp(tracker);
    const client = await MongoClient.connect(uri);
    return {
      http: `http://127.0.0.1:${httpPort}`,
      client,
      tracker,
      async seed<T extends Document>(collection: string, docs: OptionalUnlessRequiredId<T>[]) {
        for (let i = 0; i < docs.length; i += 1000)
          await client
            .db()
            .collection<T>(collection)
            .insertMany(docs.slice(i, i + 1000));
      },
      async close() {
        await client.close();
        await tracker.app.close();
        await stopStore();
      },
    };
  } catch (err) {
    await stopStore();
    throw err;
  }
}
