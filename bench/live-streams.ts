/**
 * Live-stream figures for `npm run bench` (docs/live.md): the time from a create's acknowledgement to its
 * delivery on SSE subscribers of the same instance (100 subscribers), of another instance on the same store
 * through NATS, and with 1,000 subscribers on one instance (with the service's RSS). Measurements, not tests.
 */
import { openSse, SseStream } from '../test/support/sse-client';

export interface StreamFigures {
  subscribers: number;
  changes: number;
  deliveries: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  missing: number;
  rss_mb?: { before: number; with_subscribers: number; after_load: number };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : NaN;
}

async function create(http: string, n: number, tag: string): Promise<string> {
  const res = await fetch(`${http}/api/v1alpha1/event`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: `${tag} ${n}`, attributes: { type: 1, service: `live-${tag}`, status: 1, environment: 1 } }),
  });
  const body = (await res.json()) as { id: string };
  return body.id;
}

/**
 * Opens `subscribers` streams on `subscribeTo`, then writes `changes` creates on `writeTo` from `writers`
 * closed-loop writers, and measures, for every (subscriber, change), ack -> the subscriber's parse of it.
 */
export async function deliveryFigures(
  subscribeTo: string,
  writeTo: string,
  options: { subscribers: number; changes: number; writers: number; tag: string; rssOf?: () => number },
): Promise<StreamFigures> {
  const rssBefore = options.rssOf?.();
  const streams: SseStream[] = [];
  for (let i = 0; i < options.subscribers; i += 100) {
    streams.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(100, options.subscribers - i) }, () => openSse(`${subscribeTo}/api/v1alpha1/events/stream`)),
      )),
    );
  }
  await Promise.all(streams.map((s) => s.waitFor((m) => m.length >= 1, 60_000)));
  const rssWith = options.rssOf?.();
  const ackAt = new Map<string, number>();
  const seenAt = streams.map(() => new Map<string, number>());
  // Each subscriber notes when it parsed each change (polled from its message list as it grows).
  const cursors = streams.map(() => 1);
  const watcher = setInterval(() => {
    const now = Date.now();
    streams.forEach((s, i) => {
      for (; cursors[i] < s.messages.length; cursors[i]++) {
        const m = s.messages[cursors[i]];
        if (m.event === 'created') seenAt[i].set((JSON.parse(m.data) as { id: string }).id, now);
      }
    });
  }, 2);
  let next = 0;
  await Promise.all(
    Array.from({ length: options.writers }, async () => {
      while (next < options.changes) {
        const id = await create(writeTo, next++, options.tag);
        ackAt.set(id, Date.now());
      }
    }),
  );
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && seenAt.some((m) => m.size < ackAt.size)) await new Promise((r) => setTimeout(r, 50));
  clearInterval(watcher);
  const latencies: number[] = [];
  let missing = 0;
  for (const seen of seenAt)
    for (const [id, at] of ackAt) {
      const got = seen.get(id);
      if (got === undefined) missing++;
      else latencies.push(Math.max(0, got - at));
    }
  for (const s of streams) s.close();
  latencies.sort((a, b) => a - b);
  const figures: StreamFigures = {
    subscribers: options.subscribers,
    changes: ackAt.size,
    deliveries: latencies.length,
    p50_ms: percentile(latencies, 0.5),
    p99_ms: percentile(latencies, 0.99),
    max_ms: latencies[latencies.length - 1] ?? NaN,
    missing,
  };
  if (options.rssOf && rssBefore !== undefined && rssWith !== undefined)
    figures.rss_mb = { before: Math.round(rssBefore), with_subscribers: Math.round(rssWith), after_load: Math.round(options.rssOf()) };
  return figures;
}
