/**
 * `npm run bench` (full) / `npm run bench -- --quick` (under 3 minutes) / `npm run bench -- --live-only` (the
 * live-stream figures alone, printed, latest.json untouched). Starts the built service as `npm start`
 * does, on its embedded FerretDB (SQLite; the full run also against a FerretDB on PostgreSQL behind
 * MONGODB_URI), drives load from other processes (autocannon for REST, the gRPC loader in bench/grpc-load.ts),
 * and writes bench/results/latest.json plus tables on stdout.
 * The headline figures are ratios measured side by side in one run: the service's create throughput against
 * the raw driver inserting the same document into the same store (one at a time, and in batches), and each
 * read's latency against one full scan of the same collection by the raw driver (the embedded store's floor).
 */
import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateIndexesOptions, IndexSpecification, MongoClient } from 'mongodb';
import autocannon from 'autocannon';
import { signToken } from '../src/auth/bearer-token';
import { EmbeddedFerretDb, freePort } from '../src/platform/database/ferretdb/embedded-ferretdb';
import { ensureFerretDbBinary } from '../src/platform/database/ferretdb/ferretdb-binary';
import { REPO_ROOT } from '../src/platform/repo-root';
import { TrackerEventSchema } from '../src/features/tracker-events/data/tracker-event.schema';
import { describeIncidents, measureIncidents } from './incidents-latency';
import { describeInsights, measureInsights } from './insights-latency';
import { describeDeployability, measureDeployability } from './deployability-latency';
import { seedTrackerEvents, trackerCreateBody } from './workload';
import { deliveryFigures } from './live-streams';
import { Socket } from 'node:net';

const QUICK = process.argv.includes('--quick');
/** `npm run bench -- --live-only`: only the live-stream figures (bench/live-streams.ts). */
const LIVE_ONLY = process.argv.includes('--live-only');
const BACKENDS = (process.argv.find((a) => a.startsWith('--backends='))?.split('=')[1] ?? (QUICK ? 'sqlite' : 'sqlite,postgresql')).split(
  ',',
);
const SECONDS = QUICK ? 6 : 20;
const CONNECTIONS = 64;
/** driver_insert_many: documents per insertMany and batches in flight. */
const BATCH = 64;
const BATCHES_IN_FLIGHT = 4;
/** The read envelope: collection sizes, and timed rounds per size (each round times every read once). */
const ENVELOPE_SIZES = QUICK ? [1_000, 5_000, 10_000] : [1_000, 5_000, 10_000, 25_000];
const ENVELOPE_ROUNDS = QUICK ? 5 : 9;
const SECRET = 'bench-secret-not-for-production';
const ACCOUNT = '6a1c2f9e-3b7d-4c1e-9f2a-0d4b5e6f7a8b';
const USER = '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

interface Figures {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  /** Requests answered (for the service's CPU per request). */
  requests?: number;
  /** The service process's CPU time (user + system) per answered request, over the figure's run. */
  service_cpu_ms?: number;
  /** The store process's (FerretDB's) CPU time per answered request or inserted document, over the figure's run. */
  store_cpu_ms?: number;
  /** The load generator's own CPU time per request (autocannon in this process, or the gRPC loader's process). */
  loader_cpu_ms?: number;
}

