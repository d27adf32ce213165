/**
 * A small closed-loop gRPC load generator, run as its own process: K channels (each its own HTTP/2
 * connection), C calls in flight per channel, for a fixed duration; prints one JSON line with rps, p50/p99 (ms)
 * and the error count. `{n}` in the request template becomes a unique number per call.
 *
 *   node -r ts-node/register/transpile-only bench/grpc-load.ts --address 127.0.0.1:8765 \
 *     --proto proto/tracker/event/v1alpha1/event.proto --service tracker.event.v1alpha1.EventService \
 *     --method CreateEvent --request '{"title":"t {n}"}' --channels 4 --concurrency 16 --seconds 10
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createHistogram } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    address: { type: 'string' },
    proto: { type: 'string' },
    include: { type: 'string', default: 'proto' },
    service: { type: 'string' },
    method: { type: 'string' },
    request: { type: 'string', default: '{}' },
    metadata: { type: 'string', default: '{}' },
    channels: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '10' },
  },
});

/** Bodies encoded ahead of the timed run, per second of it: well above any rate these machines reach. */
const BODIES_PER_SECOND = 5_000;

async function main(): Promise<void> {
  const definition = protoLoader.loadSync(values.proto!, {
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: false,
    includeDirs: [values.include],
  });
  const method = definition[values.service!] as protoLoader.ServiceDefinition | undefined;
  const call = method?.[values.method!];
  if (!call) throw new Error(`no method ${values.service}/${values.method} in ${values.proto}`);
  const channels = Number(values.channels);
  const concurrency = Number(values.concurrency);
  const seconds = Number(values.seconds);
  const template = values.request;
  // The loader shares the machine's two cores with the service and its store: every request is encoded before
  // the clock starts and answers are not decoded, so the loader's own CPU per call is mostly grpc-js's.
  const bodies = Array.from({ length: Math.max(1_000, seconds * BODIES_PER_SECOND) }, (_, i) =>
    call.requestSerialize(JSON.parse(template.replaceAll('{n}', String(i))) as object),
  );
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(JSON.parse(values.metadata) as Record<string, string>)) md.set(k, v);
  const hist = createHistogram();
  let ok = 0;
  let errors = 0;
  let n = 0;
  const firstErrors: string[] = [];
  const clients = Array.from(
    { length: channels },
    () => new grpc.Client(values.address!, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }),
  );
  const raw = (b: Buffer) => b;
  const one = (client: grpc.Client) =>
    new Promise<void>((resolve) => {
      // Past the encoded bodies (a rate above BODIES_PER_SECOND), bodies repeat: creates are not deduplicated.
      const body = bodies[n++ % bodies.length];
      const started = process.hrtime.bigint();
      client.makeUnaryRequest(call.path, raw, raw, body, md, (err: grpc.ServiceError | null) => {
        hist.record(Number(process.hrtime.bigint() - started) || 1);
        if (err) {
          errors++;
          if (firstErrors.length < 3) firstErrors.push(`${err.code}: ${err.details}`);
        } else ok++;
        resolve();
      });
    });
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    clients.flatMap((client) =>
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < deadline) await one(client);
      }),
    ),
  );
  const elapsed = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  for (const c of clients) c.close();
  const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;
  process.stdout.write(
    `${JSON.stringify({ rps: Math.round(ok / elapsed), p50_ms: ms(hist.percentile(50)), p99_ms: ms(hist.percentile(99)), errors, requests: ok + errors, loader_cpu_ms: (cpu.user + cpu.system) / 1000, firstErrors })}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
