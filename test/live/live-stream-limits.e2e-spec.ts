import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { eventsUrl } from '../support/astra-events';
import { mintToken } from '../support/auth';
import { TestOidcIssuer } from '../support/oidc-issuer';
import { GrpcStreamClient, openGrpcStream, openSse, SseStream } from '../support/sse-client';

const TRACKER_PROTO = join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto');
const TRACKER_SERVICE = 'tracker.event.v1alpha1.EventService';
const ASTRA_PROTO = join(PROTO_ROOT, 'astra/core/v1/event.proto');
const ASTRA_SERVICE = 'astra.core.v1.EventService';
/** STREAMS_MAX_PER_CALLER's default. */
const MAX_STREAMS = 50;

/** `promise`, or a failure naming `what` once `ms` have passed (a stream that never ends must not hang the test). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Retries `attempt` until it answers something `done` accepts, for at most `ms`. */
async function until<T>(attempt: () => Promise<T>, done: (value: T) => boolean, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await attempt();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('live streams: tracker streams end when their token expires; at most STREAMS_MAX_PER_CALLER per caller', () => {
  let app: TestApp;
  let anonymousApp: TestApp;
  let issuer: TestOidcIssuer;
  const sseStreams: SseStream[] = [];
  const grpcStreams: GrpcStreamClient[] = [];
  const trackerUrl = () => `${app.http}/api/v1alpha1/events/stream`;
  const sse = async (url: string, headers: Record<string, string> = {}) => {
    const s = await openSse(url, headers);
    sseStreams.push(s);
    return s;
  };
  const watch = (address: string, headers: Record<string, string>, service = TRACKER_SERVICE, request: object = {}) => {
    const proto = service === TRACKER_SERVICE ? TRACKER_PROTO : ASTRA_PROTO;
    const s = openGrpcStream(address, proto, service, 'WatchEvents', request, headers);
    grpcStreams.push(s);
    return s;
  };

  beforeAll(async () => {
    issuer = await TestOidcIssuer.start();
    [app, anonymousApp] = await Promise.all([startTestApp({ env: { TRACKER_AUTH: 'required', ...issuer.env() } }), startTestApp()]);
  });
  afterAll(async () => {
    for (const s of sseStreams) s.close();
    for (const s of grpcStreams) s.cancel();
    await Promise.all([app?.close(), anonymousApp?.close()]);
    await issuer?.stop();
  });

  it('SSE: a stream opened with an HS256 or an OIDC token ends at its expiry with event: problem (the 401), then closes', async () => {
    const hs256 = `Bearer ${mintToken({}, { expiresInSeconds: 2 })}`;
    const oidc = `Bearer ${await issuer.sign({ sub: randomUUID() }, { expiresIn: 2 })}`;
    for (const authorization of [hs256, oidc]) {
      const stream = await sse(trackerUrl(), { authorization });
      expect(stream.status).toBe(200);
      expect(await within(stream.ended, 15_000, 'the expired stream ending')).toBe('end');
      const last = stream.messages[stream.messages.length - 1];
      expect(last.event).toBe('problem');
      expect(JSON.parse(last.data)).toMatchObject({ type: 'urn:tracker:problems:invalid-token', status: '401' });
    }
  });

  it('gRPC WatchEvents: a stream opened with a token that expires ends UNAUTHENTICATED', async () => {
    const stream = watch(app.grpc, { authorization: `Bearer ${mintToken({}, { expiresInSeconds: 2 })}` });
    expect(await stream.opened).toBe('open');
    const end = await within(stream.done, 15_000, 'the expired gRPC stream ending');
    expect(end.code).toBe(status.UNAUTHENTICATED);
    expect(end.details).toMatch(/expired/);
  });

  it('the 51st stream of one user (SSE and gRPC, tracker and activity together) is refused on each transport; a closed one frees its slot', async () => {
    const user = randomUUID();
    const account = randomUUID();
    const auth = { authorization: `Bearer ${mintToken({ [account]: 'viewer' }, { user })}` };
    const activityUrl = `${eventsUrl(app.http, account)}/stream`;

    const open: SseStream[] = [];
    for (let i = 0; i < 20; i++) open.push(await sse(trackerUrl(), auth));
    for (let i = 0; i < 5; i++) open.push(await sse(activityUrl, auth));
    const grpcOpen = [
      ...Array.from({ length: 20 }, () => watch(app.grpc, auth)),
      ...Array.from({ length: 5 }, () => watch(app.grpc, auth, ASTRA_SERVICE, { accountId: account })),
    ];
    expect(open.map((s) => s.status)).toEqual(Array(25).fill(200));
    expect(await Promise.all(grpcOpen.map((s) => s.opened))).toEqual(Array(MAX_STREAMS - 25).fill('open'));

    const refused = await sse(trackerUrl(), auth);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const problem = JSON.parse(refused.messages[0].data);
    expect(problem).toMatchObject({ status: '429', quota: 'STREAMS_MAX_PER_CALLER', limit: MAX_STREAMS });
    expect(problem.detail).toContain('STREAMS_MAX_PER_CALLER');
    expect((await sse(activityUrl, auth)).status).toBe(429);

    const refusedCall = watch(app.grpc, auth);
    expect(await refusedCall.opened).toBe('ended');
    const refusedEnd = await refusedCall.done;
    expect(refusedEnd.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(refusedEnd.details).toContain('STREAMS_MAX_PER_CALLER');

    // Another user is not affected.
    const other = await sse(trackerUrl(), { authorization: `Bearer ${mintToken({})}` });
    expect(other.status).toBe(200);

    // Closing an SSE stream frees a slot (for either transport); so does cancelling a gRPC call.
    open[0].close();
    const reopened = await until(
      () => sse(trackerUrl(), auth),
      (s) => s.status === 200,
      10_000,
      'a slot freed by the closed SSE stream',
    );
    expect(reopened.status).toBe(200);
    expect((await sse(trackerUrl(), auth)).status).toBe(429);
    grpcOpen[0].cancel();
    const rewatched = await until(
      async () => {
        const s = watch(app.grpc, auth);
        return { s, opened: await s.opened };
      },
      (r) => r.opened === 'open',
      10_000,
      'a slot freed by the cancelled gRPC call',
    );
    expect(rewatched.opened).toBe('open');
    expect(await watch(app.grpc, auth).done).toMatchObject({ code: status.RESOURCE_EXHAUSTED });
  });

  it('without a token (TRACKER_AUTH=off) the peer address is the caller: the 51st anonymous stream answers 429', async () => {
    const url = `${anonymousApp.http}/api/v1alpha1/events/stream`;
    const open = await Promise.all(Array.from({ length: MAX_STREAMS }, () => sse(url)));
    expect(open.map((s) => s.status)).toEqual(Array(MAX_STREAMS).fill(200));
    const refused = await sse(url);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.messages[0].data)).toMatchObject({ quota: 'STREAMS_MAX_PER_CALLER' });
    open[0].close();
    await until(
      () => sse(url),
      (s) => s.status === 200,
      10_000,
      'a slot freed by the closed anonymous stream',
    );
  });
});
