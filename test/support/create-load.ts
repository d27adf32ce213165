import { performance } from 'node:perf_hooks';

/** One request the load loop made: when, how long, what came back. */
export interface LoadSample {
  at: number;
  ms: number;
  status: number;
  id?: string;
  /** problem+json body of a non-2xx answer, when there was one */
  problem?: Record<string, unknown>;
  retryAfter?: string | null;
  contentType?: string | null;
  /** a transport failure's code (status 0): ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET (closed under the request) */
  error?: string;
}

export interface CreateLoad {
  /** every create that answered 2xx, with its id */
  readonly acknowledged: string[];
  readonly samples: LoadSample[];
  /** transport failures (connection refused/reset: the app is gone) */
  readonly failures: number;
  stop(): Promise<void>;
}

let counter = 0;

/** A small valid tracker event; the title is unique so a lost write would be noticed by title too. */
export function trackerEventBody(tag: string): Record<string, unknown> {
  counter += 1;
  return {
    title: `${tag} ${process.pid}-${counter}`,
    attributes: { message: 'load', type: 1, priority: 3, service: `load-${tag}`, status: 1, environment: 1 },
  };
}

/**
 * `concurrency` workers POSTing tracker events in a closed loop until stop(). Each request has a client-side
 * deadline so a hung server shows up as a slow sample (status 0), never as a stuck test.
 */
export function startCreateLoad(base: string, concurrency: number, tag: string, deadlineMs = 15000): CreateLoad {
  const acknowledged: string[] = [];
  const samples: LoadSample[] = [];
  let failures = 0;
  let running = true;
  const worker = async () => {
    while (running) {
      const started = performance.now();
      const at = Date.now();
      try {
        const res = await fetch(`${base}/api/v1alpha1/event`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(trackerEventBody(tag)),
          signal: AbortSignal.timeout(deadlineMs),
        });
        const text = await res.text();
        const sample: LoadSample = { at, ms: performance.now() - started, status: res.status };
        const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        if (res.status >= 200 && res.status < 300) {
          sample.id = String(body.id);
          acknowledged.push(sample.id);
        } else {
          sample.problem = body;
          sample.retryAfter = res.headers.get('retry-after');
          sample.contentType = res.headers.get('content-type');
        }
        samples.push(sample);
        // a refused request (503, 429) is retried a little later, as a polite client would
        if (res.status >= 300) await new Promise((r) => setTimeout(r, 50));
      } catch (err) {
        failures += 1;
        const cause = (err as { cause?: { code?: string } }).cause;
        samples.push({ at, ms: performance.now() - started, status: 0, error: cause?.code ?? (err as Error).name });
        // the app is gone or hung: do not spin
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    acknowledged,
    samples,
    get failures() {
      return failures;
    },
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

/** Reads every id back (GET 200), `parallel` at a time; returns the ids that were not found. */
export async function missingIds(base: string, ids: string[], parallel = 16): Promise<string[]> {
  const missing: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      const res = await fetch(`${base}/api/v1alpha1/event/${id}`);
      await res.arrayBuffer();
      if (res.status !== 200) missing.push(`${id}:${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return missing;
}
