/**
 * `node -r ts-node/register/transpile-only bench/deployability-latency.ts [events] [freezes] [off]`, and part of
 * `npm run bench`: the latency of GET /api/v1alpha1/deployability with `events` (default 10,000) tracker events
 * (deployments and incidents over 20 services, a tenth of the incidents still open) and `freezes` (default 1,000)
 * change freezes on the embedded store: half one-off windows over 2027, half weekly recurrences in Europe/Paris
 * and America/New_York, a fifth of them for every service. DEPLOY_BLOCK_ON_OPEN_INCIDENT=on, so the open
 * incidents are asked about (`off` as the third argument: not asked). Starts its own FerretDB and the app in this
 * process; events are seeded in the service's record format, freezes through POST /freezes (so they are exactly
 * what the API stores). Each timed request asks another service and instant. A measurement for docs and reports,
 * not a test: nothing here asserts a time.
 */
import { performance } from 'node:perf_hooks';
import { buildEventRecord } from '../src/features/tracker-events/domain/event-record';
import type { CreateEventDto } from '../src/features/tracker-events/dto/event-body.dto';
import { startBenchApp } from './workload';

const REPEATS = 30;
const SERVICES = 20;
const YEAR = Date.UTC(2027, 0, 1);
const DAY = 86_400_000;
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

export interface DeployabilityFigures {
  events: number;
  freezes: number;
  block_on_open_incident: boolean;
  p50_ms: number;
  p90_ms: number;
  /** The first request (the freezes' windows not yet compiled). */
  cold_ms: number;
  /** Of the timed answers, how many were `allowed: false`. */
  refused: number;
  /** The floor: the raw driver reading the open incidents of one service (the embedded store scans the events). */
  incidents_query_p50_ms: number;
  /** The raw driver reading every freeze once. */
  freezes_scan_p50_ms: number;
}

function seedEvent(n: number) {
  const incident = n % 10 >= 7;
  const start = new Date(YEAR + ((n * 7919) % (365 * 24 * 60)) * 60_000);
  const dto = {
    title: `Seeded ${incident ? 'incident' : 'deployment'} ${n}`,
    attributes: {
      type: incident ? 4 : 1,
      service: `svc-${n % SERVICES}`,
      environment: n % 5 === 0 ? 6 : 7,
      // Incidents: 1 in 10 still open (status 1, Start), the rest closed (8, Done).
      status: incident ? (n % 100 < 10 ? 1 : 8) : 3,
      startDate: start.toISOString(),
    },
    links: {},
  } as unknown as CreateEventDto;
  return buildEventRecord(dto, new Date(), 'bench');
}

function freezeBody(n: number): Record<string, unknown> {
  const services = n % 5 === 0 ? [] : [`svc-${n % SERVICES}`];
  if (n % 2 === 0) {
    const start = YEAR + ((n * 104_729) % (365 * 24)) * 3_600_000;
    return {
      name: `Window ${n}`,
      services,
      environments: [7],
      start: new Date(start).toISOString(),
      end: new Date(start + (2 + (n % 48)) * 3_600_000).toISOString(),
    };
  }
  const day = 1 + (n % 28);
  return {
    name: `Weekly ${n}`,
    services,
    timezone: n % 4 === 1 ? 'Europe/Paris' : 'America/New_York',
    start: `2027-01-${String(day).padStart(2, '0')}T${String(n % 24).padStart(2, '0')}:00:00`,
    rrule: `FREQ=WEEKLY;BYDAY=${DAYS[n % 7]};UNTIL=20271231T000000Z`,
    duration: `PT${1 + (n % 12)}H`,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function measureDeployability(events = 10_000, freezes = 1_000, blockOnOpenIncident = true): Promise<DeployabilityFigures> {
  const bench = await startBenchApp('deployability', {
    RATE_LIMIT_PER_MINUTE: '1000000',
    DEPLOY_BLOCK_ON_OPEN_INCIDENT: blockOnOpenIncident ? 'on' : 'off',
  });
  try {
    await bench.seed(
      'tracker_events',
      Array.from({ length: events }, (_, i) => seedEvent(i)),
    );
    // Eight creates in flight.
    for (let i = 0; i < freezes; i += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, freezes - i) }, async (_, j) => {
          const res = await fetch(`${bench.http}/api/v1alpha1/freezes`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(freezeBody(i + j)),
          });
          if (res.status !== 201) throw new Error(`POST /freezes answered ${res.status}: ${await res.text()}`);
        }),
      );
    }
    const url = (i: number) =>
      `${bench.http}/api/v1alpha1/deployability?service=svc-${(i + SERVICES) % SERVICES}&environment=7&at=${new Date(YEAR + (((i + 1) * 7_919_000) % (360 * DAY))).toISOString()}`;
    let t = performance.now();
    const first = await fetch(url(-1));
    if (first.status !== 200) throw new Error(`deployability answered ${first.status}: ${await first.text()}`);
    await first.text();
    const cold = performance.now() - t;
    const times: number[] = [];
    let refused = 0;
    for (let i = 0; i < REPEATS; i++) {
      t = performance.now();
      const res = await fetch(url(i));
      const body = (await res.json()) as { allowed: boolean };
      if (res.status !== 200) throw new Error(`deployability answered ${res.status}: ${JSON.stringify(body)}`);
      times.push(performance.now() - t);
      if (!body.allowed) refused++;
    }
    times.sort((a, b) => a - b);
    const raw = async (read: () => Promise<unknown>) => {
      const ms: number[] = [];
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        await read();
        ms.push(performance.now() - start);
      }
      return Math.round(
        percentile(
          ms.sort((a, b) => a - b),
          50,
        ),
      );
    };
    const db = bench.client.db();
    const incidentsQuery = await raw(() =>
      db
        .collection('tracker_events')
        .find({ 'attributes.type': 4, 'attributes.service': 'svc-3', 'attributes.environment': 7, 'attributes.status': { $nin: [8, 9] } })
        .limit(20)
        .toArray(),
    );
    const freezesScan = await raw(() => db.collection('freezes').find({}).toArray());
    return {
      events,
      freezes,
      block_on_open_incident: blockOnOpenIncident,
      p50_ms: Math.round(percentile(times, 50)),
      p90_ms: Math.round(percentile(times, 90)),
      cold_ms: Math.round(cold),
      refused,
      incidents_query_p50_ms: incidentsQuery,
      freezes_scan_p50_ms: freezesScan,
    };
  } finally {
    await bench.close();
  }
}

export function describeDeployability(f: DeployabilityFigures): string {
  return (
    `deployability at ${f.events} events + ${f.freezes} freezes (DEPLOY_BLOCK_ON_OPEN_INCIDENT=${f.block_on_open_incident ? 'on' : 'off'}; ${REPEATS} runs, ` +
    `${f.refused} refused): GET /deployability p50 ${f.p50_ms} ms, p90 ${f.p90_ms} ms; first request ${f.cold_ms} ms; ` +
    `floors: the raw open-incidents query p50 ${f.incidents_query_p50_ms} ms, one raw read of every freeze p50 ${f.freezes_scan_p50_ms} ms\n`
  );
}

if (require.main === module) {
  measureDeployability(Number(process.argv[2] ?? 10_000), Number(process.argv[3] ?? 1_000), process.argv[4] !== 'off')
    .then((f) => process.stdout.write(describeDeployability(f)))
    .catch((err) => {
      process.stderr.write(`deployability bench failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    });
}
