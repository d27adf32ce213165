import { buildEventRecord } from '../src/tracker-events/domain/event-record';
import type { CreateEventDto } from '../src/tracker-events/dto/event-body.dto';
import type { TrackerEventRecord } from '../src/tracker-events/data/tracker-event.schema';

const SERVICES = 20;

/**
 * A create body like the seed's deployment example; `marker` is replaced per request by the load tool so
 * every body is unique. gRPC takes the same fields under their proto names.
 */
export function trackerCreateBody(marker: string, via: 'rest' | 'grpc' = 'rest'): Record<string, unknown> {
  const attributes = {
    message: 'Deployed via the benchmark',
    type: 1,
    priority: 2,
    service: 'bench-service',
    status: 3,
    environment: 7,
    owner: 'platform-team',
  };
  return via === 'rest'
    ? {
        title: `Deploy bench-service build ${marker}`,
        attributes,
        links: { pullRequestLink: 'https://github.com/org/repo/pull/123', ticket: 'PROJ-456' },
      }
    : {
        title: `Deploy bench-service build ${marker}`,
        attributes,
        links: { pull_request_link: 'https://github.com/org/repo/pull/123', ticket: 'PROJ-456' },
      };
}

/**
 * `count` documents exactly as the service stores them (its own record builder), spread over 20 services and
 * the first half of 2024, so a service + one-month search matches about 1/120 of them; one in 50 is dated
 * today (UTC), so the today page has events.
 */
export function seedTrackerEvents(count: number, first: number): TrackerEventRecord[] {
  const out: TrackerEventRecord[] = [];
  const today = new Date().setUTCHours(0, 0, 0, 0);
  for (let i = 0; i < count; i++) {
    const n = first + i;
    const start = new Date(n % 50 === 49 ? today + (n % 1440) * 60_000 : Date.UTC(2024, 0, 1) + ((n * 7919) % (182 * 24)) * 3600_000);
    const dto = {
      title: `Seeded deployment ${n}`,
      attributes: {
        type: 1 + (n % 5),
        priority: 1 + (n % 5),
        service: `svc-${n % SERVICES}`,
        status: 3,
        environment: 1 + (n % 8),
        startDate: start.toISOString(),
      },
      links: {},
    } as unknown as CreateEventDto;
    out.push(buildEventRecord(dto, new Date(), 'bench'));
  }
  return out;
}
