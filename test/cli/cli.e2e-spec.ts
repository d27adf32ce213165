import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/app-harness';
import { runCli, startCli } from '../support/cli-process';
import { http } from '../support/http';

/*
 * The tracker CLI (src/cli, bin/tracker.js) against a live service, run as a pipeline runs it: a child process
 * with TRACKER_URL in its environment. Every command, deploy around a succeeding, a failing and an interrupted
 * command, a held lock, and retries that never duplicate a create.
 */
describe('tracker CLI against a live service', () => {
  let app: TestApp;
  let env: Record<string, string>;
  let dir: string;
  const service = `cli-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    app = await startTestApp();
    env = { TRACKER_URL: app.http, TRACKER_OWNER: 'pipeline-1' };
    dir = mkdtempSync(join(tmpdir(), 'tracker-cli-'));
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const eventsOf = async (svc: string) =>
    (await http('GET', `${app.http}/api/v1alpha1/events/search?service=${svc}&per_page=100`)).body.events as any[];
  const locksOf = async (svc: string) => (await http('GET', `${app.http}/api/v1alpha1/locks?service=${svc}`)).body.locks as any[];

  it('--help works on the program and every command; a bad flag is exit 1', async () => {
    for (const args of [[], ['event'], ['event', 'create'], ['event', 'search'], ['lock', 'acquire'], ['deploy'], ['dora']]) {
      const run = await runCli([...args, '--help'], env);
      expect({ args, code: run.code }).toEqual({ args, code: 0 });
      expect(run.stdout).toMatch(/^Usage: tracker/);
    }
    const bad = await runCli(['event', 'create', '--title', 't', '--service', 's', '--environment', 'moon'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("option '--environment <env>' argument 'moon' is invalid");
  });

  it('event create, get, update, list, search (enums by name or number, human and JSON output)', async () => {
    const created = await runCli(
      [
        'event',
        'create',
        '--title',
        'Deploy v1',
        '--service',
        service,
        '--environment',
        'production',
        '--status',
        'start',
        '--priority',
        'P2',
      ],
      env,
    );
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const id = created.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{24}$/);

    const got = await runCli(['-o', 'json', 'event', 'get', id], env);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({
      id,
      title: 'Deploy v1',
      attributes: { type: 1, service, environment: 7, status: 1, priority: 2, source: 'tracker-cli' },
    });

    const updated = await runCli(['event', 'update', id, '--status', '3', '--message', 'done'], env);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/status {6}Success/);

    const human = await runCli(['event', 'get', id], env);
    expect(human.stdout).toContain(`id          ${id}`);
    expect(human.stdout).toContain('environment Production');

    const listed = await runCli(['-o', 'json', 'event', 'list', '--per-page', '100'], env);
    expect(JSON.parse(listed.stdout).events.map((e: { id: string }) => e.id)).toContain(id);

    const found = await runCli(['event', 'search', '--service', service, '--environment', 'Production', '--status', 'success'], env);
    expect(found.code).toBe(0);
    expect(found.stdout.split('\n')[0]).toMatch(new RegExp(`^${id}  .*  Deployment  Success  Production  ${service}  Deploy v1$`));
    expect(found.stdout).toContain('(1 of 1)');
  });

  it('a refusal is exit 2 with the problem: on stderr, and as JSON on stdout with -o json', async () => {
    const missing = await runCli(['-o', 'json', 'event', 'get', '507f1f77bcf86cd799439011'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^tracker: get event: 404 /);
    expect(JSON.parse(missing.stdout)).toMatchObject({ status: '404' });
  });

  it('lock acquire, list, renew, release; a held lock is refused with its holder (exit 2)', async () => {
    const svc = `${service}-lock`;
    const acquired = await runCli(['lock', 'acquire', '--service', svc, '--environment', 'UAT', '--reason', 'migration'], env);
    expect(acquired.code).toBe(0);
    const lockId = acquired.stdout.trim();

    const listed = await runCli(['lock', 'list', '--service', svc], env);
    expect(listed.stdout).toMatch(new RegExp(`^${lockId}  ${svc}  UAT  deployment  pipeline-1  until .*  migration$`, 'm'));

    const other = await runCli(['lock', 'acquire', '--service', svc, '--environment', '4', '--owner', 'pipeline-2'], env);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('409');
    expect(other.stderr).toContain('pipeline-1');

    const renewed = await runCli(['-o', 'json', 'lock', 'renew', lockId, '--ttl', '600'], env);
    expect(renewed.code).toBe(0);
    expect(JSON.parse(renewed.stdout)).toMatchObject({ id: lockId, owner: 'pipeline-1' });

    expect((await runCli(['lock', 'release', lockId], env)).code).toBe(0);
    expect(await locksOf(svc)).toEqual([]);
  });

  it('dora prints the four keys', async () => {
    const human = await runCli(['dora', '--environment', 'production', '--service', service], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /^Production \/ .*\ndeployment frequency .*\nlead time for changes .*\nchange failure rate .*\nrecovery time /,
    );
    const json = await runCli(['-o', 'json', 'dora'], env);
    expect(JSON.parse(json.stdout)).toHaveProperty('deploymentFrequency.count');
  });

  it('deploy around a succeeding command: lock, Start, streamed output, Success with the duration, lock released', async () => {
    const svc = `${service}-ok`;
    const idFile = join(dir, 'ok-id');
    const run = await runCli(
      [
        'deploy',
        '--service',
        svc,
        '--environment',
        'production',
        '--lock',
        '--id-file',
        idFile,
        '--',
        process.execPath,
        '-e',
        'console.log("deploying")',
      ],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('deploying\n');
    const id = readFileSync(idFile, 'utf8').trim();
    const [event] = await eventsOf(svc);
    expect(event).toMatchObject({
      id,
      title: `Deploy ${svc} to Production`,
      attributes: { type: 1, status: 3, environment: 7, owner: 'pipeline-1' },
    });
    expect(event.attributes.message).toMatch(/^exit code 0 after \d+\.\d s$/);
    expect(Date.parse(event.attributes.endDate)).toBeGreaterThanOrEqual(Date.parse(event.attributes.startDate));
    expect(run.stderr).toContain(`released lock`);
    expect(await locksOf(svc)).toEqual([]);
  });

  it('deploy keeps renewing its lock while a command outlives the lease', async () => {
    const svc = `${service}-long`;
    const cli = startCli(
      [
        'deploy',
        '--service',
        svc,
        '--environment',
        'production',
        '--lock',
        '--ttl',
        '10',
        '--',
        process.execPath,
        '-e',
        'setInterval(() => {}, 1000)',
      ],
      env,
    );
    const [first] = await (async () => {
      await cli.waitFor('started');
      return locksOf(svc);
    })();
    await cli.waitFor(/renewed lock .*\n(.|\n)*renewed lock .*\n(.|\n)*renewed lock /);
    // Three renewals at a third of the 10 s lease each: past the first lease, the same lock is still held.
    const [held] = await locksOf(svc);
    expect(held.id).toBe(first.id);
    expect(Date.parse(held.expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));
    cli.child.kill('SIGTERM');
    expect((await cli.done).code).toBe(143);
    expect(await locksOf(svc)).toEqual([]);
  });

  it("deploy around a failing command: Failure, and the command's exit code", async () => {
    const svc = `${service}-fail`;
    const run = await runCli(
      ['deploy', '--service', svc, '--environment', 'UAT', '--lock', '--', process.execPath, '-e', 'process.exit(7)'],
      env,
    );
    expect(run.code).toBe(7);
    const [event] = await eventsOf(svc);
    expect(event.attributes).toMatchObject({ status: 4, message: expect.stringMatching(/^exit code 7 after /) });
    expect(await locksOf(svc)).toEqual([]);
  });

  it('deploy with the lock held by another owner: refused (exit 2), no event, the command never runs', async () => {
    const svc = `${service}-held`;
    expect((await runCli(['lock', 'acquire', '--service', svc, '--environment', 'production', '--owner', 'someone-else'], env)).code).toBe(
      0,
    );
    const marker = join(dir, 'held-ran');
    const run = await runCli(
      [
        'deploy',
        '--service',
        svc,
        '--environment',
        'production',
        '--lock',
        '--',
        process.execPath,
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
      ],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('someone-else');
    expect(await eventsOf(svc)).toEqual([]);
    expect(() => readFileSync(marker)).toThrow();
  });

  it('SIGTERM during deploy: the command is stopped, the event finished as Error, the lock released', async () => {
    const svc = `${service}-term`;
    const cli = startCli(
      [
        'deploy',
        '--service',
        svc,
        '--environment',
        'production',
        '--lock',
        '--',
        process.execPath,
        '-e',
        'console.log("running"); setInterval(() => {}, 1000)',
      ],
      env,
    );
    await cli.waitFor('running');
    expect(await locksOf(svc)).toHaveLength(1);
    cli.child.kill('SIGTERM');
    const run = await cli.done;
    expect(run.code).toBe(143);
    const [event] = await eventsOf(svc);
    expect(event.attributes).toMatchObject({ status: 6, message: expect.stringMatching(/^interrupted by SIGTERM after /) });
    expect(await locksOf(svc)).toEqual([]);
  });

  describe('retries', () => {
    let proxy: Server;
    let proxyUrl: string;
    /** What the proxy does to the next requests of a method and path: a 503, or forward then lose the answer. */
    let faults: { match: (method: string, path: string) => boolean; fault: '503' | 'lose-answer' }[] = [];

    beforeAll(async () => {
      const target = new URL(app.http);
      proxy = createServer((req, res) => {
        const i = faults.findIndex((f) => f.match(req.method!, req.url!));
        const fault = i >= 0 ? faults.splice(i, 1)[0].fault : undefined;
        if (fault === '503') {
          req.resume();
          res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '0' });
          res.end(JSON.stringify({ type: 'urn:tracker:problems:unavailable', title: 'Unavailable', detail: 'store down', status: '503' }));
          return;
        }
        const upstream = request(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            if (fault === 'lose-answer') {
              answer.resume();
              answer.on('end', () => res.destroy());
              return;
            }
            res.writeHead(answer.statusCode!, answer.headers);
            answer.pipe(res);
          },
        );
        req.pipe(upstream);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

    it('a create whose answer was lost, then 503s, is retried with its Idempotency-Key: one event', async () => {
      const svc = `${service}-retry`;
      const isCreate = (m: string, p: string) => m === 'POST' && p === '/api/v1alpha1/event';
      faults = [
        { match: isCreate, fault: 'lose-answer' },
        { match: isCreate, fault: '503' },
        { match: isCreate, fault: '503' },
      ];
      const run = await runCli(['event', 'create', '--title', 'once', '--service', svc], { ...env, TRACKER_URL: proxyUrl });
      expect(run.code).toBe(0);
      expect(run.stderr.split('\n').filter((l) => l.includes('retry'))).toHaveLength(3);
      const events = await eventsOf(svc);
      expect(events.map((e) => e.id)).toEqual([run.stdout.trim()]);
      expect(faults).toEqual([]);
    });

    it('a deploy across 503s on every call still runs once and is recorded once', async () => {
      const svc = `${service}-flaky`;
      const every = (m: string) => (method: string) => method === m;
      faults = [
        { match: every('POST'), fault: '503' },
        { match: every('POST'), fault: 'lose-answer' },
        { match: every('PUT'), fault: '503' },
        { match: every('DELETE'), fault: '503' },
      ];
      const run = await runCli(['deploy', '--service', svc, '--environment', '7', '--lock', '--', process.execPath, '-e', ''], {
        ...env,
        TRACKER_URL: proxyUrl,
      });
      expect(run.code).toBe(0);
      const events = await eventsOf(svc);
      expect(events).toHaveLength(1);
      expect(events[0].attributes.status).toBe(3);
      expect(await locksOf(svc)).toEqual([]);
    });

    it('no answer at all after the retries is exit 4', async () => {
      const run = await runCli(['--retries', '2', 'event', 'list'], { ...env, TRACKER_URL: 'http://127.0.0.1:9' });
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/unreachable after 3 attempts/);
    });
  });
});

describe('tracker deploy with AUTO_LOCK=on (the event itself takes the lock)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { AUTO_LOCK: 'on' } });
  });
  afterAll(() => app?.close());
  const locksOf = async (svc: string) => (await http('GET', `${app.http}/api/v1alpha1/locks?service=${svc}`)).body.locks as any[];

  it('--lock and the automatic lock are one lock of one owner: the deploy succeeds and leaves no lock', async () => {
    const svc = `auto-${randomUUID().slice(0, 8)}`;
    const run = await runCli(['deploy', '--service', svc, '--environment', 'production', '--lock', '--', process.execPath, '-e', ''], {
      TRACKER_URL: app.http,
      TRACKER_OWNER: 'pipeline-a',
    });
    expect(run.code).toBe(0);
    expect(await locksOf(svc)).toEqual([]);
  });

  it("another owner's deploy while one runs is refused by the event create (exit 2), and the first finishes normally", async () => {
    const svc = `auto-${randomUUID().slice(0, 8)}`;
    const first = startCli(
      [
        'deploy',
        '--service',
        svc,
        '--environment',
        'production',
        '--',
        process.execPath,
        '-e',
        'console.log("running"); process.stdin.resume(); setTimeout(() => {}, 30000)',
      ],
      {
        TRACKER_URL: app.http,
        TRACKER_OWNER: 'pipeline-a',
      },
    );
    await first.waitFor('running');
    const second = await runCli(['deploy', '--service', svc, '--environment', 'production', '--', process.execPath, '-e', ''], {
      TRACKER_URL: app.http,
      TRACKER_OWNER: 'pipeline-b',
    });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('pipeline-a');
    first.child.kill('SIGTERM');
    expect((await first.done).code).toBe(143);
    expect(await locksOf(svc)).toEqual([]);
  });
});
