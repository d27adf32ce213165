import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, spawnApp } from '../support/process-harness';
import { eventually, http } from '../support/http';
import { isAlive } from '../../src/platform/database/ferretdb/embedded-ferretdb';

/** The service as a user runs it: its own process, its own embedded FerretDB under DATA_DIR. */
describe('lifecycle: the service on its embedded store', () => {
  let dir: string;
  let proc: AppProcess;
  const storePid = () => Number(readFileSync(join(dir, 'data', 'ferretdb', 'ferretdb.pid'), 'utf8'));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-lifecycle-'));
    proc = await spawnApp({ DATA_DIR: join(dir, 'data') }, join(dir, 'app.log'));
  });
  afterAll(async () => {
    if (proc?.child.exitCode === null) proc.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('boots on the embedded store and is ready', async () => {
    await eventually(async () => (await http('GET', `${proc.http}/health/ready`)).status === 200);
  });

  it('reports not ready while the store is stopped, and ready again after it resumes', async () => {
    const pid = storePid();
    process.kill(pid, 'SIGSTOP');
    try {
      const down = await eventually(async () => {
        const res = await http('GET', `${proc.http}/health/ready`);
        return res.status === 503 ? res : undefined;
      });
      expect(down.status).toBe(503);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await eventually(async () => (await http('GET', `${proc.http}/health/ready`)).status === 200, 20000);
  });

  it('restarts the embedded store by itself when it dies', async () => {
    const pid = storePid();
    process.kill(pid, 'SIGKILL');
    await eventually(async () => (await http('GET', `${proc.http}/health/ready`)).status === 503 || storePid() !== pid);
    await eventually(async () => (await http('GET', `${proc.http}/health/ready`)).status === 200, 30000);
    expect(storePid()).not.toBe(pid);
  });

  it('exits 0 on SIGTERM and leaves no store process behind', async () => {
    const pid = storePid();
    const started = Date.now();
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10000);
    await eventually(async () => !isAlive(pid), 5000);
  });
});
