import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { PROTO_LOADER_OPTIONS, PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { freshDatabaseName, testStoreUri } from '../support/app-harness';
import { reportFigure } from '../support/figures';
import { eventually, http } from '../support/http';
import { AppProcess, spawnApp, stopApp } from '../support/process-harness';
import { openSse } from '../support/sse-client';

/**
 * Changes written while the subscribers read nothing: the 10,000, of ~2.4 KB each (24 MB), so a server that
 * kept a stalled subscriber's backlog would grow far past the 50 MB bound (each message is held as the log entry,
 * its SSE text and its gRPC frame).
 */
const CHANGES = 10_000;
const TITLE = 2_000;
const BATCH = 1_000;

/** Resident memory of a process, in MB, from /proc. */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
}

/**
 * Bounded memory with subscribers that stop reading (docs/live.md, "Bounded memory"): one SSE client and one gRPC
 * WatchEvents client open their streams and then read nothing while 10,000 changes (24 MB) reach the service. Each
 * stream's backlog is held in its bounded buffer, then the stream is ended (overflow) and, as its client never
 * takes the end, cut; the process's RSS stays within 50 MB of its level before the changes. The service is the
 * built process (dist/main.js); RSS is read from /proc.
 *
 * The changes are appended to the change log directly, as another instance's writes reach this one (the hub reads
 * them from the log and pushes each to the subscribers): creates through the API are far too slow on the shared
 * embedded store for that many within the test's budget, and what is measured is the subscribers' side.
 */
