import { freshDatabaseName, startTestApp, TestApp } from '../support/app-harness';
import { reportFigure } from '../support/figures';
import { http } from '../support/http';
import { openSse, SseStream } from '../support/sse-client';

/** The machine's NATS server (CI runs one too): docs/live.md, "Fan-out". */
const BUS = process.env.TRACKER_TEST_EVENT_BUS_URL ?? 'nats://127.0.0.1:4222';

describe('live streams across two instances on one store, through NATS', () => {
  let a: TestApp;
  let b: TestApp;
  const open: SseStream[] = [];
  const sse = async (app: TestApp, headers: Record<string, string> = {}) => {
    const s = await openSse(`${app.http}/api/v1alpha1/events/stream`, headers);
    open.push(s);
    await s.waitFor((m) => m.length >= 1);
    return s;
  };
  const create = async (app: TestApp, title: string) => {
    const res = await http('POST', `${app.http}/api/v1alpha1/event`, { body: { title, attributes: { type: 1, service: 'multi' } } });
    if (res.status !== 200) throw new Error(`create on ${app.http}: ${res.status} ${res.text}`);
    return res.body.id as string;
  };

  beforeAll(async () => {
    const database = freshDatabaseName('live');
    a = await startTestApp({ database, env: { EVENT_BUS_URL: BUS } });
    b = await startTestApp({ database, env: { EVENT_BUS_URL: BUS } });
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it("delivers each instance's changes to the other's subscribers", async () => {
    const onA = await sse(a);
    const onB = await sse(b);
    const fromB = await create(b, 'written on b');
    const fromA = await create(a, 'written on a');
    for (const s of [onA, onB]) await s.waitFor((m) => m.filter((x) => x.event === 'created').length === 2);
    expect(onA.changes().map((c) => c.data.id)).toEqual([fromB, fromA]);
    expect(onB.changes().map((c) => c.data.id)).toEqual([fromB, fromA]);
  });

  it('under concurrent writes on both instances: one dense sequence, the same on every subscriber, and a resume from before the load sees every acknowledged change', async () => {
    const onA = await sse(a);
    const onB = await sse(b);
    const start = onA.messages[0].id!;
    const acknowledged: string[] = [];
    const latencies: number[] = [];
    const writer = async (app: TestApp, other: SseStream, n: number, tag: string) => {
      for (let i = 0; i < n; i++) {
        const id = await create(app, `${tag} ${i}`);
        const ackAt = Date.now();
        acknowledged.push(id);
        // Time until the OTHER instance's subscriber has it (cross-instance delivery).
        void other.waitFor((m) => m.some((x) => x.data.includes(id)), 30_000).then(() => latencies.push(Date.now() - ackAt));
      }
    };
    await Promise.all([writer(a, onB, 40, 'a1'), writer(a, onB, 40, 'a2'), writer(b, onA, 40, 'b1'), writer(b, onA, 40, 'b2')]);
    for (const s of [onA, onB]) await s.waitFor((m) => m.filter((x) => x.event === 'created').length >= 160, 60_000);

    const seqA = onA.changes().map((c) => [Number(c.id), c.data.id]);
    const seqB = onB.changes().map((c) => [Number(c.id), c.data.id]);
    expect(seqA).toEqual(seqB);
    // Dense: consecutive positions right after the start, no gap, no repeat.
    expect(seqA.map(([p]) => p)).toEqual(seqA.map((_, i) => Number(start) + 1 + i));
    expect(new Set(seqA.map(([, id]) => id))).toEqual(new Set(acknowledged));

    for (const app of [a, b]) {
      const resumed = await openSse(`${app.http}/api/v1alpha1/events/stream?since=${start}`);
      open.push(resumed);
      await resumed.waitFor((m) => m.filter((x) => x.event === 'created').length >= 160, 60_000);
      expect(resumed.changes().map((c) => [Number(c.id), c.data.id])).toEqual(seqA);
      resumed.close();
    }
    latencies.sort((x, y) => x - y);
    reportFigure(
      `cross-instance delivery (ack on one instance -> SSE subscriber on the other, NATS, 160 creates from 4 writers): ` +
        `p50 ${latencies[Math.floor(latencies.length * 0.5)]} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)]} ms (n=${latencies.length})`,
    );
  });
});
