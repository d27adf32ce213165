import { status as grpcStatus } from '@grpc/grpc-js';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/platform/repo-root';
import { emailMessageId } from '../../src/features/deliveries/channels/email.channel';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { eventually, http } from '../support/http';
import { MailSink, SlackReceiver } from '../support/notification-peers';

const PROTO = join(REPO_ROOT, 'proto/tracker/event/v1alpha1/event.proto');
type AnyObj = Record<string, any>;

/** Tiny schedule: 3 retries 0.2 s apart (+/-20% jitter), then dead; the dispatcher polls every 50 ms. */
const FAST = { NOTIFY_RETRY_SCHEDULE: '0.2,0.2,0.2', NOTIFY_POLL_MS: '50', NOTIFY_LEASE_MS: '5000' };

function deployment(overrides: AnyObj = {}, channels = ['slack', 'email']) {
  return {
    title: 'Deploy user-service v2.1.0',
    attributes: {
      message: 'Deployed via GitHub Actions',
      type: 1,
      priority: 2,
      service: 'user-service',
      status: 1,
      environment: 7,
      owner: 'platform-team',
      notification: true,
      notifications: channels,
      ...overrides,
    },
    links: { pullRequestLink: 'https://github.com/org/repo/pull/123', ticket: 'PROJ-456' },
  };
}