describe('live streams: subscribers that stop reading (process-level)', () => {
  let dir: string;
  let app: AppProcess | undefined;
  let sseRequest: ClientRequest | undefined;
  let grpcClient: grpc.Client | undefined;
  let sampler: NodeJS.Timeout | undefined;
  let store: MongoClient | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-live-slow-'));
  });
  afterAll(async () => {
    clearInterval(sampler);
    await store?.close();
    sseRequest?.destroy();
    grpcClient?.close();
    if (app) await stopApp(app);
    rmSync(dir, { recursive: true, force: true });
  });

  it('an SSE and a gRPC subscriber that read nothing while 10,000 changes (24 MB) are written: both streams are ended and cut, RSS grows under 50 MB', async () => {
    const database = freshDatabaseName('liveslow');
    const logFile = join(dir, 'app.log');
    app = await spawnApp({ MONGODB_URI: testStoreUri(database), LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000' }, logFile);
    const pid = app.child.pid!;
    const create = async (title: string) => {
      const res = await http('POST', `${app!.http}/api/v1alpha1/event`, { body: { title, attributes: { type: 1, service: 'slow' } } });
      expect(res.status).toBe(200);
    };
    // Warm up (JIT, pools, the log's first entries) before the baseline.
    for (let i = 0; i < 20; i++) await create(`warm ${i}`);
    store = await MongoClient.connect(testStoreUri(database));
    const log = store.db(database).collection<{ _id: number; data: unknown }>('live_changes');
    /** Appends `count` large changes after the log's top; the last position. */
    const append = async (count: number): Promise<number> => {
      const [top] = await log.find({}).sort({ _id: -1 }).limit(1).toArray();
      // An entry's event is stored as JSON text (an earlier version stored a document).
      const event = (typeof top.data === 'string' ? JSON.parse(top.data) : top.data) as Record<string, unknown>;
      let next = top._id + 1;
      for (let written = 0; written < count; written += BATCH) {
        const docs = Array.from({ length: Math.min(BATCH, count - written) }, () => {
          const position = next++;
          const data = JSON.stringify({ ...event, title: `slow ${position} `.padEnd(TITLE, '.') });
          return { ...top, _id: position, change: `tracker:slow${position}@1`, at: new Date(), data };
        });
        await log.insertMany(docs, { ordered: true });
      }
      return next - 1;
    };
    // ...and the path under test: the hub reading large entries from the log and streaming them to a reader.
    const warmReader = await openSse(`${app.http}/api/v1alpha1/events/stream`);
    await warmReader.waitFor((m) => m.length >= 1);
    const warmLast = await append(600);
    await warmReader.waitFor((m) => m.some((x) => x.id === String(warmLast)), 30_000);
    warmReader.close();

    // An SSE client that never reads: once its response buffer is full it stops reading the socket.
    let sseResponse: IncomingMessage | undefined;
    sseRequest = httpRequest(`${app.http}/api/v1alpha1/events/stream`, { headers: { accept: 'text/event-stream' } });
    sseRequest.on('response', (res) => {
      res.pause();
      sseResponse = res;
    });
    sseRequest.on('error', () => undefined);
    sseRequest.end();

    // A gRPC client that reads its first message, then nothing: paused, it stops taking the call's messages and the
    // call's flow control window closes.
    const definition = protoLoader.loadSync(join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto'), PROTO_LOADER_OPTIONS);
    const Service = (grpc.loadPackageDefinition(definition) as any).tracker.event.v1alpha1.EventService as grpc.ServiceClientConstructor;
    grpcClient = new Service(app.grpc, grpc.credentials.createInsecure());
    const watch = (grpcClient as any).WatchEvents({}) as grpc.ClientReadableStream<{ cursor: string }>;
    let grpcOpen = false;
    const first = () => {
      grpcOpen = true;
      watch.pause();
      watch.removeListener('data', first);
    };
    watch.on('data', first);
    let grpcStatus: grpc.StatusObject | undefined;
    watch.on('status', (s: grpc.StatusObject) => (grpcStatus = s));
    watch.on('error', () => undefined);

    // Both streams are open once a change reaches them (the gRPC call may join after a first create: create again).
    await eventually(
      async () => {
        if (!grpcOpen) await create('opened');
        return sseResponse !== undefined && grpcOpen;
      },
      20_000,
      200,
    );

    const baseline = rssMb(pid);
    let peak = baseline;
    sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);
    const cuts = () => {
      const lines = readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('live stream cut'));
      return { sse: lines.some((l) => l.includes('"sse"')), grpc: lines.some((l) => l.includes('"grpc"')) };
    };
    try {
      await append(CHANGES);
      // The server ends each stream past its buffer; neither client reads its end, so each is cut.
      await eventually(async () => cuts().sse && cuts().grpc, 40_000, 200);
    } finally {
      await store.close();
      store = undefined;
    }

    // Reading again, each client gets what was already on its connection, then the end: not the 10,000 changes.
    let sseChanges = 0;
    let sseClosed = false;
    let tail = '';
    sseResponse!.on('data', (chunk: Buffer) => {
      const text = tail + chunk.toString('utf8');
      const lines = text.split('\n');
      tail = lines.pop() ?? '';
      sseChanges += lines.filter((l) => l.startsWith('event: created')).length;
    });
    sseResponse!.on('close', () => (sseClosed = true));
    sseResponse!.on('error', () => undefined);
    sseResponse!.resume();
    let grpcMessages = 0;
    watch.on('data', () => grpcMessages++);
    watch.resume();
    await eventually(async () => sseClosed && grpcStatus !== undefined, 30_000, 50);
    clearInterval(sampler);
    const growth = peak - baseline;

    reportFigure(
      `slow subscribers (one SSE, one gRPC) reading nothing while ${CHANGES} changes of ~2.4 KB were written: RSS ${baseline.toFixed(0)} MB -> ` +
        `peak ${peak.toFixed(0)} MB (+${growth.toFixed(1)} MB); both streams ended and cut; on reading again the SSE client got ` +
        `${sseChanges} changes, the gRPC client ${grpcMessages} and status ${grpcStatus!.code}`,
    );
    expect(growth).toBeLessThan(50);
    expect(sseChanges).toBeLessThan(CHANGES);
    expect(grpcMessages).toBeLessThan(CHANGES);
    // Cut (CANCELLED), or its end got through after all (UNAVAILABLE, naming the resume_from): never OK.
    expect([grpc.status.CANCELLED, grpc.status.UNAVAILABLE]).toContain(grpcStatus!.code);
  }, 120_000);
});
