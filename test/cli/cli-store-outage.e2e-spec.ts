import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, http } from '../support/http';
import { startCli } from '../support/cli-process';
import { AppProcess, spawnApp, stopApp, storePid } from '../support/process-harness';

/*
 * `tracker event create` and `tracker deploy` across a real store outage: the service's embedded store is frozen
 * (SIGSTOP, as test/store/store-outage.e2e-spec.ts does), the service answers 503 with Retry-After, the CLI
 * retries with the same Idempotency-Key until the store is back (SIGCONT), and each create is stored once.
 */
describe('tracker CLI across a store outage', () => {
  let dir: string;
  let proc: AppProcess;
  let frozen: number | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-cli-outage-'));
    proc = await spawnApp({ DATA_DIR: join(dir, 'data') }, join(dir, 'app.log'));
    await eventually(async () => (await http('GET', `${proc.http}/health/ready`)).status === 200, 30000);
  });
  afterAll(async () => {
    if (frozen) process.kill(frozen, 'SIGCONT');
    if (proc) await stopApp(proc);
    rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ TRACKER_URL: proc.http, TRACKER_OWNER: 'outage-ci', TRACKER_RETRIES: '60', TRACKER_RETRY_MAX_DELAY_MS: '1000' });
  const search = async (service: string) =>
    (await http('GET', `${proc.http}/api/v1alpha1/events/search?service=${service}&per_page=100`)).body.events as any[];

  it('a create started during the outage succeeds once the store is back, stored once', async () => {
    const pid = storePid(join(dir, 'data'));
    process.kill(pid, 'SIGSTOP');
    frozen = pid;
    const cli = startCli(['event', 'create', '--title', 'during the outage', '--service', 'outage-create'], env());
    await cli.waitFor(/HTTP 503; retry 2 /);
    process.kill(pid, 'SIGCONT');
    frozen = undefined;
    const run = await cli.done;
    expect(run.code).toBe(0);
    const events = await search('outage-create');
    expect(events.map((e) => e.id)).toEqual([run.stdout.trim()]);
  }, 90_000);

  it('a deploy whose finish meets the outage still records one deployment, Success, and releases its lock', async () => {
    const pid = storePid(join(dir, 'data'));
    const marker = join(dir, 'go');
    // The command freezes the store itself, so the finish (PUT) and the release meet the outage.
    const cli = startCli(
      [
        'deploy',
        '--service',
        'outage-deploy',
        '--environment',
        'production',
        '--lock',
        '--',
        process.execPath,
        '-e',
        `process.kill(${pid}, 'SIGSTOP'); require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
      ],
      env(),
    );
    frozen = pid;
    await cli.waitFor(/HTTP 503; retry 2 /);
    process.kill(pid, 'SIGCONT');
    frozen = undefined;
    const run = await cli.done;
    expect(run.code).toBe(0);
    const events = await search('outage-deploy');
    expect(events).toHaveLength(1);
    expect(events[0].attributes.status).toBe(3);
    expect((await http('GET', `${proc.http}/api/v1alpha1/locks?service=outage-deploy`)).body.locks).toEqual([]);
  }, 90_000);
});
