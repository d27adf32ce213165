/**
 * `node -r ts-node/register/transpile-only bench/insights-latency.ts [events]`, and part of `npm run bench`: the
 * latency of GET /api/v1alpha1/insights/dora and /insights/dora/services over a 30-day window, with `events`
 * (default 10,000) tracker events and a fifth as many changes on the embedded store. Starts its own FerretDB and
 * the app in this process and seeds records in the services' own formats: 20 services, deployments (7 in 10,
 * mostly production, all statuses) and incidents (3 in 10, some naming a deployment, some resolved by a status
 * change) spread over 120 days, so the 90-day look-back has data. Each timed request has its own window end (a
 * second apart), so none is answered from the 30-second sharing; the shared answer is timed apart. A
 * measurement for docs and reports, not a test: nothing here asserts a time.
 */
import { performance } from 'node:perf_hooks';
import { buildCodeChangeRecord, changeId } from '../src/features/code-changes/domain/code-change-record';
import { buildEventRecord } from '../src/features/tracker-events/domain/event-record';
import type { CreateEventDto } from '../src/features/tracker-events/dto/event-body.dto';
import { startBenchApp } from './workload';

const REPEATS = 15;
const DAY = 86_400_000;
const TO = Date.UTC(2024, 4, 1);
const FROM = TO - 30 * DAY;
const SPAN_MINUTES = 120 * 24 * 60;
const STATUSES = [3, 3, 3, 3, 4, 6, 5, 1];

export interface InsightsFigures {
  events: number;
  changes: number;
  dora_p50_ms: number;
  dora_p90_ms: number;
  services_p50_ms: number;
  services_p90_ms: number;
  shared_p50_ms: number;
  /** The floor: the raw driver reading the whole tracker_events collection once, in the same conditions. */
  scan_p50_ms: number;
  deployments_in_window: number;
}

function seedEvent(n: number) {
  const start = new Date(TO - ((n * 7919) % SPAN_MINUTES) * 60_000);
  const incident = n % 10 >= 7;
  const dto = {
    title: `Seeded ${incident ? 'incident' : 'deployment'} ${n}`,
    attributes: {
      type: incident ? 4 : 1,
      service: `svc-${n % 20}`,
      environment: n % 5 === 0 ? 6 : 7,
      status: incident ? (n % 3 === 0 ? 7 : 8) : STATUSES[n % STATUSES.length],
      startDate: start.toISOString(),
      ...(incident && n % 3 !== 0 ? { endDate: new Date(start.getTime() + (10 + (n % 600)) * 60_000).toISOString() } : {}),
    },
    links: {},
  } as unknown as CreateEventDto;
  return buildEventRecord(dto, new Date(), 'bench');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timed(url: (i: number) => string): Promise<{ p50: number; p90: number; body: Record<string, unknown> }> {
  await fetch(url(-1)).then((r) => r.text());
  const times: number[] = [];
  let body: Record<string, unknown> = {};
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    const res = await fetch(url(i));
    body = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`insights answered ${res.status}: ${JSON.stringify(body)}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: Math.round(percentile(times, 50)), p90: Math.round(percentile(times, 90)), body };
}

export async function measureInsights(events = 10_000): Promise<InsightsFigures> {
  const bench = await startBenchApp('insights', { RATE_LIMIT_PER_MINUTE: '1000000' });
  try {
    const docs = Array.from({ length: events }, (_, i) => seedEvent(i));
    const deploymentIds = docs.filter((d) => d.attributes.type === 1).map((d) => d._id.toHexString());
    docs.forEach((d, i) => {
      if (d.attributes.type === 4 && i % 4 === 0) d.attributes.relatedId = deploymentIds[i % deploymentIds.length];
    });
    await bench.seed('tracker_events', docs);
    const changes = Array.from({ length: Math.round(events / 5) }, (_, i) => {
      const input = {
        service: `svc-${i % 20}`,
        sha: (i * 2654435761).toString(16).padStart(8, '0').slice(0, 8).padEnd(40, 'a'),
        mergedAt: new Date(TO - ((i * 104_729) % SPAN_MINUTES) * 60_000),
      };
      return buildCodeChangeRecord(input, changeId(`sha\n${input.service}\n${input.sha}\n${i}`), 'bench', new Date());
    });
    await bench.seed('changes', changes);

    const base = `${bench.http}/api/v1alpha1/insights/dora`;
    const window = (i: number) => `from=${new Date(FROM).toISOString()}&to=${new Date(TO + (i + 1) * 1000).toISOString()}`;
    const dora = await timed((i) => `${base}?${window(i)}&bucket=week`);
    const services = await timed((i) => `${base}/services?${window(i)}`);
    const shared = await timed(() => `${base}?${window(0)}&bucket=week`);
    const scans: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await bench.client.db().collection('tracker_events').find({}).toArray();
      scans.push(performance.now() - t);
    }
    scans.sort((a, b) => a - b);
    return {
      events,
      changes: changes.length,
      dora_p50_ms: dora.p50,
      dora_p90_ms: dora.p90,
      services_p50_ms: services.p50,
      services_p90_ms: services.p90,
      shared_p50_ms: shared.p50,
      scan_p50_ms: Math.round(percentile(scans, 50)),
      deployments_in_window: (dora.body.deploymentFrequency as { count: number }).count,
    };
  } finally {
    await bench.close();
  }
}

export function describeInsights(f: InsightsFigures): string {
  return (
    `insights at ${f.events} events + ${f.changes} changes (30-day window, ${f.deployments_in_window} deployments in it; ${REPEATS} runs): ` +
    `GET /insights/dora p50 ${f.dora_p50_ms} ms, p90 ${f.dora_p90_ms} ms; /insights/dora/services p50 ${f.services_p50_ms} ms, ` +
    `p90 ${f.services_p90_ms} ms; an identical request within 30 s (shared) p50 ${f.shared_p50_ms} ms; ` +
    `one raw scan of the events p50 ${f.scan_p50_ms} ms\n`
  );
}

if (require.main === module) {
  measureInsights(Number(process.argv[2] ?? 10_000))
    .then((f) => process.stdout.write(describeInsights(f)))
    .catch((err) => {
      process.stderr.write(`insights bench failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    });
}
