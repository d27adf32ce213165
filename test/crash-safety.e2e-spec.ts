import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingIds, startCreateLoad } from './support/create-load';
import { reportFigure } from './support/figures';
import { eventually, http } from './support/http';
import { AppProcess, spawnApp } from './support/process-harness';
import { isAlive } from '../src/database/ferretdb/embedded-ferretdb';

/**
 * Acknowledged means stored: under sustained create load the app is SIGKILLed (no shutdown hook runs, its
 * embedded FerretDB is left running on the data dir); a new app on the same DATA_DIR must start despite the
 * stale store and serve every id that was answered 2xx.
 */
describe('crash safety: SIGKILL under create load', () => {
  let dir: string;
  let procs: AppProcess[] = [];
  const storePid = () => Number(readFileSync(join(dir, 'data', 'ferretdb', 'ferretdb.pid'), 'utf8'));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-crash-'));
  });
  afterAll(async () => {
    for (const p of procs) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGTERM');
        await Promise.race([p.exited, new Promise((r) => setTimeout(r, 10000))]);
      }
    }
    copyFileSync(join(dir, 'app.log'), join(tmpdir(), 'tracker-crash-safety-last.log'));
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds every acknowledged id after a restart on the same DATA_DIR', async () => {
    const env = { DATA_DIR: join(dir, 'data') };
    const first = await spawnApp(env, join(dir, 'app.log'));
    procs.push(first);
    await eventually(async () => (await http('GET', `${first.http}/health/ready`)).status === 200, 30000);
    const staleStore = storePid();

    const load = startCreateLoad(first.http, 12, 'crash');
    // Sustained load for a few seconds (the embedded SQLite store takes ~100 creates/s here), then the kill
    // lands while batches are in flight.
    await eventually(async () => load.acknowledged.length >= 400, 60000, 20);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    await load.stop();
    const acknowledged = [...load.acknowledged];
    const inFlightAtKill = load.failures;
    // The killed app could not stop its store: it is still running on the data dir.
    expect(isAlive(staleStore)).toBe(true);

    const started = Date.now();
    const second = await spawnApp(env, join(dir, 'app.log'));
    procs.push(second);
    await eventually(async () => (await http('GET', `${second.http}/health/ready`)).status === 200, 30000);
    const restartMs = Date.now() - started;
    // The stale store was stopped and replaced by the new app's own.
    await eventually(async () => !isAlive(staleStore), 10000);
    expect(storePid()).not.toBe(staleStore);

    const missing = await missingIds(second.http, acknowledged);
    const list = await http('GET', `${second.http}/api/v1alpha1/events/list?per_page=1`);
    reportFigure(
      `crash safety: ${acknowledged.length} creates acknowledged before SIGKILL, ${acknowledged.length - missing.length} found after restart ` +
        `(${list.body.totalCount} stored in all; ${inFlightAtKill} requests in flight at the kill got no answer); restart with a stale store took ${restartMs} ms`,
    );
    expect(missing).toEqual([]);
    expect(list.body.totalCount).toBeGreaterThanOrEqual(acknowledged.length);
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
  }, 150000);
});
