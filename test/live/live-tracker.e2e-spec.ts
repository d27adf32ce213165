import { status } from '@grpc/grpc-js';
import { join } from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { LiveRecorder } from '../../src/features/live/live-recorder';
import { startTestApp, TestApp } from '../support/app-harness';
import { http } from '../support/http';
import { openGrpcStream, openSse, SseStream } from '../support/sse-client';

const PROTO = join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto');
const SERVICE = 'tracker.event.v1alpha1.EventService';

describe('live streams: tracker events (REST SSE and gRPC WatchEvents)', () => {
  let app: TestApp;
  const open: SseStream[] = [];
  const sse = async (query = '', headers: Record<string, string> = {}) => {
    const s = await openSse(`${app.http}/api/v1alpha1/events/stream${query}`, headers);
    open.push(s);
    return s;
  };
  const create = async (title: string, attributes: Record<string, unknown> = { type: 1, service: 'api' }) => {
    const res = await http('POST', `${app.http}/api/v1alpha1/event`, { body: { title, attributes } });
    expect(res.status).toBe(200);
    return res.body.id as string;
  };
  const get = async (id: string) => (await http('GET', `${app.http}/api/v1alpha1/event/${id}`)).body;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await app?.close();
  });

  it('pushes created, updated and deleted, each as GET /event/{id} returns it, with increasing cursors', async () => {
    const stream = await sse();
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    // Nothing between the service and the client may cache or buffer the stream (nginx reads x-accel-buffering).
    expect([stream.headers.get('cache-control'), stream.headers.get('x-accel-buffering')]).toEqual(['no-cache, no-transform', 'no']);
    await stream.waitFor((m) => m.length >= 1);
    expect(stream.messages[0]).toEqual({ id: expect.stringMatching(/^\d+$/), event: '', data: '' });

    const id = await create('Deploy api');
    const created = await get(id);
    const upd = await http('PUT', `${app.http}/api/v1alpha1/event`, { body: { id, attributes: { status: 3 } } });
    expect(upd.status).toBe(200);
    const updated = await get(id);
    expect((await http('DELETE', `${app.http}/api/v1alpha1/event/${id}`)).status).toBe(200);

    await stream.waitFor((m) => m.filter((x) => x.event === 'deleted').length === 1);
    const changes = stream.changes();
    expect(changes.map((c) => c.event)).toEqual(['created', 'updated', 'deleted']);
    expect(changes[0].data).toEqual(created);
    expect(changes[1].data).toEqual(updated);
    expect(changes[2].data).toEqual({ id });
    const cursors = changes.map((c) => Number(c.id));
    expect(cursors[1]).toBe(cursors[0] + 1);
    expect(cursors[2]).toBe(cursors[1] + 1);
    expect(Number(stream.messages[0].id)).toBe(cursors[0] - 1);
  });

  it('filters like search (deletions reach every subscriber) and refuses a bad filter with a 400 naming it', async () => {
    const db = await sse('?service=db&environment=7');
    await db.waitFor((m) => m.length >= 1);
    await create('api event', { type: 1, service: 'api', environment: 7 });
    const dbId = await create('db event', { type: 1, service: 'db', environment: 7 });
    await create('db staging', { type: 1, service: 'db', environment: 2 });
    const apiId = await create('api again', { type: 1, service: 'api' });
    await http('DELETE', `${app.http}/api/v1alpha1/event/${apiId}`);
    await db.waitFor((m) => m.some((x) => x.event === 'deleted'));
    expect(db.changes().map((c) => [c.event, c.data.id])).toEqual([
      ['created', dbId],
      ['deleted', apiId],
    ]);

    for (const [query, name] of [
      ['?type=99', 'type'],
      ['?environment=x', 'environment'],
      ['?bogus=1', 'bogus'],
    ]) {
      const res = await http('GET', `${app.http}/api/v1alpha1/events/stream${query}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.text).toContain(name);
    }
  });

  it('resumes after Last-Event-ID or ?since= with every missed change, in order, and nothing before it', async () => {
    const first = await sse();
    await first.waitFor((m) => m.length >= 1);
    const a = await create('resume a');
    await first.waitFor((m) => m.some((x) => x.event === 'created' && x.data.includes(a)));
    const lastSeen = first.messages[first.messages.length - 1].id!;
    first.close();

    const missed = [];
    for (let i = 0; i < 5; i++) missed.push(await create(`missed ${i}`));
    for (const resume of [{ headers: { 'last-event-id': lastSeen } }, { query: `?since=${lastSeen}` }]) {
      const again = await sse(resume.query ?? '', resume.headers ?? {});
      await again.waitFor((m) => m.filter((x) => x.event === 'created').length >= 5);
      const changes = again.changes();
      expect(changes.map((c) => c.data.id)).toEqual(missed);
      expect(changes.map((c) => Number(c.id))).toEqual(changes.map((_, i) => Number(lastSeen) + 1 + i));
      again.close();
    }
  });

  it('gRPC WatchEvents: { cursor, kind, event } with the same filters, resume_from, and INVALID_ARGUMENT for bad input', async () => {
    const watch = openGrpcStream(app.grpc, PROTO, SERVICE, 'WatchEvents', { service: 'grpc-svc' });
    // The stream is open once the server answered its headers; a write before that is not part of it.
    expect(await watch.opened).toBe('open');
    await create('other', { type: 1, service: 'other' });
    const id = await create('grpc one', { type: 1, service: 'grpc-svc', priority: 1 });
    await watch.waitFor((m) => m.length >= 1);
    expect(watch.messages[0]).toMatchObject({ kind: 'created', cursor: expect.stringMatching(/^\d+$/) });
    expect(watch.messages[0].event).toMatchObject({ id, title: 'grpc one', attributes: { service: 'grpc-svc', priority: 1 } });
    const from = watch.messages[0].cursor as string;
    watch.cancel();

    const id2 = await create('grpc two', { type: 1, service: 'grpc-svc' });
    const resumed = openGrpcStream(app.grpc, PROTO, SERVICE, 'WatchEvents', { service: 'grpc-svc', resumeFrom: from });
    await resumed.waitFor((m) => m.length >= 1);
    expect(resumed.messages.map((m) => m.event.id)).toEqual([id2]);
    resumed.cancel();

    for (const request of [{ resumeFrom: 'x' }, { type: 99 }]) {
      const bad = openGrpcStream(app.grpc, PROTO, SERVICE, 'WatchEvents', request);
      expect((await bad.done).code).toBe(status.INVALID_ARGUMENT);
    }
  });

  it('records the change in the event write itself (lastChange), and the recovery sweep logs a stored change nobody logged', async () => {
    const id = await create('to recover');
    const client = await MongoClient.connect(app.storeUri);
    try {
      const db = client.db(app.database);
      const stored = await db.collection('tracker_events').findOne({ title: 'to recover' });
      expect(stored?.lastChange).toMatchObject({ kind: 'created', rev: 0 });
      // As if the instance had been killed between the event write and the log append.
      await db.collection('live_changes').deleteOne({ change: `tracker:${id}@0` });
      const stream = await sse();
      await stream.waitFor((m) => m.length >= 1);
      // Not logged: a resume does not see it...
      const recorder = app.tracker.app.get(LiveRecorder);
      expect(await recorder.recover(new Date(Date.now() + 10_000))).toBe(1);
      // ...until the recovery sweep logs it (and the live stream gets it).
      await stream.waitFor((m) => m.some((x) => x.event === 'created' && x.data.includes('to recover')));
      expect(await db.collection('live_changes').countDocuments({ change: `tracker:${id}@0` })).toBe(1);
    } finally {
      await client.close();
    }
  });

  it("stores an entry's event as JSON text, and still streams entries an earlier version stored as a document", async () => {
    const id = await create('stored as text');
    const client = await MongoClient.connect(app.storeUri);
    try {
      const log = client.db(app.database).collection<{ _id: number; change: string; data: unknown }>('live_changes');
      const entry = await log.findOne({ change: `tracker:${id}@0` });
      expect(typeof entry?.data).toBe('string');
      expect(JSON.parse(entry!.data as string)).toEqual(await get(id));
      // Rewrite it in the old shape: a resume from just before it reads the same event.
      await log.updateOne({ _id: entry!._id }, { $set: { data: JSON.parse(entry!.data as string) as object } });
      const resumed = await sse(`?since=${entry!._id - 1}`);
      await resumed.waitFor((m) => m.some((x) => x.id === String(entry!._id)));
      expect(resumed.changes().find((c) => c.id === String(entry!._id))?.data).toEqual(await get(id));
    } finally {
      await client.close();
    }
  });

  it('a deletion is on record before the event is removed: one whose change was never logged is streamed by the recovery sweep', async () => {
    const client = await MongoClient.connect(app.storeUri);
    try {
      const db = client.db(app.database);
      const intents = db.collection('tracker_event_deletions');
      // A delete through the API leaves no intent behind once its change is logged.
      const deletedId = await create('deleted through the API');
      expect((await http('DELETE', `${app.http}/api/v1alpha1/event/${deletedId}`)).status).toBe(200);
      expect(await intents.countDocuments({ event: new ObjectId(deletedId) })).toBe(0);

      // As if the instance had been killed after removing the event, before logging its change: the intent and
      // the removal are stored, the change is not.
      const id = await create('killed delete');
      await intents.insertOne({ _id: new ObjectId(), event: new ObjectId(id), at: new Date() });
      await db.collection('tracker_events').deleteOne({ _id: new ObjectId(id) });
      const stream = await sse();
      await stream.waitFor((m) => m.length >= 1);
      const recorder = app.tracker.app.get(LiveRecorder);
      expect(await recorder.recover(new Date(Date.now() + 10_000))).toBe(1);
      await stream.waitFor((m) => m.some((x) => x.event === 'deleted'));
      expect(stream.changes().filter((c) => c.event === 'deleted')).toEqual([expect.objectContaining({ data: { id } })]);
      expect(await db.collection('live_changes').countDocuments({ change: `tracker:${id}@deleted` })).toBe(1);
      expect(await intents.countDocuments({ event: new ObjectId(id) })).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('answers 400 for a malformed or unknown cursor and 410 cursor-expired for one older than the retained log', async () => {
    for (const [query, headers, name] of [
      ['?since=abc', {}, 'since'],
      ['?since=-1', {}, 'since'],
      ['', { 'last-event-id': '1.5' }, 'Last-Event-ID'],
      ['?since=999999999', {}, 'since'],
    ] as const) {
      const res = await http('GET', `${app.http}/api/v1alpha1/events/stream${query}`, { headers });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ type: 'urn:tracker:problems:invalid-query', status: '400' });
      expect(res.body.invalidParams[0].name).toBe(name);
    }
    // The retention sweep with a clock past the window deletes all but the newest entry.
    const recorder = app.tracker.app.get(LiveRecorder);
    await create('before the sweep');
    const deleted = await recorder.sweep(new Date(Date.now() + 25 * 3_600_000));
    expect(deleted).toBeGreaterThan(0);
    const expired = await http('GET', `${app.http}/api/v1alpha1/events/stream?since=1`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ type: 'urn:tracker:problems:cursor-expired', status: '410' });
    const grpc = openGrpcStream(app.grpc, PROTO, SERVICE, 'WatchEvents', { resumeFrom: '1' });
    expect((await grpc.done).code).toBe(status.OUT_OF_RANGE);
  });
});
