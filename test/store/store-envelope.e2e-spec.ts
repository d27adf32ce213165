import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreEnvelope } from '../../src/platform/health/store-envelope';
import { startTestApp } from '../support/app-harness';
import { eventually, http } from '../support/http';
import { AppProcess, spawnApp } from '../support/process-harness';

interface ReadEnvelope {
  envelope: number;
  documents: Record<string, number>;
  countedAt: string;
  exceeded: string[];
  advice?: string;
}

const readEnvelopeOf = async (base: string): Promise<ReadEnvelope | undefined> => {
  const res = await http('GET', `${base}/health/ready`);
  return res.status === 200 ? (res.body.details.store.readEnvelope as ReadEnvelope | undefined) : undefined;
};

const envelopeWarnings = (logFile: string) =>
  readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string; collection?: string; documents?: number })
    .filter((entry) => entry.msg.includes("past the embedded store's read envelope"));

/**
 * The embedded store reads every document for each list, search and stats, so past a few thousand events a
 * read takes over a second. The service says so (log and readiness details) instead of letting users find out;
 * EMBEDDED_STORE_ENVELOPE is set tiny here.
 */
describe('the embedded store read envelope', () => {
  let dir: string;
  let app: AppProcess | undefined;
  const stop = async () => {
    if (app && app.child.exitCode === null) {
      app.child.kill('SIGTERM');
      await app.exited;
    }
    app = undefined;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-envelope-'));
  });
  afterAll(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is reported in readiness details and warned once at boot when tracker_events is past it, naming MONGODB_URI', async () => {
    const env = { DATA_DIR: join(dir, 'data'), EMBEDDED_STORE_ENVELOPE: '3' };
    app = await spawnApp(env, join(dir, 'first.log'));
    const within = await eventually(() => readEnvelopeOf(app!.http), 30000);
    expect(within).toMatchObject({ envelope: 3, documents: { tracker_events: 0, activity_events: 0 }, exceeded: [] });
    expect(within.advice).toBeUndefined();
    for (let i = 0; i < 4; i++) {
      const res = await http('POST', `${app.http}/api/v1alpha1/event`, {
        body: { title: `envelope ${i}`, attributes: { type: 1, service: 'envelope' } },
      });
      expect(res.status).toBe(200);
    }
    await stop();
    expect(envelopeWarnings(join(dir, 'first.log'))).toEqual([]);

    app = await spawnApp(env, join(dir, 'second.log'));
    const past = await eventually(() => readEnvelopeOf(app!.http), 30000);
    expect(past).toMatchObject({ envelope: 3, documents: { tracker_events: 4, activity_events: 0 }, exceeded: ['tracker_events'] });
    expect(past.advice).toContain('MONGODB_URI');
    // Readiness stays up: the store answers, only slowly.
    expect((await http('GET', `${app.http}/health/ready`)).status).toBe(200);
    const warnings = await eventually(() => {
      const found = envelopeWarnings(join(dir, 'second.log'));
      return Promise.resolve(found.length > 0 && found);
    });
    expect(warnings).toEqual([expect.objectContaining({ level: 40, collection: 'tracker_events', documents: 4 })]);
    expect(warnings[0].msg).toContain('MONGODB_URI');
  });

  it('is not reported when MONGODB_URI names the store', async () => {
    const external = await startTestApp({ env: { EMBEDDED_STORE_ENVELOPE: '1' } });
    try {
      const create = await http('POST', `${external.http}/api/v1alpha1/event`, {
        body: { title: 'external', attributes: { type: 1, service: 'envelope' } },
      });
      expect(create.status).toBe(200);
      await external.tracker.app.get(StoreEnvelope).check();
      const ready = await http('GET', `${external.http}/health/ready`);
      expect(ready.status).toBe(200);
      expect(ready.body.details.store).toEqual({ status: 'up' });
    } finally {
      await external.close();
    }
  });
});
