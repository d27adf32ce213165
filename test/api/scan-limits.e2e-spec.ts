import { status } from '@grpc/grpc-js';
import mongoose from 'mongoose';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { TRACKER_EVENTS_COLLECTION } from '../../src/features/tracker-events/data/tracker-event.schema';
import { buildEventRecord } from '../../src/features/tracker-events/domain/event-record';
import type { CreateEventDto } from '../../src/features/tracker-events/dto/event-body.dto';
import { startTestApp, TestApp } from '../support/app-harness';
import { mintToken } from '../support/auth';
import { reportFigure } from '../support/figures';
import { grpcClient } from '../support/grpc-client';
import { http, HttpResult } from '../support/http';

/*
 * Scan queries (here /insights/dora, which reads the events whole on the embedded store) are bounded in flight:
 * per caller (429) and in all (503), both with Retry-After; windows that differ by seconds share one answer.
 * Meanwhile a plain /events/list still answers.
 */
const EVENTS = 3000;
const MINUTE = 60_000;
const DAY = 86_400_000;

/** `count` deployments of 20 services in production over the 50 days before `now`, written straight to the store. */
async function seedDeployments(app: TestApp, count: number, now: number): Promise<void> {
  const conn = await mongoose.createConnection(app.storeUri).asPromise();
  try {
    const records = Array.from({ length: count }, (_, i) => {
      const at = new Date(now - ((i * 7919) % (50 * DAY)));
      const dto: CreateEventDto = { title: `deploy ${i}`, attributes: { type: 1, service: `scan-${i % 20}`, environment: 7, status: 3 } };
      return buildEventRecord(dto, at, 'seed');
    });
    for (let i = 0; i < records.length; i += 500)
      await conn.db!.collection(TRACKER_EVENTS_COLLECTION).insertMany(records.slice(i, i + 500));
  } finally {
    await conn.close();
  }
}

async function timed<T>(work: Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work;
  return { ms: Math.round(performance.now() - started), value };
}

/** 30 days ending `seconds` (1-59) after `end`, a whole minute: all such windows widen to the same whole minutes. */
const windowEnding = (end: number, seconds: number) => ({
  from: new Date(end - 30 * DAY + seconds * 1000).toISOString(),
  to: new Date(end + seconds * 1000).toISOString(),
});

describe('scan queries in flight are bounded (SCAN_MAX_IN_FLIGHT=4, SCAN_MAX_IN_FLIGHT_PER_CALLER=2)', () => {
  let app: TestApp;
  const minuteNow = Math.floor(Date.now() / MINUTE) * MINUTE;

  beforeAll(async () => {
    app = await startTestApp({ env: { SCAN_MAX_IN_FLIGHT: '4', SCAN_MAX_IN_FLIGHT_PER_CALLER: '2' } });
    await seedDeployments(app, EVENTS, minuteNow);
  });
  afterAll(async () => app?.close());

  it('40 parallel dora calls from 3 callers, windows a second apart: the excess is 429/503 with Retry-After, the rest share one answer; a concurrent list answers', async () => {
    const listUrl = `${app.http}/api/v1alpha1/events/list?per_page=20`;
    const listAlone = await timed(http('GET', listUrl));
    expect(listAlone.value.status).toBe(200);

    const callers = Array.from({ length: 3 }, () => ({ authorization: `Bearer ${mintToken({})}` }));
    const end = minuteNow - 60 * MINUTE;
    const doraCalls = Array.from({ length: 40 }, (_, i) => {
      const query = new URLSearchParams(windowEnding(end, i + 1));
      return http('GET', `${app.http}/api/v1alpha1/insights/dora?${query.toString()}`, { headers: callers[i % callers.length] });
    });
    const listDuring = await timed(http('GET', listUrl));
    const answers: HttpResult[] = await Promise.all(doraCalls);

    reportFigure(
      `${EVENTS} events: /events/list alone ${listAlone.ms} ms, during 40 parallel dora calls ${listDuring.ms} ms (${listDuring.value.status}) ` +
        `(dora answers: ${answers.filter((a) => a.status === 200).length} ok, ${answers.filter((a) => a.status === 429).length} 429, ` +
        `${answers.filter((a) => a.status === 503).length} 503)`,
    );
    expect(listDuring.value.status).toBe(200);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.map((a) => a.status)).toEqual(expect.arrayContaining([429, 503]));
    for (const r of refused) {
      expect([429, 503]).toContain(r.status);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(r.body).toMatchObject(
        r.status === 429
          ? { type: 'urn:tracker:problems:rate-limited', limit: 'SCAN_MAX_IN_FLIGHT_PER_CALLER' }
          : { type: 'urn:tracker:problems:unavailable', limit: 'SCAN_MAX_IN_FLIGHT' },
      );
    }
    // The windows differ by seconds only: every answer is the one for the window widened to whole minutes.
    const windows = new Set(answers.filter((a) => a.status === 200).map((a) => JSON.stringify(a.body.window)));
    expect([...windows]).toEqual([
      JSON.stringify({ from: new Date(end - 30 * DAY).toISOString(), to: new Date(end + MINUTE).toISOString() }),
    ]);
  });

  it('gRPC: a caller past its share gets RESOURCE_EXHAUSTED, anyone past the total UNAVAILABLE, both with retry-after', async () => {
    const grpc = grpcClient(
      app.grpc,
      join(PROTO_ROOT, 'tracker/insights/v1alpha1/insights.proto'),
      'tracker.insights.v1alpha1.InsightsService',
    );
    try {
      const callers = Array.from({ length: 3 }, () => ({ authorization: `Bearer ${mintToken({})}` }));
      const end = minuteNow - 2 * 60 * MINUTE;
      const outcomes = await Promise.all(
        Array.from({ length: 9 }, (_, i) =>
          grpc.call('GetDora', windowEnding(end, i + 1), callers[i % callers.length]).then(
            () => ({ code: status.OK, retryAfter: undefined }),
            (err: { code: number; metadata: { get(k: string): unknown[] } }) => ({
              code: err.code,
              retryAfter: Number(err.metadata.get('retry-after')[0]),
            }),
          ),
        ),
      );
      expect(outcomes.map((o) => o.code)).toEqual(expect.arrayContaining([status.OK, status.RESOURCE_EXHAUSTED, status.UNAVAILABLE]));
      for (const o of outcomes.filter((x) => x.code !== status.OK)) {
        expect([status.RESOURCE_EXHAUSTED, status.UNAVAILABLE]).toContain(o.code);
        expect(o.retryAfter).toBeGreaterThanOrEqual(1);
      }
    } finally {
      grpc.close();
    }
  });
});
