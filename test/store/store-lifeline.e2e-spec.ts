import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/platform/database/ferretdb/embedded-ferretdb';
import { REPO_ROOT } from '../../src/platform/repo-root';
import { SHUTDOWN_DEADLINE_MS } from '../../src/platform/system/shutdown-deadline';
import { missingIds, startCreateLoad } from '../support/create-load';
import { eventually, http } from '../support/http';
import { reportFigure } from '../support/figures';
import {
  AppProcess,
  hasEnded,
  parentPid,
  spawnApp,
  spawnNpmStart,
  stopApp,
  stopStray,
  storePid,
  waitUntilEnded,
} from '../support/process-harness';

/** The store must be gone this soon after the service dies (issue 12). */
const STORE_GONE_MS = 5000;
const CRASH_PRELOAD = join(__dirname, '..', 'support', 'crash-on-sigusr2.js');

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * The embedded store runs detached (its own process group) and must not outlive the service: it holds a pipe to
 * the service on stdin and stops, as on SIGTERM, when that pipe closes. SIGKILL under load is in
 * crash-safety.e2e-spec.ts; here a crash by an uncaught error, `npm start` stopped by SIGTERM, and a store left
 * running without a lifeline (an older launcher), which the next start must still stop.
 */
describe('store lifeline: the embedded store does not outlive the service', () => {
  let dir: string;
  const procs: AppProcess[] = [];
  const logs: string[] = [];
  /** Services and stores a failing test could leave behind (npm gone, no lifeline): SIGTERMed in afterAll. */
  const strays: number[] = [];
  const start = async (name: string, spawnIt: (env: Record<string, string>, log: string) => Promise<AppProcess>) => {
    const dataDir = join(dir, name);
    const log = join(dir, `${name}.log`);
    logs.push(log);
    const proc = await spawnIt({ DATA_DIR: dataDir }, log);
    procs.push(proc);
    await eventually(async () => (await http('GET', `${proc.http}/health/ready`)).status === 200, 30000);
    return { proc, dataDir, log };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-lifeline-'));
  });
  afterAll(async () => {
    for (const p of procs) await stopApp(p);
    strays.forEach(stopStray);
    for (const log of logs) copyFileSync(log, join(tmpdir(), `tracker-store-lifeline-last-${log.split('/').pop()}`));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a crash (uncaught error) under load: the store ends within 5 s; a restart on the same DATA_DIR has every acknowledged write', async () => {
    const { proc, dataDir, log } = await start('crash', (env, file) => spawnApp(env, file, { nodeArgs: ['--require', CRASH_PRELOAD] }));
    const store = storePid(dataDir);
    strays.push(store);
    const load = startCreateLoad(proc.http, 8, 'lifeline-crash');
    await eventually(async () => load.acknowledged.length >= 200, 60000, 20);

    const crashedAt = Date.now();
    proc.child.kill('SIGUSR2');
    expect(await proc.exited).toBe(1);
    await load.stop();
    const acknowledged = [...load.acknowledged];
    expect(readFileSync(log, 'utf8')).toContain('test crash: an uncaught error');
    const storeGoneMs = await waitUntilEnded(store, crashedAt, STORE_GONE_MS, "the crashed app's store");
    expect(readFileSync(join(dataDir, 'ferretdb', 'ferretdb.log'), 'utf8')).toContain('stdin closed');

    const second = await spawnApp({ DATA_DIR: dataDir }, join(dir, 'crash-restart.log'));
    logs.push(second.logFile);
    procs.push(second);
    await eventually(async () => (await http('GET', `${second.http}/health/ready`)).status === 200, 30000);
    expect(storePid(dataDir)).not.toBe(store);
    // Nothing was left for the new app to stop.
    expect(readFileSync(second.logFile, 'utf8')).not.toContain('left running');
    const missing = await missingIds(second.http, acknowledged);
    reportFigure(
      `store lifeline: the store ended ${storeGoneMs} ms after the crash; ${acknowledged.length - missing.length} of ` +
        `${acknowledged.length} acknowledged creates found after the restart`,
    );
    expect(missing).toEqual([]);
  }, 150000);

  it(`npm start, sent SIGTERM as a process manager would: exit 0, service and store gone within the drain time (${SHUTDOWN_DEADLINE_MS} ms)`, async () => {
    const { proc, dataDir, log } = await start('npm', spawnNpmStart);
    const store = storePid(dataDir);
    // npm runs the start script; the service is the store's parent.
    const node = parentPid(store)!;
    strays.push(node, store);

    const termAt = Date.now();
    proc.child.kill('SIGTERM'); // npm's own pid only, not its process group
    const exit = await proc.exited;
    const npmMs = Date.now() - termAt;
    const nodeMs = await waitUntilEnded(node, termAt, SHUTDOWN_DEADLINE_MS, 'the service under npm start');
    const storeMs = await waitUntilEnded(store, termAt, SHUTDOWN_DEADLINE_MS, "the service's store");
    reportFigure(
      `store lifeline: npm start exited ${exit} ${npmMs} ms after SIGTERM; the service ended at ${nodeMs} ms, the store at ${storeMs} ms`,
    );
    expect({ exit, withinDrainTime: npmMs < SHUTDOWN_DEADLINE_MS }).toEqual({ exit: 0, withinDrainTime: true });
    // The service drained and stopped the store itself: the normal path, not the lifeline.
    expect(readFileSync(log, 'utf8')).toContain('SIGTERM received: draining');
    expect(readFileSync(join(dataDir, 'ferretdb', 'ferretdb.log'), 'utf8')).not.toContain('stdin closed');
  }, 90000);

  it('a store left running without a lifeline (an older launcher) is still stopped by the next start', async () => {
    const dataDir = join(dir, 'stale');
    const storeDir = join(dataDir, 'ferretdb');
    mkdirSync(storeDir, { recursive: true });
    // Started the way the service starts it, minus TRACKER_STORE_LIFELINE, and left behind with its pid file.
    const port = await freePort();
    const stale = spawn(
      join(REPO_ROOT, '.bin', 'ferretdb'),
      ['--handler=sqlite', `--sqlite-url=file:${storeDir}/`, `--listen-addr=127.0.0.1:${port}`, '--log-level=error'],
      { detached: true, stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } },
    );
    stale.unref();
    strays.push(stale.pid!);
    writeFileSync(join(storeDir, 'ferretdb.pid'), String(stale.pid));
    // It is up once it listens; without a lifeline it keeps running.
    await eventually(() => listening(port), 10000, 20);
    expect(hasEnded(stale.pid!)).toBe(false);

    const { log } = await start('stale', spawnApp);
    await waitUntilEnded(stale.pid!, Date.now(), STORE_GONE_MS, 'the stale store');
    expect(storePid(dataDir)).not.toBe(stale.pid);
    expect(readFileSync(log, 'utf8')).toContain('stopping a FerretDB left running on this data dir');
  }, 90000);
});
