/**
 * `node -r ts-node/register/transpile-only bench/overlaps-latency.ts [events]`: the latency of
 * GET /api/v1alpha1/events/overlaps over a 92-day window holding `events` (default 10,000) tracker events, on
 * the embedded store. Starts its own FerretDB and the app in this process, seeds the events in the service's own
 * record format (20 services, 8 environments, 5 min to 4 h long, one in ten still running), then times repeated
 * queries. A measurement for docs and reports, not a test: nothing here asserts a time.
 */
import { performance } from 'node:perf_hooks';
import { buildEventRecord } from '../src/features/tracker-events/domain/event-record';
import type { CreateEventDto } from '../src/features/tracker-events/dto/event-body.dto';
import { startBenchApp } from './workload';

const EVENTS = Number(process.argv[2] ?? 10_000);
const REPEATS = 15;
const WINDOW_START = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

function seed(n: number) {
  const start = new Date(WINDOW_START + ((n * 7919) % (90 * 24 * 60)) * 60_000);
  const minutes = 5 + ((n * 104_729) % 235);
  const dto = {
    title: `Seeded deployment ${n}`,
    attributes: {
      type: 1 + (n % 2),
      service: `svc-${n % 20}`,
      status: 3,
      environment: 1 + (n % 8),
      startDate: start.toISOString(),
      ...(n % 10 === 0 ? {} : { endDate: new Date(start.getTime() + minutes * 60_000).toISOString() }),
    },
    links: {},
  } as unknown as CreateEventDto;
  return buildEventRecord(dto, new Date(), 'bench');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const bench = await startBenchApp('overlaps');
  try {
    await bench.seed(
      'tracker_events',
      Array.from({ length: EVENTS }, (_, i) => seed(i)),
    );
    const url = (by: string) =>
      `${bench.http}/api/v1alpha1/events/overlaps?from=${new Date(WINDOW_START).toISOString()}&to=${new Date(WINDOW_START + 92 * DAY).toISOString()}&by=${by}`;
    for (const by of ['service', 'environment']) {
      await fetch(url(by)).then((r) => r.text());
      const times: number[] = [];
      let body: { totalOverlaps: number; groups: unknown[] } = { totalOverlaps: 0, groups: [] };
      for (let i = 0; i < REPEATS; i++) {
        const t = performance.now();
        const res = await fetch(url(by));
        body = (await res.json()) as typeof body;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      process.stdout.write(
        `${EVENTS} events, 92-day window, by=${by}: median ${percentile(times, 50).toFixed(0)} ms, p90 ${percentile(times, 90).toFixed(0)} ms ` +
          `(${REPEATS} runs; ${body.groups.length} groups, ${body.totalOverlaps} overlapping pairs, 1000 listed)\n`,
      );
    }
  } finally {
    await bench.close();
  }
}

void main();
