import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { createEvent, eventsUrl } from '../support/astra-events';
import { astraMessageAsRest } from '../support/astra-grpc';
import { expectAstraValid } from '../support/astra-schema';
import { bearer, mintToken } from '../support/auth';
import { http } from '../support/http';
import { openGrpcStream, openSse, SseStream } from '../support/sse-client';

const PROTO = join(PROTO_ROOT, 'astra/core/v1/event.proto');
const SERVICE = 'astra.core.v1.EventService';

describe('live streams: the activity log (REST SSE extension and gRPC WatchEvents)', () => {
  let app: TestApp;
  const account = randomUUID();
  const other = randomUUID();
  const open: SseStream[] = [];
  const streamUrl = (acc: string = account) => `${eventsUrl(app.http, acc)}/stream`;
  const sse = async (headers: Record<string, string>, query = '', acc: string = account) => {
    const s = await openSse(`${streamUrl(acc)}${query}`, headers);
    open.push(s);
    return s;
  };

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await app?.close();
  });

  it('sends each new event the role may read, exactly as GET .../events/{id} returns it (schema-valid), and nothing else', async () => {
    const viewer = await sse(bearer(account, 'viewer'));
    const admin = await sse(bearer(account, 'admin'));
    expect([viewer.status, admin.status]).toEqual([200, 200]);
    await viewer.waitFor((m) => m.length >= 1);
    await admin.waitFor((m) => m.length >= 1);

    const everyone = await createEvent(app.http, account, { summary: 'for everyone' });
    const adminsOnly = await createEvent(app.http, account, { summary: 'admins only', visibility: ['admin'] });
    await createEvent(app.http, other, { summary: 'another account' });
    const expired = await createEvent(app.http, account, {
      summary: 'already expired',
      eventTime: '2020-01-01T00:00:00Z',
      data: { ttl: 1 },
    });
    const last = await createEvent(app.http, account, { summary: 'last' });

    await admin.waitFor((m) => m.some((x) => x.data.includes(last.id)));
    await viewer.waitFor((m) => m.some((x) => x.data.includes(last.id)));
    expect(admin.changes().map((c) => c.data.id)).toEqual([everyone.id, adminsOnly.id, last.id]);
    expect(viewer.changes().map((c) => c.data.id)).toEqual([everyone.id, last.id]);
    // The expired event was stored (201) and is already unreadable, so no stream sends it.
    expect((await http('GET', `${eventsUrl(app.http, account)}/${expired.id}`, { headers: bearer(account, 'admin') })).status).toBe(404);
    for (const change of admin.changes()) {
      expect(change.event).toBe('created');
      const got = await http('GET', `${eventsUrl(app.http, account)}/${change.data.id}`, { headers: bearer(account, 'admin') });
      expect(change.data).toEqual(got.body);
      expectAstraValid('event_1.4_get_response_body', change.data);
    }
  });

  it('has the same authentication and account rules as listing events (401, 403, 400 problems), and 405 for other methods', async () => {
    const noToken = await http('GET', streamUrl());
    expect(noToken.status).toBe(401);
    expect(noToken.body.type).toBe('https://astra.netapp.io/problems/3');
    const bad = await http('GET', streamUrl(), { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(bad.body.type).toBe('https://astra.netapp.io/problems/4');
    const otherAccount = await http('GET', streamUrl(), { headers: bearer(other, 'owner') });
    expect(otherAccount.status).toBe(403);
    expect(otherAccount.body.type).toBe('https://astra.netapp.io/problems/11');
    const malformed = await http('GET', streamUrl('not-a-uuid'), { headers: bearer(account, 'owner') });
    expect(malformed.body.type).toBe('https://astra.netapp.io/problems/33');
    const cursor = await http('GET', `${streamUrl()}?since=x`, { headers: bearer(account, 'owner') });
    expect(cursor.status).toBe(400);
    expect(cursor.body).toMatchObject({ type: 'https://astra.netapp.io/problems/5', invalidParams: [{ name: 'since' }] });
    const post = await http('POST', streamUrl(), { headers: bearer(account, 'owner'), body: {} });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('resumes with Last-Event-ID, still filtered by role', async () => {
    const first = await sse(bearer(account, 'viewer'));
    await first.waitFor((m) => m.length >= 1);
    const start = first.messages[0].id!;
    first.close();
    const hidden = await createEvent(app.http, account, { summary: 'hidden', visibility: ['owner'] });
    const shown = await createEvent(app.http, account, { summary: 'shown' });
    const resumed = await sse({ ...bearer(account, 'viewer'), 'last-event-id': start });
    await resumed.waitFor((m) => m.some((x) => x.data.includes(shown.id)));
    expect(resumed.changes().map((c) => c.data.id)).toEqual([shown.id]);
    // The owner resuming from the same cursor gets both: the hidden event is in the log, filtered by role.
    const asOwner = await sse({ ...bearer(account, 'owner'), 'last-event-id': start });
    await asOwner.waitFor((m) => m.some((x) => x.data.includes(shown.id)));
    expect(asOwner.changes().map((c) => c.data.id)).toEqual([hidden.id, shown.id]);
  });

  it('ends the stream with a final problem message when the token expires', async () => {
    const stream = await sse({ authorization: `Bearer ${mintToken({ [account]: 'viewer' }, { expiresInSeconds: 2 })}` });
    expect(stream.status).toBe(200);
    expect(await stream.ended).toBe('end');
    const last = stream.messages[stream.messages.length - 1];
    expect(last.event).toBe('problem');
    expect(JSON.parse(last.data)).toMatchObject({ type: 'https://astra.netapp.io/problems/4', status: '401' });
  });

  it('gRPC WatchEvents: bearer metadata, role visibility, resume_from, UNAUTHENTICATED on expiry', async () => {
    const auth = (role: 'viewer' | 'admin', options = {}) => ({ authorization: `Bearer ${mintToken({ [account]: role }, options)}` });
    const watch = openGrpcStream(app.grpc, PROTO, SERVICE, 'WatchEvents', { accountId: account }, auth('viewer'));
    // The stream is open once the server answered its headers; a write before that is not part of it.
    expect(await watch.opened).toBe('open');
    await createEvent(app.http, account, { summary: 'grpc hidden', visibility: ['admin'] });
    const shown = await createEvent(app.http, account, { summary: 'grpc shown' });
    await watch.waitFor((m) => m.length >= 1);
    expect(watch.messages.map((m) => m.event.id)).toEqual([shown.id]);
    expect(watch.messages[0].kind).toBe('created');
    const got = await http('GET', `${eventsUrl(app.http, account)}/${shown.id}`, { headers: bearer(account, 'viewer') });
    expect(astraMessageAsRest(watch.messages[0].event)).toEqual(got.body);
    watch.cancel();

    const denied = openGrpcStream(app.grpc, PROTO, SERVICE, 'WatchEvents', { accountId: account });
    expect((await denied.done).code).toBe(status.UNAUTHENTICATED);
    const badCursor = openGrpcStream(app.grpc, PROTO, SERVICE, 'WatchEvents', { accountId: account, resumeFrom: 'zz' }, auth('viewer'));
    expect((await badCursor.done).code).toBe(status.INVALID_ARGUMENT);
    const expiring = openGrpcStream(
      app.grpc,
      PROTO,
      SERVICE,
      'WatchEvents',
      { accountId: account },
      auth('viewer', { expiresInSeconds: 2 }),
    );
    expect((await expiring.done).code).toBe(status.UNAUTHENTICATED);
  });
});