const benchStart = Date.now();
const log = (msg: string) => process.stderr.write(`[bench +${Math.round((Date.now() - benchStart) / 1000)}s] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let ticks: number | undefined;
/** The kernel's clock ticks per second (`getconf CLK_TCK`), asked once. */
function clockTicksPerSecond(): number {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticks;
}

/** A process's CPU time so far (user + system), in ms: /proc/<pid>/stat fields 14 and 15, in clock ticks. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond();
}

/** The processes whose CPU time a figure reports per request. */
interface CpuOf {
  service?: number;
  store?: number;
}

/**
 * Runs one figure and adds the service's and the store's CPU per request: unlike rps on a shared machine, CPU
 * time does not depend on what else the cores were doing, so it shows what a change to the service costs or
 * saves, and the store's share shows what a create costs the store against one batched driver insert.
 */
async function withCpu(pids: CpuOf, run: () => Promise<Figures> | Figures): Promise<Figures> {
  const before = { service: pids.service && cpuMs(pids.service), store: pids.store && cpuMs(pids.store) };
  const figures = await run();
  const requests = figures.requests;
  if (!requests) return figures;
  const per = (pid: number | undefined, from: number | undefined) =>
    pid && from !== undefined ? Math.round(((cpuMs(pid) - from) / requests) * 1000) / 1000 : undefined;
  const service = per(pids.service, before.service);
  const store = per(pids.store, before.store);
  return {
    ...figures,
    ...(service !== undefined ? { service_cpu_ms: service } : {}),
    ...(store !== undefined ? { store_cpu_ms: store } : {}),
  };
}

/**
 * What the service and its store cost with nothing to do, `events` tracker events stored: CPU ms per minute
 * (the background sweeps; on the embedded store each one that reads a collection reads it whole).
 */
async function idleCpu(
  pids: CpuOf,
  events: number,
): Promise<{ events: number; seconds: number; service_cpu_ms_per_min: number; store_cpu_ms_per_min?: number }> {
  const seconds = QUICK ? 20 : 60;
  log(`idle: ${seconds} s with ${events} events stored`);
  const before = { service: cpuMs(pids.service!), store: pids.store && cpuMs(pids.store) };
  await sleep(seconds * 1000);
  const perMinute = (ms: number) => Math.round((ms * 60) / seconds);
  return {
    events,
    seconds,
    service_cpu_ms_per_min: perMinute(cpuMs(pids.service!) - before.service),
    ...(pids.store && before.store !== undefined ? { store_cpu_ms_per_min: perMinute(cpuMs(pids.store) - before.store) } : {}),
  };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** The ceiling: the raw driver inserting the same document, `CONNECTIONS` inserts in flight. */
async function driverInsert(uri: string): Promise<Figures> {
  const client = await MongoClient.connect(uri, { maxPoolSize: CONNECTIONS });
  const coll = client.db().collection('bench_driver_ceiling');
  await coll.insertOne({ warmup: true });
  const deadline = Date.now() + SECONDS * 1000;
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < deadline) {
        const t = process.hrtime.bigint();
        try {
          await coll.insertOne(driverDocument(n++));
          latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  await client.close();
  latencies.sort((a, b) => a - b);
  return {
    rps: Math.round(latencies.length / elapsed),
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    errors,
    requests: latencies.length,
  };
}

/**
 * The batched ceiling: the raw driver inserting the same documents `BATCH` at a time (one unordered
 * insertMany), `BATCHES_IN_FLIGHT` batches in flight. rps counts documents; the latencies are per batch.
 * `withIndexes`: into a collection carrying tracker_events' own indexes (the store maintains each of them on
 * every insert, as it does for the service's creates); otherwise into a bare collection.
 */
async function driverInsertMany(uri: string, withIndexes = false): Promise<Figures> {
  const client = await MongoClient.connect(uri, { maxPoolSize: BATCHES_IN_FLIGHT });
  const coll = client.db().collection(withIndexes ? 'bench_driver_batched_indexed' : 'bench_driver_batched');
  if (withIndexes)
    for (const [keys, options] of TrackerEventSchema.indexes())
      await coll.createIndex(keys as IndexSpecification, options as CreateIndexesOptions);
  await coll.insertOne({ warmup: true });
  const deadline = Date.now() + SECONDS * 1000;
  const latencies: number[] = [];
  let errors = 0;
  let docs = 0;
  let n = 1_000_000_000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: BATCHES_IN_FLIGHT }, async () => {
      while (Date.now() < deadline) {
        const batch = Array.from({ length: BATCH }, () => driverDocument(n++));
        const t = process.hrtime.bigint();
        try {
          await coll.insertMany(batch, { ordered: false });
          latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
          docs += batch.length;
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  await client.close();
  latencies.sort((a, b) => a - b);
  return { rps: Math.round(docs / elapsed), p50_ms: percentile(latencies, 50), p99_ms: percentile(latencies, 99), errors, requests: docs };
}

/** Nearest-rank percentile of sorted samples, to 0.01 ms. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const v = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return Math.round(v * 100) / 100;
}

/** The document the service stores for one create, built the way the service builds it. */
function driverDocument(n: number): object {
  return seedTrackerEvents(1, n)[0];
}

/**
 * POSTs of unique bodies: `makeBody(n)` builds request n. (autocannon's `[<id>]` replacement keeps the
 * template's content-length, so longer ids make the server wait for bytes that never come.)
 */
function uniquePosts(path: string, headers: Record<string, string>, makeBody: (n: number) => unknown): Partial<autocannon.Options> {
  let n = 0;
  return {
    requests: [
      {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', ...headers },
        setupRequest: (req: autocannon.Request) => ({ ...req, body: JSON.stringify(makeBody(n++)) }),
      },
    ],
  };
}

async function autocannonRun(opts: autocannon.Options): Promise<Figures> {
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({ connections: CONNECTIONS, ...(opts.amount ? {} : { duration: SECONDS }), ...opts });
  const cpu = process.cpuUsage(cpuBefore);
  const errors = result.errors + result.timeouts + result.non2xx;
  // Over a fixed amount the per-second samples are few; completed requests over elapsed time is exact.
  const rps = opts.amount ? Math.round((result.requests.total / result.duration) * 100) / 100 : Math.round(result.requests.average);
  return {
    rps,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors,
    requests: result.requests.total,
    ...loaderCpu((cpu.user + cpu.system) / 1000, result.requests.total),
  };
}

/** A load generator's CPU time (ms) per request. */
function loaderCpu(cpuMs: number, requests: number): Pick<Figures, 'loader_cpu_ms'> {
  return requests ? { loader_cpu_ms: Math.round((cpuMs / requests) * 1000) / 1000 } : {};
}

function grpcLoad(args: string[]): Figures {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join(REPO_ROOT, 'bench/grpc-load.ts'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const parsed = JSON.parse(out.trim().split('\n').pop()!) as Figures & { firstErrors?: string[]; requests: number; loader_cpu_ms: number };
  if (parsed.firstErrors?.length) log(`gRPC errors: ${parsed.firstErrors.join(' | ')}`);
  return {
    rps: parsed.rps,
    p50_ms: parsed.p50_ms,
    p99_ms: parsed.p99_ms,
    errors: parsed.errors,
    requests: parsed.requests,
    ...loaderCpu(parsed.loader_cpu_ms, parsed.requests),
  };
}

/** The node flags `npm start` runs the service with (package.json, none today): the bench runs it as it ships. */
function startFlags(): string[] {
  const start = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const m = /^(?:exec\s+)?node\s+(.*?)\s*dist\/main\.js$/.exec(start.trim());
  if (!m) throw new Error(`package.json "start" is not "node [flags] dist/main.js": ${start}`);
  return m[1] ? m[1].split(/\s+/) : [];
}

/**
 * The service as `npm start` runs it. `store` is its store settings: `MONGODB_URI` (an external FerretDB on
 * PostgreSQL in the full run) or `DATA_DIR` (the embedded FerretDB on SQLite that the service starts itself,
 * what a user without MongoDB gets).
 */
async function startService(store: Record<string, string>): Promise<{ child: ChildProcess; http: string; grpc: string }> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [...startFlags(), join(REPO_ROOT, 'dist/main.js')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: String(grpcPort),
      AUTH_JWT_SECRET: SECRET,
      RATE_LIMIT_PER_MINUTE: String(10_000_000),
      // The live figures open up to 1,000 streams from this one address: the per-caller cap would refuse all but 50.
      STREAMS_MAX_PER_CALLER: String(10_000),
      ...store,
    },
  });
  const http = `http://127.0.0.1:${httpPort}`;
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`${http}/health/ready`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return { child, http, grpc: `127.0.0.1:${grpcPort}` };
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error('service did not become ready');
}

