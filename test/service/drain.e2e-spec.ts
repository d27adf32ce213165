import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingIds, startCreateLoad } from '../support/create-load';
import { reportFigure } from '../support/figures';
import { eventually, http } from '../support/http';
import { KeepAliveSample, Outcome as OutcomeKind, startKeepAliveLoad } from '../support/keep-alive-load';
import { AppProcess, spawnApp, stopApp } from '../support/process-harness';

const CLIENTS = 16;

/** How one request ended (answered with a status, refused, or reset), whichever client made it. */
type Outcome = { outcome: OutcomeKind; status?: number; error?: string };

interface Load {
  acknowledged(): string[];
  /** stops the clients; every request's outcome */
  stop(): Promise<Outcome[]>;
}

/** A GET over `agent` (one kept-alive connection), answered in full or rejected with the socket error. */
function getOver(agent: Agent, url: string): Promise<{ status: number; connection?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * SIGTERM under keep-alive create load (docs/security.md, Drain): readiness fails at once, requests already
 * sent are answered in full (the last on each connection says `Connection: close`), and only new connections
 * are refused; no acknowledged create is lost.
 */
describe('drain: SIGTERM under keep-alive load', () => {
  let dir: string;
  const procs: AppProcess[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-drain-'));
  });
  afterAll(async () => {
    for (const p of procs) await stopApp(p);
    rmSync(dir, { recursive: true, force: true });
  });

  it('readiness answers 503 on a kept-alive connection as soon as draining starts, then closes it', async () => {
    const app = await spawnApp({ DATA_DIR: join(dir, 'ready') }, join(dir, 'ready.log'));
    procs.push(app);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await eventually(async () => (await getOver(agent, `${app.http}/health/ready`)).status === 200, 30000);
      app.child.kill('SIGTERM');
      await eventually(async () => readFileSync(app.logFile, 'utf8').includes('SIGTERM received: draining'), 5000, 10);
      const ready = await getOver(agent, `${app.http}/health/ready`);
      expect(ready.status).toBe(503);
      // Readiness's own answer (the store is still up), not the server turning the request away.
      expect(JSON.parse(ready.body)).toMatchObject({ type: 'urn:tracker:problems:unavailable', title: 'Service not ready' });
      expect(ready.connection).toBe('close');
      expect(await app.exited).toBe(0);
    } finally {
      agent.destroy();
    }
  });

  /**
   * Runs `load` against a fresh service until 300 creates are acknowledged, SIGTERMs it, waits for exit 0, and
   * restarts it on the same DATA_DIR to read every acknowledged create back.
   */
  async function sigtermUnderLoad(name: string, load: (base: string) => Load): Promise<{ outcomes: Outcome[]; missing: string[] }> {
    const env = { DATA_DIR: join(dir, name) };
    const first = await spawnApp(env, join(dir, `${name}.log`));
    procs.push(first);
    await eventually(async () => (await http('GET', `${first.http}/health/ready`)).status === 200, 30000);
    const running = load(first.http);
    await eventually(async () => running.acknowledged().length >= 300, 60000, 20);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const outcomes = await running.stop();
    const second = await spawnApp(env, join(dir, `${name}.log`));
    procs.push(second);
    await eventually(async () => (await http('GET', `${second.http}/health/ready`)).status === 200, 30000);
    const missing = await missingIds(second.http, running.acknowledged());
    const count = (kind: Outcome['outcome']) => outcomes.filter((o) => o.outcome === kind).length;
    const statuses = new Map<number, number>();
    for (const o of outcomes) if (o.status) statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
    const resets = outcomes.filter((o) => o.outcome === 'reset');
    reportFigure(
      `drain, ${name}: ${outcomes.length} requests, SIGTERM mid-load: ${count('answered')} answered ` +
        `(${[...statuses].map(([status, n]) => `${n}×${status}`).join(', ')}), ${count('refused')} refused (new connections ` +
        `after the listener closed), ${resets.length} reset (${resets.map((o) => o.error).join(', ') || 'none'}); ` +
        `${running.acknowledged().length - missing.length} of ${running.acknowledged().length} acknowledged creates found after a restart`,
    );
    return { outcomes, missing };
  }

  it(`${CLIENTS} keep-alive clients (one connection each): no request is reset or turned away, every acknowledged create is stored`, async () => {
    const { outcomes, missing } = await sigtermUnderLoad('own-connections', (base) => {
      const load = startKeepAliveLoad(base, CLIENTS, 'drain');
      return {
        acknowledged: () => [...load.acknowledged],
        stop: async () => {
          await load.stop();
          return load.samples;
        },
      };
    });
    expect(outcomes.filter((o) => o.outcome === 'reset')).toEqual([]);
    // Every request that got in is served: nothing is turned away while the drain lasts.
    expect(outcomes.filter((o) => o.outcome === 'answered' && o.status !== 200)).toEqual([]);
    // The last answer on each connection told its client to close it.
    expect(outcomes.filter((o) => (o as KeepAliveSample).connection === 'close').length).toBe(CLIENTS);
    expect(missing).toEqual([]);
  }, 150000);

  it(`${CLIENTS} concurrent fetch calls through one keep-alive pool: no request is reset, every acknowledged create is stored`, async () => {
    const { outcomes, missing } = await sigtermUnderLoad('fetch-pool', (base) => {
      const load = startCreateLoad(base, CLIENTS, 'drain-fetch');
      return {
        acknowledged: () => [...load.acknowledged],
        stop: async () => {
          await load.stop();
          return load.samples.map((s) =>
            s.status > 0
              ? { outcome: 'answered' as const, status: s.status }
              : { outcome: s.error === 'ECONNREFUSED' ? ('refused' as const) : ('reset' as const), error: s.error },
          );
        },
      };
    });
    expect(outcomes.filter((o) => o.outcome === 'reset')).toEqual([]);
    expect(outcomes.filter((o) => o.outcome === 'answered' && o.status !== 200)).toEqual([]);
    expect(missing).toEqual([]);
  }, 150000);
});
