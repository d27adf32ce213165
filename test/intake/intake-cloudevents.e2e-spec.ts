import { MongoClient, ObjectId } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { DEFAULT_INGEST_ENVIRONMENTS } from '../../src/platform/config/env.schema';
import { startTestApp, TestApp } from '../support/app-harness';
import { reportFigure } from '../support/figures';
import { http } from '../support/http';
import { mintToken } from '../support/auth';
import {
  binaryHeaders,
  CLOUDEVENTS_PATH,
  conformanceExamples,
  MAPPED_CONFORMANCE,
  squattedPair,
  structured,
  withFreshId,
} from '../support/intake';

/*
 * POST /api/v1alpha1/cloudevents over real HTTP and the real store: the CDEvents v0.4.1 conformance examples in
 * the three modes of the CloudEvents HTTP binding, malformed CloudEvents, CDEvents failing their schema, retries.
 */

const API = '/api/v1alpha1';
const CE_JSON = 'application/cloudevents+json';
const CE_BATCH = 'application/cloudevents-batch+json';
// The conformance examples name the environments test123 and prod1: mapped here as a user would.
const ENVIRONMENTS = `${DEFAULT_INGEST_ENVIRONMENTS},test123=2,prod1=7`;

describe('CloudEvents / CDEvents intake', () => {
  let app: TestApp;
  let store: MongoClient;
  const examples = new Map(conformanceExamples().map((e) => [e.file, e.cdevent]));
  const example = (file: string) => withFreshId(examples.get(file));

  beforeAll(async () => {
    app = await startTestApp({ env: { INGEST_ENVIRONMENTS: ENVIRONMENTS, RATE_LIMIT_PER_MINUTE: '1000000' } });
    store = await MongoClient.connect(app.storeUri);
  });
  afterAll(async () => {
    await store?.close();
    await app?.close();
  });

  const postStructured = (body: unknown, type = CE_JSON) =>
    http('POST', `${app.http}${CLOUDEVENTS_PATH}`, { raw: JSON.stringify(body), headers: { 'content-type': type } });
  const postBinary = (cdevent: any, headers: Record<string, string> = {}) =>
    http('POST', `${app.http}${CLOUDEVENTS_PATH}`, { raw: JSON.stringify(cdevent), headers: { ...binaryHeaders(cdevent), ...headers } });
  const trackerEvent = async (id: string) => (await http('GET', `${app.http}${API}/event/${id}`)).body;
  const stored = (id: string) =>
    store
      .db(app.database)
      .collection('tracker_events')
      .findOne({ _id: new ObjectId(id) });

  it('accepts every conformance example of the mapped types (structured mode), with the mapping', async () => {
    let accepted = 0;
    let recorded = 0;
    const ids: Record<string, string> = {};
    for (const file of MAPPED_CONFORMANCE) {
      const res = await postStructured(structured(example(file)));
      expect({ file, ok: res.status >= 200 && res.status < 300, text: res.text }).toEqual({ file, ok: true, text: res.text });
      accepted++;
      if (res.body.eventId || res.body.changeId) {
        recorded++;
        ids[file] = res.body.eventId ?? res.body.changeId;
      }
    }
    reportFigure(
      `CDEvents conformance examples accepted (2xx): ${accepted} of ${MAPPED_CONFORMANCE.length} mapped types; recorded (tracker events or changes): ${recorded}`,
    );

    const deployed = await trackerEvent(ids['service_deployed.json']);
    expect(deployed.attributes).toMatchObject({ type: 1, service: 'mySubject123', environment: 2, status: 3, source: 'cdevents' });
    expect(deployed.attributes.startDate).toBe('2023-03-20T14:27:05.315Z');
    expect((await trackerEvent(ids['service_upgraded.json'])).attributes).toMatchObject({ type: 1, status: 3 });
    expect((await trackerEvent(ids['service_removed.json'])).attributes).toMatchObject({ type: 1, status: 9 });
    const rollback = await trackerEvent(ids['service_rolledback.json']);
    expect(rollback.attributes).toMatchObject({ type: 1, status: 5, service: 'mySubject123' });
    expect(rollback.title).toMatch(/^Roll back mySubject123/);
    expect((await stored(ids['service_rolledback.json']))?.intake).toEqual({
      provider: 'cdevents',
      externalId: 'mySubject123',
      rollback: true,
    });
    expect((await stored(ids['service_deployed.json']))?.intake).toEqual({ provider: 'cdevents', externalId: 'mySubject123' });

    // pipelinerun started and finished: one operation event, Start then Failure (outcome failure).
    expect(ids['pipelinerun_finished.json']).toBe(ids['pipelinerun_started.json']);
    const run = await trackerEvent(ids['pipelinerun_started.json']);
    expect(run.attributes).toMatchObject({ type: 2, service: 'myPipeline', status: 4 });
    // detected, reported, resolved: one incident, Open then Close.
    expect(new Set([ids['incident_detected.json'], ids['incident_reported.json'], ids['incident_resolved.json']]).size).toBe(1);
    const incident = await trackerEvent(ids['incident_detected.json']);
    expect(incident.attributes).toMatchObject({ type: 4, service: 'myApp', environment: 7, status: 8 });
    const log = (await http('GET', `${app.http}${API}/event/${ids['incident_detected.json']}/changelog`)).body.changelog;
    expect(log.filter((c: any) => c.field === 'attributes.status')).toEqual([
      expect.objectContaining({ old: 7, new: 8, source: 'cdevents' }),
    ]);
    // change.merged: a change of the repository it names, merged at the CDEvent's time.
    const changes = (await http('GET', `${app.http}${API}/changes?service=TestRepo%2FTestOrg`)).body.changes;
    expect(changes).toEqual([
      expect.objectContaining({
        id: ids['change_merged.json'],
        service: 'TestRepo/TestOrg',
        mergedAt: '2023-03-20T14:27:05.315Z',
        source: 'cdevents',
      }),
    ]);
  });

  it('takes binary mode, and records a retry of the same (source, id) once', async () => {
    const cdevent = example('service_deployed.json');
    const first = await postBinary(cdevent);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ duplicate: false, result: 'created' });
    const again = await postBinary(cdevent);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ duplicate: true, result: 'created', eventId: first.body.eventId });
    // The same CloudEvent in structured mode is the same CloudEvent.
    const structuredCopy = await postStructured(structured(cdevent));
    expect(structuredCopy.body).toMatchObject({ duplicate: true, eventId: first.body.eventId });
  });

  it('answers a batch event by event: recorded, refused with the failing paths, ignored, malformed', async () => {
    const good = example('service_upgraded.json');
    const badSchema = example('service_deployed.json');
    delete badSchema.subject.content.environment;
    badSchema.subject.content.unexpected = 1;
    const other = { specversion: '1.0', id: randomUUID(), source: '/ci', type: 'com.example.build.done' };
    const malformed = { specversion: '1.0', id: randomUUID(), type: 'x' };
    const res = await postStructured([structured(good), structured(badSchema), other, malformed, structured(good)], CE_BATCH);
    expect(res.status).toBe(200);
    const [recorded, refused, ignored, broken, duplicate] = res.body.results;
    expect(recorded).toMatchObject({ id: good.context.id, status: 201, outcome: 'recorded', result: 'created' });
    expect(refused).toMatchObject({ id: badSchema.context.id, status: 400, outcome: 'refused' });
    expect(refused.invalidFields).toEqual(
      expect.arrayContaining([
        { name: 'data.subject.content.environment', reason: 'is required' },
        { name: 'data.subject.content.unexpected', reason: 'is not a field of this CDEvent' },
      ]),
    );
    expect(ignored).toMatchObject({ id: other.id, status: 202, outcome: 'ignored' });
    expect(broken).toMatchObject({
      id: malformed.id,
      status: 400,
      outcome: 'refused',
      invalidFields: [{ name: 'source', reason: 'is required' }],
    });
    expect(duplicate).toMatchObject({ id: good.context.id, status: 200, outcome: 'duplicate', eventId: recorded.eventId });
    expect((await postStructured({ not: 'an array' }, CE_BATCH)).status).toBe(400);
  });

  it('refuses malformed CloudEvents with a 400 naming what is wrong', async () => {
    const cdevent = example('service_deployed.json');
    const cases: [string, () => Promise<{ status: number; body: any }>, string][] = [
      ['structured without id', () => postStructured({ ...structured(cdevent), id: undefined }), 'id'],
      ['structured with a bad specversion', () => postStructured({ ...structured(cdevent), specversion: '7.0' }), 'specversion'],
      ['structured with an unreadable time', () => postStructured({ ...structured(cdevent), time: 'yesterday' }), 'time'],
      ['structured that is an array', () => postStructured([structured(cdevent)]), 'body'],
      ['binary without ce-id', () => postBinary(cdevent, { 'ce-id': '' }), 'ce-id'],
      ['binary without ce-source', () => postBinary(cdevent, { 'ce-source': '' }), 'ce-source'],
      ['binary with an unreadable ce-time', () => postBinary(cdevent, { 'ce-time': 'soon' }), 'ce-time'],
      ['CloudEvent id differing from the CDEvent context id', () => postBinary(cdevent, { 'ce-id': randomUUID() }), 'data.context.id'],
      ['CDEvent data that is not an object', () => postStructured({ ...structured(cdevent), data: 'text' }), 'data'],
      [
        'CDEvent failing its schema',
        () => postStructured(structured({ ...cdevent, subject: { ...cdevent.subject, type: 7 } })),
        'data.subject.type',
      ],
    ];
    for (const [what, post, field] of cases) {
      const res = await post();
      const names = (res.body.invalidFields ?? []).map((f: { name: string }) => f.name);
      expect({ what, status: res.status, names }).toEqual({ what, status: 400, names: expect.arrayContaining([field]) });
    }
  });

  it('answers 202 ignored for a well-formed CloudEvent of another type, counted in /metrics', async () => {
    const res = await postStructured({ specversion: '1.0', id: randomUUID(), source: '/ci', type: 'com.example.other' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ ignored: true, reason: 'CloudEvent type "com.example.other" is not one Tracker records' });
    const older = example('service_deployed.json');
    older.context.type = 'dev.cdevents.service.deployed.0.1.0';
    const version = await postStructured(structured(older));
    expect(version.status).toBe(202);
    expect(version.body.reason).toContain('dev.cdevents.service.deployed.0.2.0');
    const metrics = await http('GET', `${app.http}/metrics`);
    expect(metrics.text).toMatch(/tracker_intake_ignored_total\{provider="cloudevents",type="com.example.other"\} 1/);
  });

  it('refuses a CloudEvent whose (source, id) a decoy took first: 409, counted, nothing stored; a true redelivery stays a duplicate', async () => {
    const { decoy, real, service } = squattedPair(examples.get('service_deployed.json'));
    const squat = await postStructured(structured(decoy));
    expect(squat.status).toBe(201);
    const refused = await postBinary(real);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ type: 'urn:tracker:problems:conflict', status: '409' });
    expect(refused.body.detail).toMatch(/other content/);
    // In a batch, the conflicting entry is refused in its place.
    const batch = await postStructured([structured(real)], CE_BATCH);
    expect(batch.body.results).toEqual([expect.objectContaining({ id: real.context.id, status: 409, outcome: 'refused' })]);
    expect(await store.db(app.database).collection('tracker_events').countDocuments({ 'attributes.service': service })).toBe(0);
    // The decoy's own retry, in the other mode and with transport-only attributes changed, is still its duplicate.
    const retry = await postBinary(decoy, {
      'ce-time': '2030-01-01T00:00:00Z',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ duplicate: true, result: 'created', eventId: squat.body.eventId });
    const metrics = await http('GET', `${app.http}/metrics`);
    expect(metrics.text).toMatch(/tracker_intake_conflicts_total\{provider="cloudevents"\} 2/);
  });

  it('ignores an unmapped environment with the reason', async () => {
    const cdevent = example('service_deployed.json');
    cdevent.subject.content.environment.id = 'moon-base';
    const res = await postStructured(structured(cdevent));
    expect(res.status).toBe(202);
    expect(res.body.reason).toBe('environment "moon-base" is not mapped by INGEST_ENVIRONMENTS');
  });
});