describe('tracker event notifications: Slack and email delivery', () => {
  let slack: SlackReceiver;
  let mail: MailSink;
  let app: TestApp;
  let grpc: UnaryClient;
  const api = (path: string) => `${app.http}/api/v1alpha1${path}`;

  const create = async (body: AnyObj): Promise<string> => {
    const res = await http('POST', api('/event'), { body });
    expect(res.status).toBe(200);
    return res.body.id;
  };
  const deliveries = async (id: string): Promise<AnyObj[]> => (await http('GET', api(`/event/${id}/notifications`))).body.notifications;
  /** Waits until the event's deliveries satisfy `ok`, and returns them. */
  const settled = (id: string, ok: (ds: AnyObj[]) => boolean, timeoutMs = 30000) =>
    eventually(
      async () => {
        const ds = await deliveries(id);
        return ok(ds) && ds;
      },
      timeoutMs,
      50,
    );

  beforeAll(async () => {
    [slack, mail] = await Promise.all([SlackReceiver.start(), MailSink.start()]);
    app = await startTestApp({
      env: { ...FAST, SLACK_WEBHOOK_URL: slack.url, SMTP_URL: mail.url, EMAIL_FROM: 'tracker@example.com', EMAIL_TO: 'ops@example.com' },
    });
    grpc = grpcClient(app.grpc, PROTO, 'tracker.event.v1alpha1.EventService');
  });
  afterAll(async () => {
    slack?.hold()();
    grpc?.close();
    await app?.close();
    await Promise.all([slack?.close(), mail?.close()]);
  });
  beforeEach(() => slack.respond(200));

  it('delivers a new event to Slack and email once, with a readable message and the dedup key', async () => {
    const id = await create(deployment({ stakeHolders: ['backend-team', 'lead@example.com'] }));
    const ds = await settled(id, (d) => d.length === 2 && d.every((x) => x.state === 'delivered'));
    expect(ds.map((d) => d.dedupKey)).toEqual([`${id}:slack:created#1`, `${id}:email:created#1`]);
    for (const d of ds) {
      expect(d).toMatchObject({ trigger: 'created', state: 'delivered', attempts: [{ at: expect.any(String), ok: true }] });
      expect(d.nextAttemptAt).toBeUndefined();
    }

    const [post] = slack.for(`${id}:slack:created#1`);
    expect(slack.for(`${id}:slack:created#1`)).toHaveLength(1);
    expect(post.headers['x-tracker-dedup-key']).toBe(`${id}:slack:created#1`);
    expect(post.body.text).toBe('Deploy user-service v2.1.0 (user-service · Production · Start · P2 (High))');
    const blocks = JSON.stringify(post.body.blocks);
    for (const fact of [
      '*Service*\\nuser-service',
      '*Environment*\\nProduction',
      '*Status*\\nStart',
      '*Priority*\\nP2 (High)',
      '*Owner*\\nplatform-team',
      '*Why*\\ncreated',
    ]) {
      expect(blocks).toContain(fact);
    }
    expect(blocks).toContain('https://github.com/org/repo/pull/123');
    expect(blocks).toContain('PROJ-456');
    expect(blocks).toContain('Deployed via GitHub Actions');

    const messageId = emailMessageId(`${id}:email:created#1`);
    expect(messageId).toBe(`<${id}.email.created.1@tracker>`);
    const mails = mail.byMessageId(messageId);
    expect(mails).toHaveLength(1);
    const [m] = mails;
    expect(m.from).toBe('tracker@example.com');
    expect(m.to.sort()).toEqual(['lead@example.com', 'ops@example.com']);
    expect(m.subject).toBe('[Tracker] Deploy user-service v2.1.0 (user-service · Production · Start · P2 (High))');
    expect(m.headers.get('x-tracker-dedup-key')).toBe(`${id}:email:created#1`);
    for (const line of [
      'Service: user-service',
      'Environment: Production',
      'Status: Start',
      'Priority: P2 (High)',
      'Why: created',
      'Pull request: https://github.com/org/repo/pull/123',
      'Ticket: PROJ-456',
    ]) {
      expect(m.text).toContain(line);
    }
  });

  it('delivers every status change (REST PUT and gRPC UpdateEvent) with the transition, and nothing for other changes', async () => {
    const id = await create(deployment({}, ['slack']));
    await settled(id, (d) => d.length === 1 && d[0].state === 'delivered');

    expect((await http('PUT', api('/event'), { body: { id, attributes: { owner: 'someone-else' } } })).status).toBe(200);
    expect((await http('PUT', api('/event'), { body: { id, attributes: { status: 3 } } })).status).toBe(200);
    await grpc.call('UpdateEvent', { id, attributes: { status: 4 } });
    const ds = await settled(id, (d) => d.length === 3 && d.every((x) => x.state === 'delivered'));
    expect(ds.map((d) => [d.dedupKey, d.trigger])).toEqual([
      [`${id}:slack:created#1`, 'created'],
      [`${id}:slack:status#2`, 'status: Start -> Success'],
      [`${id}:slack:status#3`, 'status: Success -> Failure'],
    ]);
    const [success] = slack.for(`${id}:slack:status#2`);
    expect(success.body.text).toContain('Success');
    expect(JSON.stringify(success.body.blocks)).toContain('status: Start -> Success');
    expect(slack.for(`${id}:slack:status#3`)[0].body.text).toContain('Failure');
  });

  it('retries while the receiver answers 500 and delivers once it recovers; the attempts are visible', async () => {
    slack.respond(500);
    const id = await create(deployment({}, ['slack']));
    const key = `${id}:slack:created#1`;
    const failing = await settled(id, (d) => d[0].attempts.length >= 2);
    expect(failing[0]).toMatchObject({ state: 'pending', nextAttemptAt: expect.any(String) });
    expect(failing[0].attempts[0]).toMatchObject({
      ok: false,
      error: 'HTTP 500: failure',
      detail: expect.stringMatching(/^retry after \d+ ms \(backoff\)$/),
    });
    slack.respond(200);
    const [d] = await settled(id, (x) => x[0].state === 'delivered');
    expect(d.attempts.at(-1)).toMatchObject({ ok: true });
    expect(d.attempts.slice(0, -1).every((a: AnyObj) => !a.ok)).toBe(true);
    expect(slack.for(key).filter((r) => r.answered === 200)).toHaveLength(1);
  });

  it('honours Retry-After on 429 instead of the (much shorter) schedule', async () => {
    slack.queue({ status: 429, headers: { 'retry-after': '1' } });
    const id = await create(deployment({}, ['slack']));
    const key = `${id}:slack:created#1`;
    const [d] = await settled(id, (x) => x[0].state === 'delivered');
    const [first, second] = slack.for(key);
    expect([first.answered, second.answered]).toEqual([429, 200]);
    const gap = second.at - first.at;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(3000);
    expect(d.attempts[0]).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^HTTP 429/),
      detail: 'retry after 1000 ms (Retry-After)',
    });
  });

  it('marks a delivery dead after the last scheduled retry, and at once on a permanent 4xx', async () => {
    slack.respond(500);
    const id = await create(deployment({}, ['slack']));
    const [dead] = await settled(id, (x) => x[0].state === 'dead');
    // The first attempt plus one per scheduled retry.
    expect(dead.attempts).toHaveLength(4);
    expect(dead.attempts.every((a: AnyObj) => a.ok === false && a.error === 'HTTP 500: failure')).toBe(true);
    expect(dead.nextAttemptAt).toBeUndefined();
    expect(slack.for(dead.dedupKey)).toHaveLength(4);

    slack.respond(404);
    const other = await create(deployment({}, ['slack']));
    const [gone] = await settled(other, (x) => x[0].state === 'dead');
    expect(gone.attempts).toEqual([{ at: expect.any(String), ok: false, error: 'HTTP 404: failure' }]);
  });

  it('reads deliveries back over gRPC; unknown ids are 404 / NOT_FOUND', async () => {
    const id = await create(deployment({}, ['email']));
    const rest = await settled(id, (x) => x[0].state === 'delivered');
    const res = await grpc.call<AnyObj>('GetEventNotifications', { id });
    expect(res).toEqual({ id, notifications: rest });

    const none = await create({ title: 'quiet', attributes: { type: 2, service: 'svc', notification: false, notifications: ['slack'] } });
    expect(await http('GET', api(`/event/${none}/notifications`))).toMatchObject({ status: 200, body: { id: none, notifications: [] } });

    const missing = await http('GET', api('/event/65f000000000000000000000/notifications'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/problem\+json/);
    await expectGrpcError(grpc.call('GetEventNotifications', { id: '65f000000000000000000000' }), grpcStatus.NOT_FOUND);
  });

  it('records a known but unconfigured channel as skipped and still delivers the configured one', async () => {
    const slackOnly = await startTestApp({ env: { ...FAST, SLACK_WEBHOOK_URL: slack.url } });
    try {
      const res = await http('POST', `${slackOnly.http}/api/v1alpha1/event`, { body: deployment() });
      expect(res.status).toBe(200);
      const id = res.body.id;
      const ds = await eventually(
        async () => {
          const list = (await http('GET', `${slackOnly.http}/api/v1alpha1/event/${id}/notifications`)).body.notifications as AnyObj[];
          return list.length === 2 && list[0].state === 'delivered' && list;
        },
        15000,
        50,
      );
      expect(ds[1]).toEqual({
        dedupKey: `${id}:email:created#1`,
        channel: 'email',
        trigger: 'created',
        state: 'skipped',
        attempts: [],
        createdAt: expect.any(String),
        reason: 'email is not configured',
      });
      expect(mail.byMessageId(emailMessageId(`${id}:email:created#1`))).toHaveLength(0);
    } finally {
      await slackOnly.close();
    }
  });

  it('keeps both a user update and a concurrent delivery status write of the same event', async () => {
    const release = slack.hold();
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => create(deployment({ owner: `team-${i}` }, ['slack']))));
    // Every delivery is in flight (parked at the receiver); its progress write and the user update now race.
    await eventually(async () => ids.every((id) => slack.arrivals.includes(`${id}:slack:created#1`)), 10000, 20);
    release();
    const updates = await Promise.all(
      ids.map((id, i) =>
        http('PUT', api('/event'), { body: { id, attributes: { owner: `new-owner-${i}` }, links: { ticket: `T-${i}` } } }),
      ),
    );
    expect(updates.map((u) => u.status)).toEqual(ids.map(() => 200));
    for (const [i, id] of ids.entries()) {
      const [d] = await settled(id, (x) => x[0].state === 'delivered');
      expect(d.attempts).toHaveLength(1);
      const event = (await http('GET', api(`/event/${id}`))).body;
      expect(event.attributes.owner).toBe(`new-owner-${i}`);
      expect(event.links.ticket).toBe(`T-${i}`);
    }
  });
});
