import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/app-harness';
import { GARBAGE_TOKEN, mintToken } from '../support/auth';
import { eventually, http } from '../support/http';
import { AppProcess, spawnApp } from '../support/process-harness';

/*
 * /metrics and the readiness counts with TRACKER_AUTH=required: only for METRICS_TOKEN or a verified token; and
 * the service label values of the DORA gauges bounded by METRICS_MAX_SERVICES (default 100), the rest as
 * service="_other", however many service names callers invent.
 */

const METRICS_TOKEN = 'e2e-scrape-token-0123456789';
const SERVICES = 105;
const DORA_FAMILIES = ['tracker_dora_deployments_per_day', 'tracker_dora_change_failure_rate'];

/** The distinct `service` label values of one metric family in a Prometheus text. */
function serviceLabels(text: string, family: string): Set<string> {
  const values = new Set<string>();
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${family}\\{.*service="([^"]*)"`).exec(line);
    if (match) values.add(match[1]);
  }
  return values;
}

describe('/metrics with TRACKER_AUTH=required', () => {
  let app: TestApp;
  const user = { authorization: `Bearer ${mintToken({})}` };

  beforeAll(async () => {
    app = await startTestApp({
      env: { TRACKER_AUTH: 'required', METRICS_TOKEN, DORA_METRICS_REFRESH_MS: '1000', RATE_LIMIT_PER_MINUTE: '1000000' },
    });
  });
  afterAll(() => app?.close());

  const scrape = (headers: Record<string, string> = {}) => http('GET', `${app.http}/metrics`, { headers });

  it('answers 401 without a token or with a wrong one, 200 with METRICS_TOKEN or a verified token', async () => {
    for (const headers of [{}, { authorization: GARBAGE_TOKEN }, { authorization: `Bearer ${METRICS_TOKEN}-not` }] as Record<
      string,
      string
    >[]) {
      const refused = await scrape(headers);
      expect({ headers, status: refused.status, type: refused.headers.get('content-type') }).toEqual({
        headers,
        status: 401,
        type: expect.stringMatching(/^application\/problem\+json/),
      });
      expect(refused.text).not.toContain('tracker_');
    }
    for (const headers of [{ authorization: `Bearer ${METRICS_TOKEN}` }, user]) {
      const res = await scrape(headers);
      expect(res.status).toBe(200);
      expect(res.text).toContain('tracker_http_request_duration_seconds');
    }
  });

  it(`shows at most 100 services per DORA gauge and the rest as _other (${SERVICES} distinct services deployed)`, async () => {
    const startDate = new Date(Date.now() - 86_400_000).toISOString();
    // 260-character names, as in the report; equally busy, so the first 100 by name keep their label.
    const names = Array.from({ length: SERVICES }, (_, i) => `svc-${String(i).padStart(3, '0')}-`.padEnd(260, 'x'));
    for (const service of names) {
      const res = await http('POST', `${app.http}/api/v1alpha1/event`, {
        body: { title: 'Deploy', attributes: { type: 1, service, environment: 7, status: 3, startDate } },
        headers: user,
      });
      expect(res.status).toBe(200);
    }
    // The gauges refresh in the background: one refresh may land while the deployments are still being posted
    // (on a loaded machine), so wait for one that saw all five services past the bound.
    const otherPerDay = (text: string) =>
      Number(new RegExp(`^tracker_dora_deployments_per_day\\{service="_other",environment="7"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    const text = await eventually(async () => {
      const res = await scrape({ authorization: `Bearer ${METRICS_TOKEN}` });
      return Math.abs(otherPerDay(res.text) - (SERVICES - 100) / 30) < 1e-6 ? res.text : undefined;
    }, 45000);
    for (const family of DORA_FAMILIES) {
      const labels = serviceLabels(text, family);
      expect({ family, size: labels.size }).toEqual({ family, size: 101 });
      expect(labels).toEqual(new Set([...names.slice(0, 100), '_other']));
    }
    // The five services past the bound, one deployment each in 30 days, together.
    expect(otherPerDay(text)).toBeCloseTo((SERVICES - 100) / 30, 6);
  }, 120_000);
});

describe('/health/ready with TRACKER_AUTH=required (embedded store, whose document counts it shows)', () => {
  let dir: string;
  let app: AppProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-metrics-'));
    app = await spawnApp({ DATA_DIR: join(dir, 'data'), TRACKER_AUTH: 'required', METRICS_TOKEN }, join(dir, 'app.log'));
  });
  afterAll(async () => {
    if (app && app.child.exitCode === null) {
      app.child.kill('SIGTERM');
      await app.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const ready = (headers: Record<string, string> = {}) => http('GET', `${app.http}/health/ready`, { headers });

  it('shows the counts to METRICS_TOKEN and verified tokens only; everyone else gets the status alone', async () => {
    const counted = await eventually(
      async () => (await ready({ authorization: `Bearer ${METRICS_TOKEN}` })).body.details?.store?.readEnvelope,
      30000,
    );
    expect(counted.documents).toEqual({ tracker_events: 0, activity_events: 0 });
    expect((await ready({ authorization: `Bearer ${mintToken({})}` })).body.details.store.readEnvelope).toEqual(counted);
    for (const headers of [{}, { authorization: GARBAGE_TOKEN }] as Record<string, string>[]) {
      const res = await ready(headers);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok', details: { store: { status: 'up' } } });
      expect(res.text).not.toContain('documents');
      expect(res.text).not.toContain('tracker_events');
    }
  });
});
