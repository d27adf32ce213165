/**
 * `node -r ts-node/register/transpile-only bench/incidents-latency.ts [events]`, and part of `npm run bench`: the
 * latency of GET /api/v1alpha1/incidents (the first page, and a 30-day window) and of the extended DORA answer
 * (GET /insights/dora with rework rate and provenance, suspected causes counted) with `events` (default 10,000)
 * tracker events and a fifth as many changes on the embedded store, and how many reads of each collection each
 * answer makes (counted at the services the answers read through: each of those calls is one store query).
 * Seeded like bench/insights-latency.ts (20 services, 7 deployments in 10, 3 incidents in 10 over 120 days), plus
 * incident sources (PagerDuty, Alertmanager, Grafana, by hand), linked causes and hotfixes. A measurement for docs
 * and reports, not a test: nothing here asserts a time.
 */
import { performance } from 'node:perf_hooks';
import { CodeChangesService } from '../src/features/code-changes';
import { buildCodeChangeRecord, changeId } from '../src/features/code-changes/domain/code-change-record';
import { TrackerEventsService } from '../src/features/tracker-events';
import { buildEventRecord } from '../src/features/tracker-events/domain/event-record';
import type { CreateEventDto } from '../src/features/tracker-events/dto/event-body.dto';
import { startBenchApp } from './workload';

const REPEATS = 15;
const DAY = 86_400_000;
const TO = Date.UTC(2024, 4, 1);
const FROM = TO - 30 * DAY;
const SPAN_MINUTES = 120 * 24 * 60;
const STATUSES = [3, 3, 3, 3, 4, 6, 5, 1];
const SOURCES = ['pagerduty', 'alertmanager', 'grafana', 'manual'];

export interface IncidentsFigures {
  events: number;
  incidents: number;
  list_p50_ms: number;
  list_p90_ms: number;
  window_p50_ms: number;
  window_p90_ms: number;
  dora_p50_ms: number;
  dora_p90_ms: number;
  /** The floor: the raw driver reading the whole tracker_events collection once. */
  scan_p50_ms: number;
  /** Store queries of the events / changes collections per answer. */
  reads: { list: { events: number; changes: number }; dora: { events: number; changes: number } };
  rework_rate: number | null;
  suspected_failures: number;
}