/** The pid of the FerretDB a service started on its own (DATA_DIR), from the store's pid file. */
function embeddedStorePid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'ferretdb', 'ferretdb.pid'), 'utf8').trim());
}

/**
 * The address of the FerretDB a service started on its own (DATA_DIR): the store's pid file names the process,
 * whose command line names the port. The bench seeds and scans through it, and measures the driver there.
 */
function embeddedStoreUri(dataDir: string): (database: string) => string {
  const pid = embeddedStorePid(dataDir);
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const address = args.find((a) => a.startsWith('--listen-addr='))?.split('=')[1];
  if (!address) throw new Error(`no --listen-addr in the embedded store's command line: ${args.join(' ')}`);
  return (database) => `mongodb://${address}/${database}?directConnection=true`;
}

async function seed(uri: string, total: number): Promise<void> {
  const client = await MongoClient.connect(uri);
  const coll = client.db().collection('tracker_events');
  const have = await coll.countDocuments();
  for (let n = have; n < total; n += 1000) await coll.insertMany(seedTrackerEvents(Math.min(1000, total - n), n));
  await client.close();
}

type ReadName = 'scan' | 'list' | 'search' | 'today' | 'stats';
interface ReadFigures {
  p50_ms: number;
  p95_ms: number;
  /** Answers other than 200 (a 503 is the store's 20 s socket timeout); their time still counts. */
  errors?: number;
  /** p50 over the p50 of one raw scan of the same collection, in the same rounds. */
  scans?: number;
}

