import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emailMessageId } from '../../src/features/deliveries/channels/email.channel';
import { AttemptClaims } from '../../src/features/deliveries/delivery/attempt-claims';
import { freshDatabaseName, startTestApp, TestApp, testStoreUri } from '../support/app-harness';
import { eventually, http } from '../support/http';
import { MailSink, SlackReceiver } from '../support/notification-peers';
import { AppProcess, spawnApp } from '../support/process-harness';

type AnyObj = Record<string, any>;

const FAST = { NOTIFY_RETRY_SCHEDULE: '0.2,0.2,0.2', NOTIFY_POLL_MS: '50' };

function event(i: number, channels: string[]) {
  return {
    title: `Deploy ${i}`,
    attributes: { type: 1, service: `svc-${i}`, status: 1, environment: 7, notification: true, notifications: channels },
  };
}

async function deliveriesOf(base: string, id: string): Promise<AnyObj[]> {
  return (await http('GET', `${base}/api/v1alpha1/event/${id}/notifications`)).body.notifications;
}

describe('tracker event notifications across instances and crashes', () => {
  let slack: SlackReceiver;
  let mail: MailSink;

  beforeAll(async () => {
    [slack, mail] = await Promise.all([SlackReceiver.start(), MailSink.start()]);
  });
  afterAll(async () => {
    slack?.hold()();
    await Promise.all([slack?.close(), mail?.close()]);
  });
  beforeEach(() => slack.respond(200));

  it('two instances on one store deliver every delivery exactly once', async () => {
    const env = { ...FAST, NOTIFY_LEASE_MS: '10000', SLACK_WEBHOOK_URL: slack.url, SMTP_URL: mail.url, EMAIL_TO: 'ops@example.com' };
    const first: TestApp = await startTestApp({ env });
    const second: TestApp = await startTestApp({ env, database: first.database });
    const apps = [first, second];
    try {
      const ids: string[] = [];
      for (let batch = 0; batch < 4; batch++) {
        const created = await Promise.all(
          Array.from({ length: 6 }, async (_, j) => {
            const i = batch * 6 + j;
            const res = await http('POST', `${apps[i % 2].http}/api/v1alpha1/event`, { body: event(i, ['slack', 'email']) });
            expect(res.status).toBe(200);
            return res.body.id as string;
          }),
        );
        ids.push(...created);
      }
      // A status change of each, through the other instance: a second trigger per event.
      await Promise.all(
        ids.map(async (id, i) => {
          const res = await http('PUT', `${apps[(i + 1) % 2].http}/api/v1alpha1/event`, { body: { id, attributes: { status: 3 } } });
          expect(res.status).toBe(200);
        }),
      );

      const keys: string[] = [];
      for (const id of ids) {
        const ds = await eventually(
          async () => {
            const list = await deliveriesOf(first.http, id);
            return list.length === 4 && list.every((d) => d.state === 'delivered') && list;
          },
          30000,
          50,
        );
        for (const d of ds) expect(d.attempts).toHaveLength(1);
        keys.push(...ds.map((d) => d.dedupKey as string));
      }
      expect(new Set(keys).size).toBe(ids.length * 4);

      const slackKeys = keys.filter((k) => k.includes(':slack:'));
      const counts = slack.deliveredCounts();
      for (const key of slackKeys) expect([key, counts.get(key)]).toEqual([key, 1]);
      expect(slack.requests.filter((r) => slackKeys.includes(r.dedupKey))).toHaveLength(slackKeys.length);

      const emailKeys = keys.filter((k) => k.includes(':email:'));
      for (const key of emailKeys) expect([key, mail.byMessageId(emailMessageId(key)).length]).toEqual([key, 1]);
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('attempt claims: one winner per attempt, a live claim is busy, an expired one is taken over once, a done one replays', async () => {
    const env = { ...FAST, NOTIFY_LEASE_MS: '1000' };
    const first = await startTestApp({ env });
    const second = await startTestApp({ env, database: first.database });
    try {
      const [a, b] = [first, second].map((app) => app.tracker.app.get(AttemptClaims));
      const key = 'ffffffffffffffffffffffff:slack:created#1';
      const raced = await Promise.all([a.acquire(key, 1, 'e'), b.acquire(key, 1, 'e'), a.acquire(key, 1, 'e'), b.acquire(key, 1, 'e')]);
      expect(raced.filter((c) => c.kind === 'acquired')).toHaveLength(1);
      expect(raced.filter((c) => c.kind === 'busy')).toHaveLength(3);

      // Past the lease: of several instances taking over, exactly one wins.
      const later = new Date(Date.now() + 2000);
      const takeovers = await Promise.all([a.acquire(key, 1, 'e', later), b.acquire(key, 1, 'e', later), b.acquire(key, 1, 'e', later)]);
      expect(takeovers.filter((c) => c.kind === 'acquired')).toHaveLength(1);
      const winner = takeovers.findIndex((c) => c.kind === 'acquired') === 0 ? a : b;

      const result = { attempt: { at: new Date(), ok: true, detail: 'HTTP 200' }, state: 'delivered' as const };
      expect(await winner.finish(`${key}#1`, result)).toBe(true);
      const replay = await a.acquire(key, 1, 'e', new Date(Date.now() + 60_000));
      expect(replay).toEqual({ kind: 'done', result });
      expect((await b.acquire(key, 2, 'e')).kind).toBe('acquired');
    } finally {
      await second.close();
      await first.close();
    }
  });

  describe('the app killed with SIGKILL after answering create, before delivering', () => {
    let dir: string;
    let proc: AppProcess | undefined;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'tracker-notify-kill-'));
    });
    afterAll(() => {
      if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    // Two process starts, a kill and a lease expiry: a longer budget than the config's, like crash-safety's.
    it("delivers after a restart on the same store (the crashed holder's claim is taken over once its lease expires)", async () => {
      const env = {
        MONGODB_URI: testStoreUri(freshDatabaseName('kill')),
        SLACK_WEBHOOK_URL: slack.url,
        NOTIFY_RETRY_SCHEDULE: '0.2,0.2,0.2',
        NOTIFY_POLL_MS: '50',
        NOTIFY_LEASE_MS: '1000',
      };
      // The receiver parks requests: the first attempt is in flight, never answered, when the app dies.
      const release = slack.hold();
      proc = await spawnApp(env, join(dir, 'first.log'));
      const res = await http('POST', `${proc.http}/api/v1alpha1/event`, { body: event(1, ['slack']) });
      expect(res.status).toBe(200);
      const key = `${res.body.id}:slack:created#1`;
      await eventually(async () => slack.arrivals.includes(key), 15000, 20);
      proc.child.kill('SIGKILL');
      expect(await proc.exited).toBe('SIGKILL');
      // The parked request's connection is gone; whatever it is answered never reached the dead app.
      slack.respond(500);
      release();
      await eventually(async () => slack.for(key).length === 1, 5000, 20);
      slack.respond(200);

      proc = await spawnApp(env, join(dir, 'second.log'));
      const [d] = await eventually(
        async () => {
          const list = await deliveriesOf(proc!.http, res.body.id);
          return list[0]?.state === 'delivered' && list;
        },
        30000,
        50,
      );
      // The crashed attempt was never recorded; the restarted app's attempt 1 delivered it.
      expect(d).toMatchObject({ dedupKey: key, attempts: [{ ok: true }] });
      expect(slack.arrivals.filter((k) => k === key)).toHaveLength(2);
      expect(slack.for(key).filter((r) => r.answered === 200)).toHaveLength(1);
      proc.child.kill('SIGTERM');
      await proc.exited;
    }, 120_000);
  });
});