function seedEvent(n: number) {
  const start = new Date(TO - ((n * 7919) % SPAN_MINUTES) * 60_000);
  const incident = n % 10 >= 7;
  const dto = {
    title: `Seeded ${incident ? 'incident' : 'deployment'} ${n}`,
    attributes: {
      type: incident ? 4 : 1,
      // n % 20 alone would give incidents and deployments disjoint services (n % 10 decides the type)
      service: `svc-${incident ? (n * 7) % 20 : n % 20}`,
      environment: n % 5 === 0 ? 6 : 7,
      status: incident ? (n % 3 === 0 ? 7 : 8) : STATUSES[n % STATUSES.length],
      startDate: start.toISOString(),
      ...(incident ? { source: SOURCES[n % SOURCES.length] } : {}),
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
  const times: number[] = [];
  let body: Record<string, unknown> = {};
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    const res = await fetch(url(i));
    body = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`answered ${res.status}: ${JSON.stringify(body)}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: Math.round(percentile(times, 50)), p90: Math.round(percentile(times, 90)), body };
}

/** Counts the calls of the given methods (each one store query) while `run` runs. */
async function countCalls(targets: [object, string][], run: () => Promise<unknown>): Promise<number[]> {
  const counts = targets.map(() => 0);
  const originals = targets.map(([o, m]) => (o as Record<string, (...a: unknown[]) => unknown>)[m]);
  targets.forEach(([o, m], i) => {
    (o as Record<string, unknown>)[m] = (...args: unknown[]) => {
      counts[i]++;
      return originals[i].apply(o, args);
    };
  });
  try {
    await run();
  } finally {
    targets.forEach(([o, m], i) => ((o as Record<string, unknown>)[m] = originals[i]));
  }
  return counts;
}

export async function measureIncidents(events = 10_000): Promise<IncidentsFigures> {
  const bench = await startBenchApp('incidents', { RATE_LIMIT_PER_MINUTE: '1000000', DORA_SUSPECTED_CAUSES: 'on' });
  try {
    const docs = Array.from({ length: events }, (_, i) => seedEvent(i));
    const deploymentIds = docs.filter((d) => d.attributes.type === 1).map((d) => d._id.toHexString());
    const incidentIds = docs.filter((d) => d.attributes.type === 4).map((d) => d._id.toHexString());
    docs.forEach((d, i) => {
      // a quarter of the incidents link their cause; one deployment in 20 is a hotfix, one in 30 a redeploy
      if (d.attributes.type === 4 && i % 4 === 0) d.attributes.relatedId = deploymentIds[i % deploymentIds.length];
      else if (d.attributes.type === 1 && i % 20 === 1) d.attributes.relatedId = incidentIds[i % incidentIds.length];
      else if (d.attributes.type === 1 && i % 30 === 2) d.attributes.relatedId = deploymentIds[(i * 7) % deploymentIds.length];
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

    const eventsService = bench.tracker.app.get(TrackerEventsService);
    const changesService = bench.tracker.app.get(CodeChangesService);
    const readers: [object, string][] = [
      [eventsService, 'findIncidentEvents'],
      [eventsService, 'findDeliveryEvents'],
      [eventsService, 'findRecord'],
      [changesService, 'listChangedBetween'],
    ];
    const readsOf = async (url: string) => {
      const [incidents, delivery, byId, changed] = await countCalls(readers, () => fetch(url).then((r) => r.text()));
      return { events: incidents + delivery + byId, changes: changed };
    };

    const api = `${bench.http}/api/v1alpha1`;
    // a minute apart: DORA widens windows to whole minutes and shares an answer for 30 s
    const windowQuery = (i: number) => `from=${new Date(FROM).toISOString()}&to=${new Date(TO + (i + 1) * 60_000).toISOString()}`;
    const list = await timed((i) => `${api}/incidents?per_page=50&page=${1 + (i % 3)}`);
    const inWindow = await timed((i) => `${api}/incidents?environment=7&${windowQuery(i)}`);
    const dora = await timed((i) => `${api}/insights/dora?${windowQuery(i + 100)}&bucket=week`);
    const reads = {
      list: await readsOf(`${api}/incidents?per_page=50`),
      dora: await readsOf(`${api}/insights/dora?${windowQuery(500)}&bucket=week`),
    };
    const scans: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await bench.client.db().collection('tracker_events').find({}).toArray();
      scans.push(performance.now() - t);
    }
    scans.sort((a, b) => a - b);
    const rework = dora.body.deploymentReworkRate as { rate: number | null };
    const failure = dora.body.changeFailureRate as { byReason: { suspectedIncident: number } };
    return {
      events,
      incidents: list.body.totalCount as number,
      list_p50_ms: list.p50,
      list_p90_ms: list.p90,
      window_p50_ms: inWindow.p50,
      window_p90_ms: inWindow.p90,
      dora_p50_ms: dora.p50,
      dora_p90_ms: dora.p90,
      scan_p50_ms: Math.round(percentile(scans, 50)),
      reads,
      rework_rate: rework.rate,
      suspected_failures: failure.byReason.suspectedIncident,
    };
  } finally {
    await bench.close();
  }
}

export function describeIncidents(f: IncidentsFigures): string {
  return (
    `incidents at ${f.events} events (${f.incidents} incidents; ${REPEATS} runs): GET /incidents (50 a page) p50 ${f.list_p50_ms} ms, ` +
    `p90 ${f.list_p90_ms} ms; a 30-day window of production p50 ${f.window_p50_ms} ms, p90 ${f.window_p90_ms} ms; ` +
    `extended GET /insights/dora (rework rate ${f.rework_rate?.toFixed(3)}, ${f.suspected_failures} suspected failures counted) ` +
    `p50 ${f.dora_p50_ms} ms, p90 ${f.dora_p90_ms} ms; one raw scan of the events p50 ${f.scan_p50_ms} ms; reads per answer ` +
    `(events/changes): list ${f.reads.list.events}/${f.reads.list.changes}, dora ${f.reads.dora.events}/${f.reads.dora.changes}\n`
  );
}

if (require.main === module) {
  measureIncidents(Number(process.argv[2] ?? 10_000))
    .then((f) => process.stdout.write(describeIncidents(f)))
    .catch((err) => {
      process.stderr.write(`incidents bench failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    });
}