/**
 * The embedded store's read envelope: at each size, `ENVELOPE_ROUNDS` rounds each time one raw-driver scan
 * of tracker_events (a find no document matches: the store reads and decodes every document and returns
 * none, its floor for any query it cannot push down) and then, one request at a time, a list page, a search,
 * today and stats through the service. Interleaving the five in every round exposes them to the same noise.
 */
async function readEnvelope(uri: string, http: string): Promise<Record<string, Record<ReadName, ReadFigures>>> {
  const reads: Record<Exclude<ReadName, 'scan'>, string> = {
    list: '/api/v1alpha1/events/list',
    search: '/api/v1alpha1/events/search?service=svc-7&start_date=2024-03-01&end_date=2024-03-31',
    today: '/api/v1alpha1/events/today',
    stats: '/api/v1alpha1/events/stats',
  };
  const client = await MongoClient.connect(uri);
  const coll = client.db().collection('tracker_events');
  // $exists: no backend turns it into SQL (FerretDB on PostgreSQL would answer a plain equality from SQL).
  const scan = () => coll.find({ __bench_matches_nothing: { $exists: true } }).toArray();
  const out: Record<string, Record<ReadName, ReadFigures>> = {};
  try {
    for (const size of ENVELOPE_SIZES) {
      log(`envelope: seeding to ${size} events`);
      await seed(uri, size);
      await scan(); // warm the store's page cache once, outside the timings
      const samples: Record<ReadName, number[]> = { scan: [], list: [], search: [], today: [], stats: [] };
      const errors: Record<ReadName, number> = { scan: 0, list: 0, search: 0, today: 0, stats: 0 };
      for (let round = 0; round < ENVELOPE_ROUNDS; round++) {
        let t = performance.now();
        await scan();
        samples.scan.push(performance.now() - t);
        for (const [name, path] of Object.entries(reads) as [Exclude<ReadName, 'scan'>, string][]) {
          t = performance.now();
          const res = await fetch(`${http}${path}`);
          await res.arrayBuffer();
          samples[name].push(performance.now() - t);
          if (res.status !== 200) errors[name]++;
        }
      }
      const figures = {} as Record<ReadName, ReadFigures>;
      for (const name of Object.keys(samples) as ReadName[]) {
        const sorted = samples[name].sort((a, b) => a - b);
        figures[name] = {
          p50_ms: percentile(sorted, 50),
          p95_ms: percentile(sorted, 95),
          ...(errors[name] ? { errors: errors[name] } : {}),
        };
      }
      for (const name of Object.keys(reads) as ReadName[])
        figures[name].scans = Math.round((figures[name].p50_ms / figures.scan.p50_ms) * 100) / 100;
      out[String(size)] = figures;
      log(`envelope ${size}: ${(Object.keys(figures) as ReadName[]).map((n) => `${n} ${Math.round(figures[n].p50_ms)} ms`).join(', ')}`);
    }
  } finally {
    await client.close();
  }
  return out;
}

/**
 * Up to how many events each read stays under 1 s at p95: a least-squares line through (size, p95) over the
 * measured sizes (a scan's cost is linear in the collection), solved for 1000 ms; rounded down to 500.
 */
function eventsUnderOneSecond(envelope: Record<string, Record<ReadName, ReadFigures>>): Record<ReadName, number> {
  const sizes = Object.keys(envelope).map(Number);
  const out = {} as Record<ReadName, number>;
  for (const name of ['scan', 'list', 'search', 'today', 'stats'] as ReadName[]) {
    const ys = sizes.map((n) => envelope[String(n)][name].p95_ms);
    const mx = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const slope = sizes.reduce((a, n, i) => a + (n - mx) * (ys[i] - my), 0) / sizes.reduce((a, n) => a + (n - mx) ** 2, 0);
    const intercept = my - slope * mx;
    out[name] = slope > 0 ? Math.max(0, Math.floor((1000 - intercept) / slope / 500) * 500) : Infinity;
  }
  return out;
}

