import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer } from '../support/auth';
import { expectAstraProblem } from '../support/astra-schema';
import { sampleEvent } from '../support/astra-events';
import { missingIds, startCreateLoad } from '../support/create-load';
import { reportFigure } from '../support/figures';
import { eventually, http } from '../support/http';
import { AppProcess, spawnApp, stopApp } from '../support/process-harness';

const OUTAGE_MS = 10_000;
/**
 * A frozen store must turn into 503s within a few seconds, never a hang. The driver notices through its
 * monitor: a heartbeat every 1 s that gives up after connectTimeoutMS (3 s), which interrupts the requests
 * already waiting on a socket; their retry then waits serverSelectionTimeoutMS (2.5 s). So the worst case is
 * about 1 + 3 + 2.5 s. Once the store is known down a create waits for its batch's server selection (2.5 s);
 * what queued behind a batch the outage failed is refused with it (InsertCoalescer), never after a second one.
 * A create does two inserts (the event, then its live-log entry), so it may meet one selection for each.
 */
const MAX_503_MS = 8_000;
const MAX_503_AFTER_DETECTION_MS = 6_000;

/**
 * The embedded store is frozen (SIGSTOP: its sockets stay open but nothing answers, the nastiest outage) for
 * 10 s under create load. The API must refuse with 503 + Retry-After, report not ready, stay up, and come back
 * by itself after SIGCONT without losing an acknowledged write.
 */
describe('store outage: the store frozen for 10 s under load', () => {
  let dir: string;
  let proc: AppProcess;
  let stopLoad: (() => Promise<void>) | undefined;
  const account = randomUUID();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-outage-'));
    proc = await spawnApp({ DATA_DIR: join(dir, 'data') }, join(dir, 'app.log'));
    await eventually(async () => (await http('GET', `${proc.http}/health/ready`)).status === 200, 30000);
  });
  afterAll(async () => {
    await stopLoad?.();
    if (proc) await stopApp(proc);
    // The app's log outlives the data dir, for a failing run.
    copyFileSync(join(dir, 'app.log'), join(tmpdir(), 'tracker-store-outage-last.log'));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 problem+json with Retry-After, is not ready, stays up, and recovers by itself', async () => {
    const storePid = Number(readFileSync(join(dir, 'data', 'ferretdb', 'ferretdb.pid'), 'utf8'));
    const load = startCreateLoad(proc.http, 8, 'outage');
    stopLoad = () => load.stop();
    await eventually(async () => load.acknowledged.length >= 50, 20000, 50);

    const stoppedAt = Date.now();
    process.kill(storePid, 'SIGSTOP');
    let resumedAt = 0;
    try {
      // The first 503 of the tracker API arrives within a few seconds, with Retry-After and problem+json.
      const first503 = await eventually(async () => load.samples.find((s) => s.at >= stoppedAt && s.status === 503), MAX_503_MS + 3000, 50);
      expect(first503.at + first503.ms - stoppedAt).toBeLessThan(MAX_503_MS);
      expect(first503.contentType).toMatch(/^application\/problem\+json/);
      expect(Number(first503.retryAfter)).toBeGreaterThan(0);
      expect(first503.problem).toMatchObject({ type: 'urn:tracker:problems:unavailable', status: '503' });

      // Readiness is false, liveness stays true (the process is fine, only its store is not).
      const ready = await eventually(async () => {
        const res = await http('GET', `${proc.http}/health/ready`);
        return res.status === 503 ? res : undefined;
      }, 5000);
      expect(ready.status).toBe(503);
      expect((await http('GET', `${proc.http}/health/live`)).status).toBe(200);

      // Astra routes answer the published problems/41, also promptly.
      const t0 = Date.now();
      const astra = await http('POST', `${proc.http}/accounts/${account}/core/v1/events`, {
        body: sampleEvent(),
        headers: bearer(account, 'admin'),
      });
      expect(Date.now() - t0).toBeLessThan(MAX_503_MS);
      expectAstraProblem(astra, 41);
      expect(Number(astra.headers.get('retry-after'))).toBeGreaterThan(0);
      const astraRead = await http('GET', `${proc.http}/accounts/${account}/core/v1/events`, { headers: bearer(account, 'viewer') });
      expectAstraProblem(astraRead, 41);

      const remaining = OUTAGE_MS - (Date.now() - stoppedAt);
      if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
    } finally {
      process.kill(storePid, 'SIGCONT');
      resumedAt = Date.now();
    }

    // Everything returns by itself: the next create succeeds and readiness turns true.
    const recovered = await eventually(async () => load.samples.find((s) => s.at >= resumedAt && s.status === 200), 30000, 50);
    const createRecoveryMs = recovered.at + recovered.ms - resumedAt;
    await eventually(async () => (await http('GET', `${proc.http}/health/ready`)).status === 200, 30000, 100);
    const readyAt = Date.now();
    const readyRecoveryMs = readyAt - resumedAt;
    // Some load after recovery too, so the checks below cover requests on both sides of it.
    await eventually(async () => load.samples.filter((s) => s.at >= readyAt && s.status === 200).length >= 20, 10000, 20);
    await load.stop();

    expect(proc.child.exitCode).toBeNull();
    const during = load.samples.filter((s) => s.at >= stoppedAt && s.at < resumedAt);
    // Only 200 or 503: never a 500, never a hung request (status 0 = client deadline or transport failure).
    const odd = load.samples.filter((s) => s.status !== 200 && s.status !== 503);
    expect(odd.map((s) => ({ status: s.status, ms: Math.round(s.ms), problem: s.problem }))).toEqual([]);
    const refused = during.filter((s) => s.status === 503);
    const slowest503 = Math.max(...refused.map((s) => s.ms));
    expect(slowest503).toBeLessThan(MAX_503_MS);
    const detectedAt = refused[0].at + refused[0].ms;
    const afterDetection = refused
      .filter((s) => s.at >= detectedAt)
      .map((s) => s.ms)
      .sort((a, b) => a - b);
    // One or two server selections (2.5 s each, see above); the median keeps one unlucky request from flaking.
    expect(afterDetection[afterDetection.length >> 1]).toBeLessThan(MAX_503_AFTER_DETECTION_MS);

    const missing = await missingIds(proc.http, load.acknowledged);
    reportFigure(
      `store outage: stopped ${resumedAt - stoppedAt} ms; first 503 after ${first503Ms(load.samples, stoppedAt)} ms; ` +
        `${during.length} requests during the outage (${during.filter((s) => s.status === 503).length} x 503, slowest ${Math.round(slowest503)} ms, once detected median ${Math.round(afterDetection[afterDetection.length >> 1])} ms); ` +
        `recovery after SIGCONT: create ${Math.round(createRecoveryMs)} ms, ready ${readyRecoveryMs} ms; ` +
        `acknowledged ${load.acknowledged.length}, found ${load.acknowledged.length - missing.length}`,
    );
    expect(missing).toEqual([]);
    expect(createRecoveryMs).toBeLessThan(15000);
  }, 120000);
});

function first503Ms(samples: { at: number; ms: number; status: number }[], since: number): number {
  const s = samples.find((x) => x.at >= since && x.status === 503);
  return s ? Math.round(s.at + s.ms - since) : -1;
}