describe('CloudEvents intake with TRACKER_AUTH=required: receipts belong to the caller', () => {
  let app: TestApp;
  let store: MongoClient;
  const deployed = conformanceExamples().find((e) => e.file === 'service_deployed.json')!.cdevent;

  beforeAll(async () => {
    app = await startTestApp({ env: { TRACKER_AUTH: 'required', INGEST_ENVIRONMENTS: ENVIRONMENTS, RATE_LIMIT_PER_MINUTE: '1000000' } });
    store = await MongoClient.connect(app.storeUri);
  });
  afterAll(async () => {
    await store?.close();
    await app?.close();
  });

  const post = (cdevent: any, token: string) =>
    http('POST', `${app.http}${CLOUDEVENTS_PATH}`, {
      raw: JSON.stringify(structured(cdevent)),
      headers: { 'content-type': CE_JSON, authorization: `Bearer ${token}` },
    });

  it("stores each caller's CloudEvent under the same (source, id), the real emitter's included", async () => {
    const squatter = mintToken({});
    const emitter = mintToken({});
    const { decoy, real, service } = squattedPair(deployed);
    const squat = await post(decoy, squatter);
    expect(squat.status).toBe(201);
    const recorded = await post(real, emitter);
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({ duplicate: false, result: 'created' });
    expect(recorded.body.eventId).not.toBe(squat.body.eventId);
    const stored = await store
      .db(app.database)
      .collection('tracker_events')
      .findOne({ _id: new ObjectId(recorded.body.eventId as string) });
    expect(stored?.attributes).toMatchObject({ type: 1, service });

    // The same caller redelivering the same content: the duplicate; the same caller with other content: 409.
    const again = await post(real, emitter);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ duplicate: true, result: 'created', eventId: recorded.body.eventId });
    expect((await post(decoy, emitter)).status).toBe(409);
  });
});
