import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingIds, startCreateLoad } from '../support/create-load';
import { reportFigure } from '../support/figures';
import { eventually, http } from '../support/http';
import { AppProcess, spawnApp, stopApp, stopStray, storePid as readStorePid, waitUntilEnded } from '../support/process-harness';

/** The store must be gone this soon after the service is killed (issue 12). */
const STORE_GONE_MS = 5000;

/**
 * Acknowledged means stored: under sustained create load the app is SIGKILLed (no shutdown hook runs). Its
 * embedded FerretDB must stop by itself (the stdin lifeline: src/platform/database/ferretdb/embedded-ferretdb.ts), finishing
 * the commands in flight, within 5 s; a new app on the same DATA_DIR must start and serve every id that was
 * answered 2xx. A crash by an uncaught error, and a store left running anyway, are in store-lifeline.e2e-spec.ts.
 */
describe('crash safety: SIGKILL under create load', () => {
  let dir: string;
  const procs: AppProcess[] = [];
  let firstStore = 0;
  const storePid = () => readStorePid(join(dir, 'data'));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-crash-'));
  });
  afterAll(async () => {
    for (const p of procs) await stopApp(p);
    // Only if the store outlived its app (the test failed): do not leave it running.
    if (firstStore) stopStray(firstStore);
    copyFileSync(join(dir, 'app.log'), join(tmpdir(), 'tracker-crash-safety-last.log'));
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops the store within 5 s, and finds every acknowledged id after a restart on the same DATA_DIR', async () => {
    const env = { DATA_DIR: join(dir, 'data') };
    const first = await spawnApp(env, join(dir, 'app.log'));
    procs.push(first);
    await eventually(async () => (await http('GET', `${first.http}/health/ready`)).status === 200, 30000);
    firstStore = storePid();

    const load = startCreateLoad(first.http, 12, 'crash');
    // Sustained load for a few seconds (the embedded SQLite store takes ~100 creates/s here), then the kill
    // lands while batches are in flight.
    await eventually(async () => load.acknowledged.length >= 400, 60000, 20);
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    await load.stop();
    const acknowledged = [...load.acknowledged];
    const inFlightAtKill = load.failures;
    // The killed app could not stop its store; the store saw its lifeline close and stopped by itself.
    const storeGoneMs = await waitUntilEnded(firstStore, killedAt, STORE_GONE_MS, "the SIGKILLed app's store");
    expect(readFileSync(join(dir, 'data', 'ferretdb', 'ferretdb.log'), 'utf8')).toContain('stdin closed');

    const started = Date.now();
    const second = await spawnApp(env, join(dir, 'app.log'));
    procs.push(second);
    await eventually(async () => (await http('GET', `${second.http}/health/ready`)).status === 200, 30000);
    const restartMs = Date.now() - started;
    expect(storePid()).not.toBe(firstStore);

    const missing = await missingIds(second.http, acknowledged);
    const list = await http('GET', `${second.http}/api/v1alpha1/events/list?per_page=1`);
    reportFigure(
      `crash safety: the store ended ${storeGoneMs} ms after the SIGKILL; ${acknowledged.length} creates acknowledged before it, ` +
        `${acknowledged.length - missing.length} found after restart (${list.body.totalCount} stored in all; ${inFlightAtKill} requests in flight ` +
        `at the kill got no answer); the restart took ${restartMs} ms`,
    );
    expect(missing).toEqual([]);
    expect(list.body.totalCount).toBeGreaterThanOrEqual(acknowledged.length);
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
  }, 150000);
});
