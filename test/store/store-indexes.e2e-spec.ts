import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { eventually, http } from '../support/http';
import { AppProcess, spawnApp, stopApp } from '../support/process-harness';

/** The port the embedded FerretDB listens on, from the service's latest start-up log line (the log is appended to). */
function embeddedStorePort(logFile: string): number | undefined {
  const started = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('embedded FerretDB started'));
  return started.length > 0 ? (JSON.parse(started[started.length - 1]) as { port?: number }).port : undefined;
}

/**
 * The embedded store keeps only unique indexes (StoreIndexes): FerretDB never reads through a secondary index
 * but maintains each one on every write. A read index left by an earlier version in the same DATA_DIR is dropped
 * at the next start; the unique indexes the exclusive inserts rely on are there before the first request.
 */
describe('embedded store indexes', () => {
  let dir: string;
  let proc: AppProcess | undefined;

  const start = async (): Promise<{ app: AppProcess; store: MongoClient }> => {
    const log = join(dir, 'service.log');
    const app = await spawnApp({ DATA_DIR: join(dir, 'data') }, log);
    proc = app;
    await eventually(async () => (await http('GET', `${app.http}/health/ready`)).status === 200, 30000);
    const port = await eventually(() => Promise.resolve(embeddedStorePort(log)));
    const store = await MongoClient.connect(`mongodb://127.0.0.1:${port}/tracker`, { serverSelectionTimeoutMS: 5000 });
    return { app, store };
  };
  const indexNames = async (store: MongoClient, collection: string) =>
    (await store.db('tracker').collection(collection).indexes()).map((index) => index.name).sort();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-indexes-'));
  });
  afterAll(async () => {
    if (proc) await stopApp(proc);
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds only the unique indexes, and drops a read index an earlier version left behind', async () => {
    const first = await start();
    try {
      const { store } = first;
      expect(await indexNames(store, 'tracker_events')).toEqual(['_id_']);
      expect(await indexNames(store, 'activity_events')).toEqual(['_id_', 'accountID_1_sequenceCount_1']);
      await store.db('tracker').collection('tracker_events').createIndex({ 'attributes.service': 1, eventAt: -1 });
      expect(await indexNames(store, 'tracker_events')).toEqual(['_id_', 'attributes.service_1_eventAt_-1']);
    } finally {
      await first.store.close();
      await stopApp(first.app);
    }

    const { store } = await start();
    try {
      expect(await indexNames(store, 'tracker_events')).toEqual(['_id_']);
      expect(await indexNames(store, 'activity_events')).toEqual(['_id_', 'accountID_1_sequenceCount_1']);
    } finally {
      await store.close();
    }
  });
});