async function runBackend(backend: string): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), `tracker-bench-${backend}-`));
  const bin = ensureFerretDbBinary(join(REPO_ROOT, '.bin/ferretdb'), log);
  // SQLite: the embedded store, started by the service. PostgreSQL: a FerretDB of ours behind MONGODB_URI.
  let external: EmbeddedFerretDb | undefined;
  if (backend === 'postgresql') {
    const db = `tracker_bench_${Date.now()}`;
    execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-c', `CREATE DATABASE ${db}`], { stdio: 'ignore' });
    external = new EmbeddedFerretDb({ binPath: bin, dataDir: dir, postgresqlUrl: `postgres://postgres@127.0.0.1:5432/${db}` });
    await external.start();
  }
  const out: Record<string, unknown> = {};
  try {
    const svc = await startService(external ? { MONGODB_URI: external.uri('bench_service') } : { DATA_DIR: dir });
    const storeUri = external ? (db: string) => external.uri(db) : embeddedStoreUri(dir);
    // The embedded store keeps the service's data in its `tracker` database (src/platform/database/store-locator.service.ts).
    const uri = external ? external.uri('bench_service') : storeUri('tracker');
    const rssStart = rssMb(svc.child.pid!);
    const storePid = external ? external.pid : embeddedStorePid(dir);
    const cpuOf: CpuOf = { service: svc.child.pid, store: storePid };
    try {
      log(`${backend}: driver ceilings`);
      out.driver_insert = await withCpu({ store: storePid }, () => driverInsert(storeUri('bench_driver')));
      out.driver_insert_many = await withCpu({ store: storePid }, () => driverInsertMany(storeUri('bench_driver')));
      out.driver_insert_many_indexed = await withCpu({ store: storePid }, () => driverInsertMany(storeUri('bench_driver'), true));
      // Reads first, on seeded events only: the creates below add events dated today.
      out.envelope = await readEnvelope(uri, svc.http);
      out.idle = await idleCpu(cpuOf, Math.max(...ENVELOPE_SIZES));
      log(`${backend}: REST create`);
      out.rest_create = await withCpu(cpuOf, () =>
        autocannonRun({
          url: svc.http,
          ...uniquePosts('/api/v1alpha1/event', {}, (n) => trackerCreateBody(String(n))),
        }),
      );
      log(`${backend}: gRPC create`);
      out.grpc_create = await withCpu(cpuOf, () =>
        grpcLoad([
          '--address',
          svc.grpc,
          '--proto',
          join(REPO_ROOT, 'proto/tracker/event/v1alpha1/event.proto'),
          '--include',
          join(REPO_ROOT, 'proto'),
          '--service',
          'tracker.event.v1alpha1.EventService',
          '--method',
          'CreateEvent',
          '--request',
          JSON.stringify(trackerCreateBody('{n}', 'grpc')),
          '--channels',
          '4',
          '--concurrency',
          String(CONNECTIONS / 4),
          '--seconds',
          String(SECONDS),
        ]),
      );
      log(`${backend}: Astra create`);
      const token = await signToken({ userId: USER, accounts: { [ACCOUNT]: 'admin' } }, SECRET, { expiresInSeconds: 3600 });
      out.astra_create = await withCpu(cpuOf, () =>
        autocannonRun({
          url: svc.http,
          ...uniquePosts(`/accounts/${ACCOUNT}/core/v1/events`, { authorization: `Bearer ${token}` }, (n) => ({
            name: 'astra.bench.event.created',
            summary: `Bench event ${n}`,
            source: 'bench',
            resourceID: '0f3c3c0e-6d8f-4f6b-9d8e-2b1a0c9d8e7f',
            resourceType: 'application/astra-app',
            severity: 'informational',
            class: 'system',
            description: 'An event created by the benchmark.',
          })),
        }),
      );
      out.rss_mb = { start: rssStart, end: rssMb(svc.child.pid!) };
    } finally {
      // The service stops its embedded store on the way out.
      svc.child.kill('SIGTERM');
      await new Promise((r) => svc.child.once('exit', r));
    }
  } finally {
    await external?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const f = (k: string) => out[k] as Figures;
  const envelope = out.envelope as Record<string, Record<ReadName, ReadFigures>>;
  out.events_under_1s = eventsUnderOneSecond(envelope);
  out.ratios = {
    rest_create_vs_driver: ratio(f('rest_create').rps, f('driver_insert').rps),
    grpc_create_vs_driver: ratio(f('grpc_create').rps, f('driver_insert').rps),
    rest_create_vs_driver_batched: ratio(f('rest_create').rps, f('driver_insert_many').rps),
    grpc_create_vs_driver_batched: ratio(f('grpc_create').rps, f('driver_insert_many').rps),
    // The same, against batches into a collection with tracker_events' indexes: what the store can take of
    // the documents the service writes, where they go.
    rest_create_vs_driver_batched_indexed: ratio(f('rest_create').rps, f('driver_insert_many_indexed').rps),
    grpc_create_vs_driver_batched_indexed: ratio(f('grpc_create').rps, f('driver_insert_many_indexed').rps),
    // Per size: each read's p50 in scans of the same collection.
    reads_vs_scan: Object.fromEntries(
      Object.entries(envelope).map(([size, r]) => [
        size,
        { list: r.list.scans, search: r.search.scans, today: r.today.scans, stats: r.stats.scans },
      ]),
    ),
  };
  out.store = {
    server: 'FerretDB v1.24.2',
    backend,
    started_by: external ? 'the bench (MONGODB_URI)' : 'the service (embedded, DATA_DIR)',
  };
  return out;
}

