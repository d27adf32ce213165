import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/app-harness';
import { runCli, startCli } from '../support/cli-process';
import { http } from '../support/http';

/*
 * --wait: tracker lock acquire and deploy --lock queue in the lock's line (POST /locks with wait: true, docs/locks.md
 * "Queue") instead of being refused, and go on when the holder releases; out of time, or on SIGTERM, they leave
 * the line. TRACKER_POLL_MS makes the CLI ask for its turn every 100 ms.
 */
describe('tracker lock acquire --wait and deploy --lock --wait', () => {
  let app: TestApp;
  let dir: string;
  const API = '/api/v1alpha1';
  const env = (owner: string) => ({ TRACKER_URL: app.http, TRACKER_OWNER: owner, TRACKER_POLL_MS: '100' });

  beforeAll(async () => {
    app = await startTestApp();
    dir = mkdtempSync(join(tmpdir(), 'tracker-wait-'));
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const hold = async (service: string, owner = 'holder') => {
    const held = await http('POST', `${app.http}${API}/locks`, { body: { service, environment: 7, owner, ttlSeconds: 600 } });
    expect(held.status).toBe(201);
    return held.body.id as string;
  };
  const release = async (id: string, owner = 'holder') =>
    expect((await http('DELETE', `${app.http}${API}/locks/${id}?owner=${owner}`)).status).toBe(200);
  const lineOf = async (service: string) =>
    (await http('GET', `${app.http}${API}/locks/queue?service=${service}&environment=7&resource=deployment`)).body as {
      holder?: { id: string; owner: string };
      waiters: { ticketId: string; owner: string; position: number; expiresAt: string }[];
    };
  const eventsOf = async (svc: string) => (await http('GET', `${app.http}${API}/events/search?service=${svc}`)).body.events as any[];

  it('lock acquire: refused without --wait (exit 2); with --wait it queues and holds the lock once the holder releases', async () => {
    const svc = `wait-${randomUUID().slice(0, 8)}`;
    const first = await hold(svc);
    const refused = await runCli(['lock', 'acquire', '--service', svc, '--environment', '7'], env('pipeline-2'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('holder');

    const waiting = startCli(['lock', 'acquire', '--service', svc, '--environment', '7', '--wait', '--timeout', '2m'], env('pipeline-2'));
    await waiting.waitFor(/waiting in line \(position 1, ticket [0-9a-f-]{36}\)/);
    const [ticket] = (await lineOf(svc)).waiters;
    expect(ticket.owner).toBe('pipeline-2');
    await release(first);
    const run = await waiting.done;
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${ticket.ticketId}\n`);
    expect(await lineOf(svc)).toMatchObject({ holder: { id: ticket.ticketId, owner: 'pipeline-2' }, waiters: [] });
  });

  it('a wait longer than the ticket lease keeps its place: the CLI asks again every third of it', async () => {
    const svc = `wait-${randomUUID().slice(0, 8)}`;
    const first = await hold(svc);
    const waiting = startCli(['lock', 'acquire', '--service', svc, '--environment', '7', '--wait'], {
      ...env('pipeline-5'),
      TRACKER_TICKET_SECONDS: '10',
    });
    await waiting.waitFor('waiting in line');
    const [joined] = (await lineOf(svc)).waiters;
    const firstLease = Date.parse(joined.expiresAt);
    expect(firstLease - Date.now()).toBeLessThanOrEqual(10_000);
    // Poll (with a deadline) until the first lease is over: the ticket is still first in line, its lease later.
    const deadline = firstLease + 10_000;
    for (;;) {
      const line = await lineOf(svc);
      if (Date.now() > firstLease + 1000) {
        expect(line.waiters).toEqual([expect.objectContaining({ ticketId: joined.ticketId, position: 1 })]);
        expect(Date.parse(line.waiters[0].expiresAt)).toBeGreaterThan(firstLease);
        break;
      }
      if (Date.now() > deadline) throw new Error('deadline');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await release(first);
    const run = await waiting.done;
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${joined.ticketId}\n`);
  });

  it('lock acquire --wait: a free lock is taken at once; out of time is exit 3 and the line is left', async () => {
    const free = `wait-${randomUUID().slice(0, 8)}`;
    const taken = await runCli(['lock', 'acquire', '--service', free, '--environment', '7', '--wait'], env('pipeline-2'));
    expect(taken.code).toBe(0);
    expect((await lineOf(free)).holder?.id).toBe(taken.stdout.trim());

    const svc = `wait-${randomUUID().slice(0, 8)}`;
    await hold(svc);
    const run = await runCli(['lock', 'acquire', '--service', svc, '--environment', '7', '--wait', '--timeout', '1s'], env('pipeline-2'));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/left the line/);
    expect(await lineOf(svc)).toMatchObject({ holder: { owner: 'holder' }, waiters: [] });

    const bad = await runCli(['lock', 'acquire', '--service', svc, '--environment', '7', '--wait', '--timeout', 'soon'], env('p'));
    expect(bad.code).toBe(1);
    expect((await runCli(['lock', 'acquire', '--service', svc, '--environment', '7', '--timeout', '1m'], env('p'))).code).toBe(1);
  });

  it('deploy --check --lock --wait: queued behind the holder, the command runs after the release; the lock is released after', async () => {
    const svc = `wait-${randomUUID().slice(0, 8)}`;
    const first = await hold(svc);
    const marker = join(dir, 'deployed');
    const script = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`;
    const refused = await runCli(
      ['deploy', '--service', svc, '--environment', '7', '--lock', '--', process.execPath, '-e', script],
      env('p2'),
    );
    expect(refused.code).toBe(2);

    const deploy = startCli(
      [
        'deploy',
        '--service',
        svc,
        '--environment',
        '7',
        '--check',
        '--lock',
        '--wait',
        '--timeout',
        '5m',
        '--',
        process.execPath,
        '-e',
        script,
      ],
      env('pipeline-2'),
    );
    await deploy.waitFor('waiting in line');
    expect(existsSync(marker)).toBe(false);
    expect(await eventsOf(svc)).toEqual([]);
    await release(first);
    const run = await deploy.done;
    expect(run.code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('x');
    expect((await eventsOf(svc))[0].attributes).toMatchObject({ status: 3, owner: 'pipeline-2' });
    expect(run.stderr).toMatch(/released lock/);
    expect(await lineOf(svc)).toEqual(expect.objectContaining({ waiters: [] }));
    expect((await lineOf(svc)).holder).toBeUndefined();
  });

  it('SIGTERM while deploy --wait waits: the line is left, nothing recorded or run, exit 143', async () => {
    const svc = `wait-${randomUUID().slice(0, 8)}`;
    await hold(svc);
    const marker = join(dir, 'never');
    const deploy = startCli(
      [
        'deploy',
        '--service',
        svc,
        '--environment',
        '7',
        '--lock',
        '--wait',
        '--',
        process.execPath,
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
      ],
      env('pipeline-3'),
    );
    await deploy.waitFor('waiting in line');
    expect((await lineOf(svc)).waiters.map((w) => w.owner)).toEqual(['pipeline-3']);
    deploy.child.kill('SIGTERM');
    const run = await deploy.done;
    expect(run.code).toBe(143);
    expect(run.stderr).toMatch(/left the line/);
    expect(await lineOf(svc)).toMatchObject({ holder: { owner: 'holder' }, waiters: [] });
    expect(await eventsOf(svc)).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });

  it('SIGTERM while lock acquire --wait waits: the line is left, exit 143', async () => {
    const svc = `wait-${randomUUID().slice(0, 8)}`;
    await hold(svc);
    const waiting = startCli(['lock', 'acquire', '--service', svc, '--environment', '7', '--wait'], env('pipeline-4'));
    await waiting.waitFor('waiting in line');
    waiting.child.kill('SIGTERM');
    expect((await waiting.done).code).toBe(143);
    expect((await lineOf(svc)).waiters).toEqual([]);
  });
});