/** The NATS server the live figures use across instances (these machines and CI run one). */
const LIVE_BUS = process.env.BENCH_EVENT_BUS_URL ?? 'nats://127.0.0.1:4222';

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url.replace(/^nats:/, 'http:'));
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.connect(Number(port || 4222), hostname);
  });
}

/** The 100-subscriber delivery figure's load (same instance and across instances alike). */
function delivery100(tag: string): { subscribers: number; changes: number; writers: number; tag: string } {
  return { subscribers: 100, changes: QUICK ? 100 : 300, writers: 4, tag };
}

/**
 * Live streams (docs/live.md), on the embedded store: instance A (DATA_DIR) and, on A's store, instance B, both
 * with EVENT_BUS_URL. Same-instance delivery with 100 SSE subscribers, cross-instance delivery (writes on B, 100
 * subscribers on A), and 1,000 SSE subscribers on A with A's RSS.
 */
async function runLive(): Promise<Record<string, unknown>> {
  const bus = (await reachable(LIVE_BUS)) ? LIVE_BUS : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'tracker-bench-live-'));
  const out: Record<string, unknown> = { event_bus: bus ?? `none (${LIVE_BUS} unreachable)` };
  try {
    const a = await startService({ DATA_DIR: dir, ...(bus ? { EVENT_BUS_URL: bus } : {}) });
    try {
      const pid = a.child.pid!;
      log('live: same-instance delivery, 100 subscribers');
      out.same_instance_100 = await deliveryFigures(a.http, a.http, delivery100('same'));
      if (bus) {
        const b = await startService({ MONGODB_URI: embeddedStoreUri(dir)('tracker'), EVENT_BUS_URL: bus });
        try {
          log('live: cross-instance delivery, 100 subscribers');
          out.cross_instance_100 = await deliveryFigures(a.http, b.http, delivery100('cross'));
        } finally {
          b.child.kill('SIGTERM');
          await new Promise((r) => b.child.once('exit', r));
        }
      }
      log('live: 1,000 SSE subscribers');
      out.sse_1000 = await deliveryFigures(a.http, a.http, {
        subscribers: 1000,
        changes: QUICK ? 50 : 150,
        writers: 2,
        tag: 'many',
        rssOf: () => rssMb(pid),
      });
    } finally {
      a.child.kill('SIGTERM');
      await new Promise((r) => a.child.once('exit', r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

async function main(): Promise<void> {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const results: Record<string, unknown> = {};
  if (!LIVE_ONLY) for (const backend of BACKENDS) results[backend] = await runBackend(backend);
  const live = await runLive();
  if (LIVE_ONLY) {
    process.stdout.write(`${JSON.stringify({ commit, date: new Date().toISOString(), live }, null, 2)}\n`);
    return;
  }
  const primary = results[BACKENDS[0]] as Record<string, unknown>;
  log('insights latency at 10,000 events (embedded store)');
  const insights = await measureInsights(10_000);
  log('incidents list and extended DORA at 10,000 events (embedded store)');
  const incidents = await measureIncidents(10_000);
  log('deployability latency at 10,000 events and 1,000 freezes (embedded store)');
  const deployability = await measureDeployability(10_000, 1_000);
  const doc = {
    ...primary,
    insights,
    incidents,
    deployability,
    live,
    quick: QUICK,
    commit,
    date: new Date().toISOString(),
    seconds_per_figure: SECONDS,
    connections: CONNECTIONS,
    backends: results,
  };
  mkdirSync(join(REPO_ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'bench/results/latest.json'), `${JSON.stringify(doc, null, 2)}\n`);
  for (const [backend, r] of Object.entries(results) as [string, Record<string, unknown>][]) {
    const rows = Object.entries(r).filter(([, v]) => typeof v === 'object' && v && 'rps' in v);
    process.stdout.write(
      `\n${backend}\n${'figure'.padEnd(28)}${'rps'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}${'svc cpu ms/req'.padStart(16)}${'store cpu ms/req'.padStart(18)}${'loader cpu ms/req'.padStart(19)}\n`,
    );
    for (const [k, v] of rows) {
      const x = v as Partial<Figures>;
      process.stdout.write(
        `${k.padEnd(28)}${String(x.rps).padStart(8)}${String(x.p50_ms ?? '').padStart(9)}${String(x.p99_ms).padStart(9)}${String(x.errors).padStart(8)}${String(x.service_cpu_ms ?? '').padStart(16)}${String(x.store_cpu_ms ?? '').padStart(18)}${String(x.loader_cpu_ms ?? '').padStart(19)}\n`,
      );
    }
    const envelope = r.envelope as Record<string, Record<ReadName, ReadFigures>>;
    process.stdout.write(`\nreads (p50 / p95 ms, and p50 in scans of the collection)\n${'events'.padEnd(8)}`);
    const names: ReadName[] = ['scan', 'list', 'search', 'today', 'stats'];
    process.stdout.write(`${names.map((n) => n.padStart(22)).join('')}\n`);
    for (const [size, figs] of Object.entries(envelope)) {
      const cell = (n: ReadName) =>
        `${Math.round(figs[n].p50_ms)}/${Math.round(figs[n].p95_ms)}${figs[n].scans !== undefined ? ` (${figs[n].scans}x)` : ''}${figs[n].errors ? ` ${figs[n].errors}err` : ''}`;
      process.stdout.write(`${size.padEnd(8)}${names.map((n) => cell(n).padStart(22)).join('')}\n`);
    }
    const under = r.events_under_1s as Record<ReadName, number>;
    process.stdout.write(`${'<1 s up to'.padEnd(8)}${names.map((n) => String(under[n]).padStart(22)).join('')}\n`);
    const { reads_vs_scan: _, ...ratios } = r.ratios as Record<string, unknown>;
    void _;
    process.stdout.write(`\nratios ${JSON.stringify(ratios)}  rss_mb ${JSON.stringify(r.rss_mb)}  idle ${JSON.stringify(r.idle)}\n`);
  }
  process.stdout.write(`\n${describeInsights(insights)}`);
  process.stdout.write(`\n${describeIncidents(incidents)}`);
  process.stdout.write(`\n${describeDeployability(deployability)}`);
  process.stdout.write(`\nlive streams (ack -> SSE delivery; event bus: ${String(live.event_bus)})\n`);
  process.stdout.write(
    `${'figure'.padEnd(22)}${'subs'.padStart(6)}${'changes'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'missing'.padStart(9)}  rss_mb\n`,
  );
  for (const [k, v] of Object.entries(live)) {
    if (!v || typeof v !== 'object') continue;
    const x = v as { subscribers: number; changes: number; p50_ms: number; p99_ms: number; missing: number; rss_mb?: unknown };
    process.stdout.write(
      `${k.padEnd(22)}${String(x.subscribers).padStart(6)}${String(x.changes).padStart(9)}${String(x.p50_ms).padStart(9)}${String(x.p99_ms).padStart(9)}${String(x.missing).padStart(9)}  ${x.rss_mb ? JSON.stringify(x.rss_mb) : ''}\n`,
    );
  }
  process.stdout.write('\nwritten: bench/results/latest.json\n');
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
